"""Business type detection: by weighted signals, with a confidence, evidence and mixed sites."""

from __future__ import annotations

from typing import Any

from scanner.analysis.classify import classify
from scanner.analysis.detect import detect_business_type
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


def saas_with_a_blog() -> Site:
    calls = [
        link("/signup", "Start your free trial"),
        link("/demo", "Book a demo"),
        link("/pricing", "Pricing"),
    ]
    posts = [
        page(
            f"/blog/post-{n}",
            title=f"Post {n}",
            jsonld_types=["BlogPosting"],
            elements=calls,
            forms=[newsletter()],
        )
        for n in range(12)
    ]
    return Site(
        start_urls=[BASE + "/"],
        pages=[
            page("/", title="App", elements=calls, jsonld_types=["SoftwareApplication"]),
            page("/pricing", title="Pricing | App", elements=calls),
            *posts,
        ],
    )


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
