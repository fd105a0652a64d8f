"""Business type detection: by weighted signals, with a confidence, evidence and mixed sites."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.analysis.classify import classify
from scanner.analysis.detect import detect_business_type, type_evidence
from scanner.analysis.rules import RuleSet
from scanner.models import Element, Form, FormField, Page, Site

BASE = "https://app.test"


def link(href: str, text: str) -> Element:
    return Element(
        tag="a",
        text=text,
        href=BASE + href,
        attrs={"href": href, "class": "btn"},
        visible=True,
        selector=f'a[href="{href}"]',
        snippet=f"<a>{text}",
    )


def newsletter() -> Form:
    return Form(
        selector="#nl",
        id="nl",
        heading="Newsletter",
        submit_text="Subscribe",
        fields=[FormField(tag="input", type="email", name="email")],
        snippet="<form>",
    )


def page(path: str, **facts: Any) -> Page:
    return Page(url=BASE + path, requested_url=BASE + path, status=200, depth=1, **facts)


def with_a_blog(
    name: str, home_types: list[str], post_types: list[str], elements: list[Element], *more: Page
) -> Site:
    """A home page, a pricing page, `more` pages and twelve blog posts with a newsletter form,
    every page showing `elements`."""
    posts = [
        page(
            f"/blog/post-{n}",
            title=f"Post {n}",
            jsonld_types=post_types,
            elements=elements,
            forms=[newsletter()],
        )
        for n in range(12)
    ]
    home = page("/", title=name, elements=elements, jsonld_types=home_types)
    pricing = page("/pricing", title=f"Pricing | {name}", elements=elements)
    return Site(start_urls=[BASE + "/"], pages=[home, pricing, *more, *posts])


def saas_with_a_blog() -> Site:
    calls = [
        link("/signup", "Start your free trial"),
        link("/demo", "Book a demo"),
        link("/pricing", "Pricing"),
    ]
    return with_a_blog("App", ["SoftwareApplication"], ["BlogPosting"], calls)


def test_a_saas_with_a_big_blog_is_saas_with_content_as_a_second_type(rules: RuleSet) -> None:
    site = saas_with_a_blog()
    guess = detect_business_type(site, classify(site, rules), rules)
    assert guess.type == "saas"
    assert "content" in guess.also
    assert 0.5 <= guess.confidence < 1
    assert any("free_trial" in line for line in guess.evidence)


def test_the_type_option_overrides_detection(rules: RuleSet) -> None:
    site = saas_with_a_blog()
    guess = detect_business_type(site, classify(site, rules), rules, forced="local")
    assert (guess.type, guess.confidence, guess.evidence) == ("local", 1.0, ["set with --type"])


def test_no_signal_says_so(rules: RuleSet) -> None:
    site = Site(start_urls=[BASE + "/"], pages=[page("/", title="Hello")])
    guess = detect_business_type(site, classify(site, rules), rules)
    assert guess.confidence == 0 and "no business-type signal" in guess.evidence[0]


def button(text: str) -> Element:
    return Element(
        tag="button",
        text=text,
        attrs={"type": "button"},
        visible=True,
        selector=f'button[title="{text}"]',
        snippet=f"<button>{text}",
    )


def salon(booking_links: list[Element]) -> Site:
    """A site builder's salon: a cart icon on every page, a few products to buy, its services
    booked on an appointment platform."""
    common = [link("/cart-page", "Cart"), link_out("tel:+442071234567", "020 7123 4567")]
    common += booking_links
    products = [
        page(
            f"/product-page/oil-{n}",
            title=f"Hair oil {n}",
            jsonld_types=["Product", "Offer"],
            elements=[*common, button("Add to Cart")],
        )
        for n in range(4)
    ]
    return Site(
        start_urls=[BASE + "/"],
        pages=[
            page("/", title="Salon", elements=common),
            page("/services", title="Services", elements=common),
            page("/team", title="Team", elements=common),
            *products,
        ],
    )


@pytest.mark.parametrize(
    "booking",
    [
        "https://www.fresha.com/a/salon-london-12ab/booking",
        "https://widget.treatwell.de/salon/123/",
        "https://booksy.com/en-us/12345_studio",
        "https://www.vagaro.com/studio/book-now",
        "https://squareup.com/appointments/book/abc/start",
        "https://studio.simplybook.it/v2/",
        "https://salon.test/book-online",  # a site builder's own booking pages
    ],
)
@pytest.mark.parametrize("label", ["Book now", "Jetzt buchen", "Réserver", "Reservar cita"])
def test_a_salon_that_books_on_an_appointment_platform_is_local_though_it_sells_too(
    rules: RuleSet, booking: str, label: str
) -> None:
    site = salon([link_out(booking, label)])
    guess = detect_business_type(site, classify(site, rules), rules)
    assert guess.type == "local"
    assert "ecommerce" in guess.also
    assert any("appointment platform" in line for line in guess.evidence)


def test_the_same_salon_without_its_booking_platform_is_a_shop(rules: RuleSet) -> None:
    site = salon([link_out("https://www.instagram.com/salon/", "Instagram")])
    assert detect_business_type(site, classify(site, rules), rules).type == "ecommerce"


def link_out(href: str, text: str) -> Element:
    return Element(
        tag="a",
        text=text,
        href=href,
        attrs={"href": href},
        visible=True,
        selector=f'a[href="{href}"]',
        snippet=f"<a>{text}",
    )


def agency(calls: list[Element]) -> Site:
    """A marketing agency with a big blog (posts that say Article and BlogPosting), a newsletter,
    a pricing page and its calls to action."""
    nav = [link("/blog", "Blog"), link("/pricing", "Pricing"), *calls]
    blog = page("/blog", title="Blog", elements=nav, jsonld_types=["Blog"])
    return with_a_blog("Agency", ["WebSite"], ["Article", "BlogPosting", "WebPage"], nav, blog)


@pytest.mark.parametrize(
    ("call", "audit"),
    [
        ("Book a call", "Get your free audit"),
        ("Book a free strategy call", "Free SEO audit"),
        ("Kostenloses Erstgespräch", "Kostenlose Website-Analyse"),
        ("Réserver un appel découverte", "Audit gratuit"),
        ("Agenda una llamada", "Auditoría gratuita"),
        ("Prenota una call", "Analisi gratuita"),
        ("Plan een kennismakingsgesprek", "Gratis scan"),
        ("Agende uma reunião", "Análise gratuita"),
    ],
)
def test_an_agency_with_pricing_calls_and_an_audit_offer_is_not_a_publisher(
    rules: RuleSet, call: str, audit: str
) -> None:
    site = agency([button(call), link("/audit", audit)])
    guess = detect_business_type(site, classify(site, rules), rules)
    assert guess.type in ("leadgen", "saas")
    assert any("sales call" in line for line in guess.evidence)


def test_the_same_blog_without_calls_to_action_is_a_publisher(rules: RuleSet) -> None:
    site = agency([link("/about", "About us")])
    assert detect_business_type(site, classify(site, rules), rules).type == "content"


def test_synonymous_schema_types_count_a_page_once(rules: RuleSet) -> None:
    site = agency([])
    guess = detect_business_type(site, classify(site, rules), rules)
    assert "schema.org Article/BlogPosting on 12 page(s)" in guess.evidence


def test_an_article_that_links_to_a_salon_on_a_booking_platform_is_still_a_publisher(
    rules: RuleSet,
) -> None:
    site = agency(
        [link_out("https://www.fresha.com/a/hair-by-jo-london-1a2b", "Hair by Jo, Hackney")]
    )
    assert detect_business_type(site, classify(site, rules), rules).type == "content"


def test_hidden_wishlist_overlays_are_found_but_are_no_evidence_of_a_shop(rules: RuleSet) -> None:
    """A recipe blog on a shop system keeps hover-only 'add to wishlist' links on its cards:
    found (they can be tracked once shown), but only what a visitor sees says what it is."""
    overlay = Element(
        tag="a",
        text="Zur Wunschliste hinzufügen",
        attrs={"href": "#", "class": "action towishlist"},
        visible=False,
        landmark="main",
        selector="a.towishlist",
        snippet='<a class="action towishlist">',
    )

    def shop_evidence(site: Site) -> list[str]:
        return [text for _, text in type_evidence(site, classify(site, rules), rules)["ecommerce"]]

    hidden = agency([overlay])
    assert any(f.kind == "add_to_wishlist" and f.hidden for f in classify(hidden, rules))
    assert not any("add_to_wishlist" in line for line in shop_evidence(hidden))
    shown = agency([overlay.model_copy(update={"visible": True})])
    assert any("add_to_wishlist" in line for line in shop_evidence(shown))
