"""`scanner verify`: the container's triggers evaluated the way GTM does, on a site where all
fire, one where a planned selector no longer matches, and one where a control is covered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import scanner
from scanner.analysis.verify import Condition, _compare, read_container
from scanner.errors import BadInput
from scanner.models import ElementVariables
from tests.conftest import invoke
from tests.golden import GOLDEN
from tests.sites import Route, serve

SHOP = """<!doctype html><html lang="en"><title>Shop</title>
<main><h1>Linen apron</h1>
<button class="add-to-cart" data-product-id="1"><span class="icon">+</span> Add to cart</button>
<a href="tel:+441632960123">Call us</a>
<form id="newsletter" action="/subscribe"><label>Email <input type="email" name="email">
</label><button type="submit">Subscribe</button></form>{extra}</main>"""
COVER = '<div id="promo" style="position:fixed;inset:0;background:rgba(255,255,255,.01)">Sale</div>'


def test_conditions_follow_gtm_operators() -> None:
    values = {"Click URL": "tel:+44", "Page Path": "/cart.html", "Click Text": "12"}
    element = ElementVariables(matches=[0])

    def holds(operator: str, variable: str, value: str, **flags: bool) -> bool:
        condition = Condition(operator, variable, value, **flags)
        return _compare(condition, values, element, ["button", "a"]) != condition.negate

    assert holds("EQUALS", "Page Path", "/cart.html")
    assert not holds("EQUALS", "Page Path", "/CART.html")
    assert holds("MATCH_REGEX", "Click URL", "^TEL:", ignore_case=True)
    assert not holds("MATCH_REGEX", "Click URL", "^TEL:")
    assert holds("CONTAINS", "Page Path", "cart", negate=False)
    assert not holds("CONTAINS", "Page Path", "cart", negate=True)
    assert holds("STARTS_WITH", "Click URL", "tel:") and holds("ENDS_WITH", "Page Path", ".html")
    assert holds("GREATER", "Click Text", "9") and not holds("LESS", "Click Text", "9")
    assert holds("CSS_SELECTOR", "Click Element", "button")
    assert not holds("CSS_SELECTOR", "Click Element", "a")


def test_the_golden_container_reads_and_garbage_is_refused() -> None:
    data = json.loads((GOLDEN / "demo" / "gtm-container.json").read_text())
    container = read_container(data, "gtm-container.json")
    assert len(container.tags) == len(data["containerVersion"]["tag"])
    assert any("button[data-product-id] *" in s for s in container.css_selectors())
    with pytest.raises(BadInput, match="not a GTM container export"):
        read_container({"tag": []}, "x.json")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop scanned, its outputs written, as `scanner scan` does."""
    out = tmp_path_factory.mktemp("verify")
    with serve({"/": Route(SHOP.format(extra=""))}) as (url, _):
        options = scanner.ScanOptions(crawl=scanner.CrawlOptions(depth=0))
        result = scanner.scan([url + "/"], options)
    scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, out)
    # the scan's origin is gone; every run below serves the shop again, on the origin it gives
    return out


def _verify(out: Path, html: str) -> tuple[int, dict[str, Any], str]:
    with serve({"/": Route(html)}) as (url, _):
        result = invoke("verify", str(out), "--site", url)
    checked = json.loads((out / "verification.json").read_text())
    return result.returncode, {tag["tag"]: tag for tag in checked["tags"]}, result.stderr


@pytest.mark.browser
def test_every_trigger_fires_where_planned(scanned: Path) -> None:
    code, tags, stderr = _verify(scanned, SHOP.format(extra=""))
    assert code == 0, stderr
    for name in ("GA4 - add_to_cart", "GA4 - click_to_call", "GA4 - newsletter_signup"):
        assert tags[name]["status"] == "ok" and len(tags[name]["fires"]) == 1, tags[name]
    assert "fires on 1 of 1 planned" in (scanned / "report.html").read_text()


@pytest.mark.browser
def test_a_selector_that_no_longer_matches_and_an_unplanned_control(scanned: Path) -> None:
    """The planned `button.add-to-cart` renamed: its selector is gone, and the trigger
    (`button[data-product-id]`) now fires on the renamed button and on a compare button, which
    the plan never saw."""
    changed = SHOP.format(extra='<button data-product-id="9">Compare</button>').replace(
        'class="add-to-cart"', 'class="buy"'
    )
    code, tags, stderr = _verify(scanned, changed)
    assert code == 7 and "do not fire as planned" in stderr
    cart = tags["GA4 - add_to_cart"]
    assert [miss["outcome"] for miss in cart["misses"]] == ["selector gone"], cart
    unrelated = sorted(str(check["selector"]) for check in cart["unrelated"])
    assert unrelated == ['button "Compare"', 'button.buy "+ Add to cart"'], cart
    assert tags["GA4 - click_to_call"]["status"] == "ok"


@pytest.mark.browser
def test_a_covered_control_misses(scanned: Path) -> None:
    code, tags, _ = _verify(scanned, SHOP.format(extra=COVER))
    assert code == 7
    (miss,) = tags["GA4 - add_to_cart"]["misses"]
    assert miss["outcome"] == "covered" and "div#promo" in miss["detail"]


@pytest.mark.browser
def test_pages_robots_txt_disallows_are_not_loaded(scanned: Path) -> None:
    routes = {
        "/": Route(SHOP.format(extra="")),
        "/robots.txt": Route("User-agent: *\nDisallow: /\n"),
    }
    with serve(routes) as (url, site):
        result = invoke("verify", str(scanned), "--site", url)
    assert result.returncode == 7 and "disallowed by robots.txt" in result.stderr
    assert site.hits["/"] == 0


BOX_SHOP = """<!doctype html><html lang="en"><title>Shop</title>
<main><h1>Linen apron</h1>
<aside class="signup"><h2>Join our newsletter</h2><input type="email" placeholder="Your e-mail">
<button type="button" class="js-subscribe">Subscribe</button></aside></main>"""


@pytest.mark.browser
def test_a_box_no_form_holds_is_checked_as_a_click_on_its_button(tmp_path: Path) -> None:
    """It never submits: the container catches its button's click, and verify checks that."""
    with serve({"/": Route(BOX_SHOP)}) as (url, _):
        options = scanner.ScanOptions(crawl=scanner.CrawlOptions(depth=0))
        result = scanner.scan([url + "/"], options)
    scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, tmp_path)
    code, tags, stderr = _verify(tmp_path, BOX_SHOP)
    assert code == 0, stderr
    newsletter = tags["GA4 - newsletter_signup"]
    assert newsletter["status"] == "ok" and len(newsletter["fires"]) == 1, newsletter
