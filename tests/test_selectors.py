"""Trigger selectors generalise across pages with the most stable attributes, never catch other
controls, and keep a page's own selector only for that page."""

from __future__ import annotations

import pytest

from scanner.analysis.selectors import STYLING, controls, trigger_selectors
from scanner.models import Element, Finding, Page, PageSelectors, Site
from tests.golden import SITES, analysis_of


def control(tag: str, selector: str, text: str, **attrs: str) -> Element:
    return Element(
        tag=tag,
        text=text,
        attrs={key.replace("_", "-"): value for key, value in attrs.items()},
        visible=True,
        selector=selector,
        snippet=f"<{tag}>{text}",
    )


def button(selector: str, text: str, classes: str = "", **attrs: str) -> Element:
    return control("button", selector, text, **{"class": classes, **attrs})


def finding(page: str, selector: str) -> Finding:
    return Finding(
        page=page,
        kind="add_to_cart",
        rule="r/x",
        target="element",
        selector=selector,
        text="Add",
        confidence=0.9,
        evidence=["x"],
    )


def site_of(*pages: tuple[str, list[Element]]) -> Site:
    return Site(
        start_urls=["http://s/"],
        pages=[
            Page(url=url, requested_url=url, status=200, depth=0, elements=elements)
            for url, elements in pages
        ],
    )


def test_a_class_shared_by_every_add_to_cart_button_becomes_the_selector() -> None:
    site = site_of(
        ("http://s/a", [button("main > button", "Add", "btn add-to-cart")]),
        (
            "http://s/b",
            [
                button("div > button:nth-of-type(2)", "Add", "btn add-to-cart"),
                button("#buy-later", "Later", "btn"),
            ],
        ),
    )
    chosen = trigger_selectors(
        controls(site),
        [
            finding("http://s/a", "main > button"),
            finding("http://s/b", "div > button:nth-of-type(2)"),
        ],
    )
    assert chosen.site_wide == ["button.add-to-cart"] and chosen.scoped == []
    assert (chosen.matched, chosen.unrelated) == (2, [])


def test_a_class_that_says_what_the_control_is_wins_over_a_framework_look() -> None:
    site = site_of(
        ("http://s/a", [button("main > button", "Add", "btn-primary add-to-cart")]),
        ("http://s/b", [button("aside > button", "Add", "btn-primary add-to-cart")]),
    )
    chosen = trigger_selectors(
        controls(site),
        [finding("http://s/a", "main > button"), finding("http://s/b", "aside > button")],
    )
    assert chosen.site_wide == ["button.add-to-cart"]


@pytest.mark.parametrize(
    "name", ["btn", "btn-primary", "button--full-width", "col-md-4", "mt-4", "w-full", "uppercase"]
)
def test_a_framework_class_is_only_a_look(name: str) -> None:
    assert STYLING.match(name)


@pytest.mark.parametrize(
    "name", ["btn-add-to-cart", "button--add-to-cart", "btn-buy-now", "p-name", "add-to-cart"]
)
def test_a_class_that_names_the_control_is_not_a_look(name: str) -> None:
    assert not STYLING.match(name)


def test_a_stable_attribute_wins_over_a_class() -> None:
    site = site_of(
        ("http://s/a", [button("form > button", "Add", "add-to-cart", name="add")]),
        ("http://s/b", [button("div > button", "Add", "add-to-cart", name="add")]),
    )
    chosen = trigger_selectors(
        controls(site),
        [finding("http://s/a", "form > button"), finding("http://s/b", "div > button")],
    )
    assert chosen.site_wide == ['button[name="add"]']


def test_a_class_that_marks_other_controls_too_is_narrowed() -> None:
    """WooCommerce's add_to_cart_button also marks the "Select options" links of variable
    products: the selector must leave them out."""
    woo = "button product_type_simple add_to_cart_button ajax_add_to_cart"
    site = site_of(
        (
            "http://s/shop/",
            [
                control(
                    "a",
                    "li:nth-of-type(1) > a",
                    "Add to cart",
                    href="?add-to-cart=12",
                    data_product_id="12",
                    **{"class": woo},
                ),
                control(
                    "a",
                    "li:nth-of-type(2) > a",
                    "Add to cart",
                    href="?add-to-cart=14",
                    data_product_id="14",
                    **{"class": woo},
                ),
                control(
                    "a",
                    "li:nth-of-type(3) > a",
                    "Select options",
                    href="/product/hoodie/",
                    data_product_id="13",
                    **{"class": "button product_type_variable add_to_cart_button"},
                ),
            ],
        )
    )
    chosen = trigger_selectors(
        controls(site),
        [
            finding("http://s/shop/", "li:nth-of-type(1) > a"),
            finding("http://s/shop/", "li:nth-of-type(2) > a"),
        ],
    )
    assert chosen.site_wide == ['a[href*="add-to-cart="]']
    assert chosen.unrelated == []


def test_controls_no_stable_selector_fits_are_caught_on_their_own_page_only() -> None:
    site = site_of(
        (
            "http://s/a",
            [button("main > button", "Add", "btn"), button("aside > button", "Close", "btn")],
        )
    )
    chosen = trigger_selectors(controls(site), [finding("http://s/a", "main > button")])
    assert chosen.site_wide == []
    assert chosen.scoped == [PageSelectors(path="/a", selectors=["main > button"])]
    assert (chosen.matched, chosen.unrelated) == (1, [])


def test_a_control_found_hidden_in_a_drawer_counts_as_caught() -> None:
    """A mini-cart's checkout link is hidden until the drawer opens: the trigger catches it, so
    the check counts it; a hidden control of no kind still does not make a selector unusable."""
    drawer = control("a", "aside > a", "Checkout", href="/checkout", **{"class": "drawer-link"})
    drawer = drawer.model_copy(update={"visible": False})
    other = control(
        "a", "aside > a:nth-of-type(2)", "Help", href="/help", **{"class": "drawer-link"}
    )
    other = other.model_copy(update={"visible": False})
    site = site_of(("http://s/a", [drawer, other]))
    chosen = trigger_selectors(controls(site), [finding("http://s/a", "aside > a")])
    assert chosen.site_wide == ['a[href^="/checkout"]']
    assert (chosen.matched, chosen.unrelated) == (1, [])


@pytest.mark.parametrize("site", [site.name for site in SITES])
def test_no_trigger_catches_an_unrelated_control_of_the_recorded_sites(site: str) -> None:
    """Tried on every page of the recorded fixture sites (WooCommerce's "Select options",
    skip links, share buttons, long headlines among them), every click, form, link and page-view
    trigger catches its own kind only."""
    plan = analysis_of(site).plan
    checked = [
        e
        for e in plan.events
        if e.trigger.type in ("click", "form_submit", "link_click", "page_view")
    ]
    assert len(checked) > 10
    for event in checked:
        assert event.trigger_check.unrelated == 0, (event.event, event.trigger_check.examples)
        assert event.trigger_check.matched >= 1, event.event
