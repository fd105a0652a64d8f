"""Trigger selectors generalise across pages without catching other controls."""

from __future__ import annotations

from scanner.analysis.selectors import controls, trigger_selectors
from scanner.models import Element, Finding, Page, Site, TriggerSpec


def button(selector: str, text: str, classes: str = "", **attrs: str) -> Element:
    return Element(
        tag="button",
        text=text,
        attrs={"class": classes, **attrs},
        visible=True,
        selector=selector,
        snippet=f"<button>{text}",
    )


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
    assert chosen == ["button.add-to-cart"]
    assert TriggerSpec(type="click", selectors=chosen).positional_selectors() == []


def test_a_class_that_other_controls_share_is_not_used() -> None:
    site = site_of(
        (
            "http://s/a",
            [button("main > button", "Add", "btn"), button("aside > button", "Close", "btn")],
        )
    )
    chosen = trigger_selectors(controls(site), [finding("http://s/a", "main > button")])
    assert chosen == ["main > button"]
    assert TriggerSpec(type="click", selectors=chosen).positional_selectors() == ["main > button"]


def test_attributes_serve_when_classes_do_not() -> None:
    site = site_of(
        (
            "http://s/a",
            [
                button("form > button", "Add", "btn", name="add"),
                button("aside > button", "Close", "btn"),
            ],
        )
    )
    chosen = trigger_selectors(controls(site), [finding("http://s/a", "form > button")])
    assert chosen == ['button[name="add"]']
