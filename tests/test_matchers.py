"""The matcher vocabulary, one matcher at a time: each has a subject it must match and one it
must not, and malformed blocks are refused with the field named."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.analysis.matchers import Compiler, RuleSyntaxError, Subject
from scanner.models import Element, Form, Frame, Page

LEXICON = {"cart": ["add to (cart|bag)", "in den warenkorb"], "trial": ["free trial"]}


def page(url: str = "https://s.test/products/mug", **facts: Any) -> Page:
    return Page(url=url, requested_url=url, status=200, depth=0, **facts)


def element(text: str = "Add to cart", **facts: Any) -> Subject:
    fields: dict[str, Any] = {
        "tag": "button",
        "visible": True,
        "selector": "button",
        "snippet": "<button>",
        **facts,
    }
    return Subject("element", page(), element=Element(text=text, **fields))


def form(types: set[str], count: int, **facts: Any) -> Subject:
    record = Form(selector="form", **facts)
    return Subject("form", page(), form=record, field_types=frozenset(types), field_count=count)


def matches(spec: dict[str, Any], subject: Subject, target: str = "") -> bool:
    check = Compiler(LEXICON, target or subject.target).block(spec, "match")
    return check(subject) is not None


CASES = [
    # (matcher, block, subject that must match, subject that must not)
    ("tag", {"tag": ["button", "a"]}, element(), element(tag="div")),
    ("role", {"role": "button"}, element(role="button"), element()),
    ("text", {"text": "add to cart"}, element("Add to Cart"), element("Add to cartridge set")),
    ("text @lexicon", {"text": "@cart"}, element("In den Warenkorb"), element("Warenkorb")),
    (
        "lexicon inside a pattern",
        {"text": "^(start )?@trial$"},
        element("Start free trial"),
        element("Start your free trial today"),
    ),
    (
        "submit",
        {"submit": "subscribe"},
        form({"email"}, 1, submit_text="Subscribe"),
        form({"email"}, 1, submit_text="Send"),
    ),
    (
        "words",
        {"words": {"max": 3}},
        element("Add to cart"),
        element("Add this lovely mug to cart"),
    ),
    ("words min", {"words": {"min": 2}}, element("Add to cart"), element("Add")),
    (
        "attr",
        {"attr": {"class": "add[-_]?to[-_]?cart"}},
        element(attrs={"class": "btn add-to-cart"}),
        element(attrs={"class": "btn"}),
    ),
    (
        "attr any name",
        {"attr": {"*": "^buy$"}},
        element(attrs={"data-action": "buy"}),
        element(attrs={"data-action": "buyer"}),
    ),
    ("href", {"href": "^tel:"}, element(href="tel:+1555"), element(href="https://s.test/tel")),
    (
        "action",
        {"action": "subscribe"},
        form({"email"}, 1, action="https://s.test/subscribe"),
        form({"email"}, 1, action="https://s.test/search"),
    ),
    (
        "src",
        {"src": "youtube\\.com/embed"},
        Subject(
            "frame",
            page(),
            frame=Frame(tag="iframe", src="https://youtube.com/embed/x", selector="f"),
        ),
        Subject(
            "frame", page(), frame=Frame(tag="iframe", src="https://vimeo.com/1", selector="f")
        ),
    ),
    (
        "fields all/none/max",
        {"fields": {"all": ["email"], "none": ["password"], "max": 2}},
        form({"email", "name"}, 2),
        form({"email", "password"}, 2),
    ),
    ("fields any", {"fields": {"any": ["phone", "email"]}}, form({"email"}, 1), form({"name"}, 1)),
    ("fields count", {"fields": {"min": 3}}, form({"email"}, 3), form({"email"}, 2)),
    ("inside", {"inside": ["footer"]}, element(landmark="footer"), element(landmark="main")),
    (
        "inside a form",
        {"inside": "form"},
        Subject("element", page(), element=element(form=0).element, form=Form(selector="form")),
        element(form=-1),
    ),
    ("visible", {"visible": False}, element(visible=False), element(visible=True)),
    (
        "url",
        {"url": "^/products/"},
        element(),
        Subject("element", page("https://s.test/blog/mug"), element=element().element),
    ),
    (
        "title",
        {"title": "pricing"},
        Subject("page", page(title="Pricing | App")),
        Subject("page", page(title="Prices of mugs in history")),
    ),
    (
        "jsonld",
        {"jsonld": ["Product"]},
        Subject("page", page(jsonld_types=["Offer", "Product"])),
        Subject("page", page(jsonld_types=["Article"])),
    ),
    (
        "meta",
        {"meta": {"og:type": "^product$"}},
        Subject("page", page(meta={"og:type": "product"})),
        Subject("page", page(meta={"og:type": "article"})),
    ),
    (
        "links",
        {"links": "/pricing/?$"},
        Subject("element", page(links=["https://s.test/", "https://s.test/pricing/"])),
        Subject("element", page(links=["https://s.test/blog/pricing-strategies"])),
    ),
    (
        "links of its own site only",
        {"links": "/pricing/?$"},
        Subject("element", page(links=["https://s.test/pricing/"])),
        Subject(
            "element",
            page(links=["https://s.test/", "https://s.test/a", "https://api.example.org/pricing/"]),
        ),
    ),
    (
        "page_has list",
        {"page_has": ["add_to_cart"]},
        Subject("page", page(), page_kinds={"add_to_cart": 1}),
        Subject("page", page(), page_kinds={"add_to_wishlist": 1}),
    ),
    (
        "page_has counted",
        {"page_has": {"kinds": ["add_to_cart"], "max": 2}},
        Subject("page", page(), page_kinds={"add_to_cart": 2}),
        Subject("page", page(), page_kinds={"add_to_cart": 5}),
    ),
    (
        "page_has with at most two alike",
        {"page_has": {"kinds": ["add_to_cart"], "max": 3, "max_alike": 2}},
        Subject(
            "page",
            page(),
            page_kinds={"add_to_cart": 3},
            page_looks={("add_to_cart", "add to cart"): 2, ("add_to_cart", "buy now"): 1},
        ),
        Subject(
            "page",
            page(),
            page_kinds={"add_to_cart": 3},
            page_looks={("add_to_cart", "button add_to_cart_button"): 3},
        ),
    ),
    ("not", {"not": {"text": "remove"}}, element("Add to cart"), element("Remove from cart")),
    (
        "any",
        {"any": [{"text": "@cart"}, {"attr": {"name": "^add$"}}]},
        element("Buy", attrs={"name": "add"}),
        element("Buy", attrs={"name": "buy"}),
    ),
    (
        "all",
        {"all": [{"text": "@cart"}, {"inside": "main"}]},
        element(landmark="main"),
        element(landmark="header"),
    ),
    (
        "keys of a block all hold",
        {"tag": "button", "text": "@cart"},
        element(),
        element(tag="a"),
    ),
]


@pytest.mark.parametrize(("spec", "hit", "miss"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matcher_matches_one_subject_and_not_the_other(
    spec: dict[str, Any], hit: Subject, miss: Subject
) -> None:
    assert matches(spec, hit)
    assert not matches(spec, miss)


def test_visible_any_matches_shown_and_hidden_controls() -> None:
    spec = {"visible": "any", "tag": "button"}
    assert matches(spec, element(visible=True)) and matches(spec, element(visible=False))
    assert not matches(spec, element(tag="a", visible=False))


def test_visible_menu_matches_shown_controls_and_hidden_ones_of_a_header_or_nav_menu() -> None:
    spec = {"visible": "menu"}
    assert matches(spec, element(visible=True, landmark="main"))
    assert matches(spec, element(visible=False, landmark="nav"))
    assert not matches(spec, element(visible=False, landmark="main"))


def test_evidence_says_what_matched() -> None:
    check = Compiler(LEXICON, "element").block({"text": "@cart", "tag": "button"}, "match")
    assert check(element("Add to bag")) == ["text contains 'Add to bag'", "tag button"]


@pytest.mark.parametrize(
    ("spec", "target", "problem"),
    [
        ({"colour": "red"}, "element", "match.colour: unknown matcher 'colour'"),
        ({"text": "@nope"}, "element", "match.text: unknown lexicon entry '@nope'"),
        ({"text": "(unclosed"}, "element", "match.text: invalid regular expression"),
        ({"any": []}, "element", "match.any: expects a non-empty list"),
        ({"words": {"most": 3}}, "element", "match.words: expects a mapping with min and/or max"),
        ({"fields": {"some": ["email"]}}, "form", "match.fields: unknown key(s) ['some']"),
        ({"inside": "sidebar"}, "element", "match.inside: landmarks are"),
        ({"visible": "yes"}, "element", "match.visible: expects true, false, any or menu"),
        ({"page_has": ["add_to_basket"]}, "page", "unknown kind(s) ['add_to_basket']"),
        (
            {"page_has": {"kinds": ["add_to_cart"], "max_alike": -1}},
            "page",
            "min, max and max_alike must be whole numbers",
        ),
        (
            {"page_has": ["add_to_cart"]},
            "element",
            "page_has is only for rules whose target is page",
        ),
        ({}, "element", "match: a match block must be a non-empty mapping"),
    ],
)
def test_malformed_blocks_name_the_field(spec: dict[str, Any], target: str, problem: str) -> None:
    with pytest.raises(RuleSyntaxError) as raised:
        Compiler(LEXICON, target).block(spec, "match")
    assert problem in str(raised.value)


def link_on_saved_copy(href: str) -> Subject:
    """A link on a saved copy of https://shop.example/pricing served from 127.0.0.1."""
    copy = page(
        "http://127.0.0.1:8000/pricing",
        meta={"canonical": "https://shop.example/pricing", "og:url": "https://shop.example/"},
    )
    link = Element(
        tag="a",
        text="Go",
        href=href,
        attrs={"href": href},
        visible=True,
        selector="a",
        snippet="<a>",
    )
    return Subject("element", copy, element=link)


def test_a_link_to_the_host_the_page_names_as_its_own_is_not_external() -> None:
    """A saved or mirrored copy keeps its absolute links: the canonical address says whose
    site they stay on."""
    assert not matches({"external": True}, link_on_saved_copy("https://shop.example/register"))
    assert matches({"external": False}, link_on_saved_copy("https://shop.example/register"))
    assert matches({"external": True}, link_on_saved_copy("https://app.example/signup"))


def link_on_page_linking(links: list[str], href: str) -> Subject:
    """A link on a page of 127.0.0.1 that names no address of its own but has these links."""
    copy = page("http://127.0.0.1:8000/forum", links=sorted(links))
    link = Element(tag="a", text="Go", href=href, visible=True, selector="a", snippet="<a>")
    return Subject("element", copy, element=link)


def test_the_host_most_links_of_a_page_go_to_is_its_own_when_it_is_not_the_one_it_is_on() -> None:
    """A saved copy that names no address of its own links to its site by full address."""
    saved = [f"https://forum.example/t/{n}" for n in range(6)] + ["https://cdn.example/x"]
    register = "https://forum.example/register"
    assert not matches({"external": True}, link_on_page_linking(saved, register))
    assert matches({"external": True}, link_on_page_linking(saved, "https://app.example/signup"))
    # a live page whose links stay on its own host: other hosts stay other
    live = [f"http://127.0.0.1:8000/t/{n}" for n in range(6)] + [f"{register}?{n}" for n in (1, 2)]
    assert matches({"external": True}, link_on_page_linking(live, register))


def test_an_absolute_link_to_the_canonical_address_with_a_fragment_is_an_in_page_anchor() -> None:
    assert matches(
        {"in_page_anchor": True}, link_on_saved_copy("https://shop.example/pricing#plans")
    )
    assert matches({"in_page_anchor": False}, link_on_saved_copy("https://shop.example/plans#top"))


def test_the_home_page_named_by_og_url_or_base_is_not_this_page() -> None:
    """og:url and <base href> often name the home page on every page: a link to the home page's
    #pricing is a link elsewhere, on a live page as on a saved copy."""
    assert matches({"in_page_anchor": False}, link_on_saved_copy("https://shop.example/#plans"))
    live = page(
        "https://s.test/features", meta={"base": "https://s.test/", "og:url": "https://s.test/"}
    )
    href = "https://s.test/#pricing"
    link = Element(
        tag="a",
        text="Pricing",
        href=href,
        attrs={"href": "/#pricing"},
        visible=True,
        selector="a",
        snippet="<a>",
    )
    assert matches({"in_page_anchor": False}, Subject("element", live, element=link))
