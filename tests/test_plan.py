"""The plan: one event per kind, triggers that generalise safely, nothing counted twice."""

from __future__ import annotations

import json
import re
from typing import Any

from scanner.analysis import analyze
from scanner.analysis.plan import link_url_regex, page_path_regex
from scanner.analysis.rules import RuleSet
from scanner.models import (
    AnalysisOptions,
    Element,
    Finding,
    Form,
    FormField,
    Frame,
    Page,
    PageSelectors,
    Plan,
    Site,
    Tracking,
)
from scanner.outputs.gtm import build_container, export
from scanner.outputs.prose import limitations, trigger_description

BASE = "http://shop.test"


def test_paths_in_one_directory_generalise_to_every_page_there() -> None:
    kind_pages = [f"{BASE}/products/mug", f"{BASE}/products/bowl"]
    regex = page_path_regex(kind_pages, [*kind_pages, f"{BASE}/", f"{BASE}/cart"])
    assert regex == "^(/products/[^/]+)$"
    assert re.match(regex, "/products/teapot-never-crawled")
    assert not re.match(regex, "/cart")


def test_a_directory_with_other_pages_keeps_exact_paths() -> None:
    kind_pages = [f"{BASE}/p/mug", f"{BASE}/p/bowl"]
    regex = page_path_regex(kind_pages, [*kind_pages, f"{BASE}/p/shipping-info"])
    assert regex == "^(/p/bowl|/p/mug)$"


def test_a_single_page_keeps_its_exact_path() -> None:
    assert page_path_regex([f"{BASE}/pricing"], [f"{BASE}/pricing", f"{BASE}/"]) == "^(/pricing)$"


def page(url: str, **facts: Any) -> Page:
    return Page(url=url, requested_url=url, status=200, depth=0, **facts)


def tel_link(number: str) -> Element:
    return Element(
        tag="a",
        text=number,
        href=f"tel:{number}",
        attrs={"href": f"tel:{number}"},
        visible=True,
        selector=f'a[href="tel:{number}"]',
        snippet="<a>",
    )


def small_site() -> Site:
    contact_form = Form(
        selector="#contact",
        id="contact",
        visible=True,
        snippet="<form>",
        heading="Contact us",
        submit_text="Send",
        fields=[
            FormField(tag="input", type="email", name="email"),
            FormField(tag="textarea", type="textarea", name="message"),
        ],
    )
    youtube = Frame(tag="iframe", src="https://www.youtube.com/embed/x", selector="iframe")
    return Site(
        start_urls=[f"{BASE}/"],
        pages=[
            page(f"{BASE}/", elements=[tel_link("+1555")], frames=[youtube]),
            page(f"{BASE}/contact", elements=[tel_link("+1666")], forms=[contact_form]),
        ],
    )


def plan_for(
    site: Site, rules: RuleSet, options: AnalysisOptions | None = None
) -> tuple[Plan, list[Finding]]:
    analysis = analyze(site, options or AnalysisOptions(), rules)
    return analysis.plan, analysis.findings


def test_each_kind_becomes_one_event_with_its_trigger(rules: RuleSet) -> None:
    plan, _ = plan_for(small_site(), rules)
    events = {event.kind: event for event in plan.events}
    assert set(events) == {"phone_link", "contact_form", "video"}
    assert events["phone_link"].trigger.type == "link_click"
    assert events["phone_link"].trigger.url_regex == "^(tel:)"
    assert events["phone_link"].findings == 2
    lead = events["contact_form"]
    assert (lead.event, lead.conversion, lead.key_event) == ("generate_lead", "macro", True)
    assert lead.parameters["lead_type"] == "contact_form"
    assert lead.trigger.selectors == ["#contact"]


def test_what_enhanced_measurement_collects_gets_no_tag(rules: RuleSet) -> None:
    plan, _ = plan_for(small_site(), rules)
    video = next(e for e in plan.events if e.kind == "video")
    assert video.collected_by_enhanced_measurement
    assert video.trigger.type == "enhanced_measurement"
    tags = export(build_container(plan))["containerVersion"]["tag"]
    names = [p["value"] for t in tags for p in t["parameter"] if p["key"] == "eventName"]
    assert sorted(names) == ["click_to_call", "generate_lead"]


def file_link(href: str) -> Element:
    return Element(
        tag="a",
        text="Download",
        href=f"{BASE}{href}",
        attrs={"href": href},
        visible=True,
        selector=f'a[href="{href}"]',
        snippet="<a>",
    )


def test_a_tag_catches_only_the_downloads_enhanced_measurement_does_not_send(
    rules: RuleSet,
) -> None:
    """GA4 sends file_download for a .pdf by itself, never for a .dmg or a file named only in
    the address's query: those are what the tag is for."""
    pdf, dmg = file_link("/guide.pdf"), file_link("/app.dmg")
    script = file_link("/get.php?file=notes.pdf")
    site = Site(start_urls=[f"{BASE}/"], pages=[page(f"{BASE}/", elements=[pdf, dmg, script])])
    plan, _ = plan_for(site, rules)
    downloads = next(e for e in plan.events if e.kind == "file_download")
    assert not downloads.collected_by_enhanced_measurement
    assert downloads.findings == 3
    assert downloads.trigger.type == "click"
    assert downloads.trigger.selectors == sorted([dmg.selector, script.selector])
    assert downloads.enhanced_measurement.startswith("GA4 enhanced measurement already sends")
    assert downloads.enhanced_measurement.endswith(
        "Here that is 1 of its 3 findings; this event's trigger catches only the other 2."
    )


def test_downloads_enhanced_measurement_sends_get_no_tag(rules: RuleSet) -> None:
    site = Site(start_urls=[f"{BASE}/"], pages=[page(f"{BASE}/", elements=[file_link("/a.pdf")])])
    plan, _ = plan_for(site, rules)
    downloads = next(e for e in plan.events if e.kind == "file_download")
    assert downloads.collected_by_enhanced_measurement


def test_kinds_that_matter_but_were_not_seen_are_reported(rules: RuleSet) -> None:
    plan, _ = plan_for(small_site(), rules, AnalysisOptions(business_type="ecommerce"))
    assert plan.business_type.type == "ecommerce"
    assert {"add_to_cart", "begin_checkout", "product_page"} <= set(plan.not_seen)


def test_tracking_already_on_the_site_is_merged_and_its_ga4_id_used(rules: RuleSet) -> None:
    tagged = Tracking(
        gtm=["GTM-AAA1111"],
        ga4=["G-SITE123456"],
        datalayer=['{"event":"gtm.js"}', '{"event":"purchase","value":3}'],
    )
    site = Site(
        start_urls=[f"{BASE}/"],
        pages=[
            page(f"{BASE}/", tracking=tagged),
            page(f"{BASE}/b", tracking=Tracking(gtm=["GTM-AAA1111"], vendors=["Hotjar"])),
        ],
    )
    plan, _ = plan_for(site, rules)
    assert plan.existing_tracking.gtm == ["GTM-AAA1111"]
    assert plan.existing_tracking.vendors == ["Hotjar"]
    assert plan.existing_tracking.datalayer == ["gtm.js", "purchase"]
    assert (plan.measurement_id, plan.measurement_id_source) == ("G-SITE123456", "site")
    given = AnalysisOptions(measurement_id="G-MINE123456")
    assert plan_for(site, rules, given)[0].measurement_id_source == "option"


def test_a_link_host_other_links_share_is_narrowed_to_the_links_own_addresses() -> None:
    chats = ["https://t.me/support", "https://wa.me/34600111222"]
    regex = link_url_regex(chats, ["https://t.me/share/url?url=x"])
    assert re.match(regex, "https://t.me/support", re.IGNORECASE)
    assert re.match(regex, "https://wa.me/34999", re.IGNORECASE)  # no other wa.me link: the host
    assert not re.match(regex, "https://t.me/share/url?url=x", re.IGNORECASE)


def test_a_scheme_other_links_use_without_an_address_is_narrowed_to_links_with_one() -> None:
    regex = link_url_regex(["mailto:info@shop.test"], ["mailto:?subject=Look&body=https://x"])
    assert re.match(regex, "mailto:sales@shop.test", re.IGNORECASE)
    assert not re.match(regex, "mailto:?subject=Look&body=https://x", re.IGNORECASE)
    assert link_url_regex(["tel:+4930123"], ["/contact"]) == "^(tel:)"


def test_a_cart_page_seen_without_a_link_to_it_is_planned_as_view_cart(rules: RuleSet) -> None:
    site = Site(start_urls=[f"{BASE}/"], pages=[page(f"{BASE}/cart", title="Cart | Shop")])
    plan, findings = plan_for(site, rules, AnalysisOptions(business_type="ecommerce"))
    assert {f.kind for f in findings} == {"cart_page"}
    (cart,) = [e for e in plan.events if e.event == "view_cart"]
    assert (cart.kind, cart.title, cart.trigger.type) == ("view_cart", "Cart opened", "page_view")


def newsletter_box(page_url: str) -> Page:
    """A sign-up box no form holds: its fields and button, sent by a script."""
    button = Element(
        tag="button",
        text="Subscribe",
        attrs={"class": "js-subscribe", "type": "button"},
        visible=True,
        selector="button.js-subscribe",
        snippet="<button>",
        form=0,
    )
    box = Form(
        selector="button.js-subscribe",
        heading="Join our newsletter",
        submit_text="Subscribe",
        fields=[FormField(tag="input", type="email", name="email")],
        snippet='<div class="signup">',
        formless=True,
    )
    return page(page_url, elements=[button], forms=[box])


def newsletter_form() -> Form:
    return Form(
        selector="#newsletter",
        id="newsletter",
        heading="Join our newsletter",
        submit_text="Subscribe",
        fields=[FormField(tag="input", type="email", name="email")],
        snippet="<form>",
    )


def test_a_box_no_form_holds_is_caught_by_the_click_on_its_button(rules: RuleSet) -> None:
    """It never submits: a form trigger would never fire."""
    site = Site(start_urls=[f"{BASE}/"], pages=[newsletter_box(f"{BASE}/")])
    plan, _ = plan_for(site, rules)
    event = next(e for e in plan.events if e.kind == "newsletter_form")
    assert event.trigger.type == "click"
    assert event.trigger.selectors == ["button.js-subscribe"] and event.trigger.buttons == []


def test_forms_and_boxes_of_one_kind_are_caught_by_submission_and_by_click(
    rules: RuleSet,
) -> None:
    site = Site(
        start_urls=[f"{BASE}/"],
        pages=[
            newsletter_box(f"{BASE}/"),
            page(f"{BASE}/blog", forms=[newsletter_form()]),
        ],
    )
    plan, _ = plan_for(site, rules)
    event = next(e for e in plan.events if e.kind == "newsletter_form")
    assert event.trigger.type == "form_submit"
    assert event.trigger.selectors == ["#newsletter"]
    assert event.trigger.buttons == ["button.js-subscribe"]
    assert (event.trigger_check.matched, event.trigger_check.unrelated) == (2, 0)
    version = export(build_container(plan))["containerVersion"]
    tag = next(t for t in version["tag"] if t["name"] == "GA4 - newsletter_signup")
    fired_by = [t for t in version["trigger"] if t["triggerId"] in tag["firingTriggerId"]]
    assert sorted(t["type"] for t in fired_by) == ["CLICK", "FORM_SUBMISSION"]
    (click,) = [t for t in fired_by if t["type"] == "CLICK"]
    assert "button.js-subscribe, button.js-subscribe *" in json.dumps(click["filter"])


def test_a_box_button_no_stable_selector_fits_is_caught_on_its_own_page_only(
    rules: RuleSet,
) -> None:
    """Its positional selector would catch other controls on other pages."""
    box = newsletter_box(f"{BASE}/")
    positional = "body > footer > div > button"
    button = box.elements[0].model_copy(
        update={"attrs": {"type": "button"}, "selector": positional}
    )
    form = box.forms[0].model_copy(update={"selector": positional})
    site = Site(
        start_urls=[f"{BASE}/"],
        pages=[
            box.model_copy(update={"elements": [button], "forms": [form]}),
            page(f"{BASE}/blog", forms=[newsletter_form()]),
        ],
    )
    plan, _ = plan_for(site, rules)
    trigger = next(e for e in plan.events if e.kind == "newsletter_form").trigger
    assert trigger.buttons == []
    assert trigger.scoped_buttons == [PageSelectors(path="/", selectors=[positional])]
    version = export(build_container(plan))["containerVersion"]
    (click,) = [t for t in version["trigger"] if t["type"] == "CLICK"]
    assert click["name"].endswith("button click on /")
    conditions = [[p["value"] for p in c["parameter"]] for c in click["filter"]]
    assert conditions[0] == ["{{Page Path}}", "/"]


def test_a_form_trigger_of_box_buttons_only_says_so(rules: RuleSet) -> None:
    """As plan.yaml may have it: no form, so no form words and no form-trigger limitation."""
    site = Site(start_urls=[f"{BASE}/"], pages=[page(f"{BASE}/blog", forms=[newsletter_form()])])
    plan, _ = plan_for(site, rules)
    event = next(e for e in plan.events if e.kind == "newsletter_form")
    only_buttons = event.trigger.model_copy(
        update={"selectors": [], "scoped_buttons": [PageSelectors(path="/a", selectors=["#go"])]}
    )
    event = event.model_copy(update={"trigger": only_buttons})
    assert trigger_description(event) == (
        "A click on the button of a box no form holds: on /a only: `#go`"
    )
    assert "form trigger" not in limitations(event)
