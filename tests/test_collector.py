"""The collector's record becomes a typed page through one pure function: the page facts, its
obstacle and tracking inventory, and its fixture annotations kept apart."""

from __future__ import annotations

from typing import Any

from scanner.crawl.collector import Collected, Visit, page_record

URL = "http://s.test/shop"


def collected(**facts: Any) -> Collected:
    record: dict[str, Any] = {
        "title": "Shop",
        "text_length": 4000,
        "lang": "en",
        "meta": {},
        "jsonld_types": [],
        "products": [],
        "elements": [],
        "forms": [],
        "frames": [],
        "links": [],
        "tracking": {"gtm": ["GTM-AB12CD3"]},
        "expectations": {},
    }
    return Collected.model_validate({**record, **facts})


def visit(**facts: Any) -> Visit:
    fields: dict[str, Any] = {
        "requested_url": URL,
        "final_url": URL,
        "status": 200,
        "depth": 1,
        "redirects": [],
        "consent": "",
        "blocked_hits": [],
        "hit_events": [],
        "datalayer": ['{"event":"gtm.js","gtm.start":"(time)"}'],
    }
    return Visit(**{**fields, **facts})


def test_the_page_holds_what_the_collector_and_the_visit_saw() -> None:
    scripts = [{"tag": "script", "src": "https://static.hotjar.com/c/hotjar.js", "selector": "s"}]
    recorded = page_record(
        collected(frames=scripts),
        visit(
            blocked_hits=["www.google-analytics.com/g/collect"] * 2,
            consent="accept: Accept all",
            redirects=["http://s.test/old"],
        ),
    )
    page = recorded.page
    assert (page.url, page.depth, page.status, page.title) == (URL, 1, 200, "Shop")
    assert page.redirects == ["http://s.test/old"] and page.consent == "accept: Accept all"
    assert page.tracking.gtm == ["GTM-AB12CD3"]
    assert page.tracking.vendors == ["Hotjar"]
    assert page.tracking.datalayer == ['{"event":"gtm.js","gtm.start":"(time)"}']
    assert page.tracking.blocked_hits == ["www.google-analytics.com/g/collect"]
    assert page.obstacle == "" and recorded.annotations is None


def test_a_challenge_page_is_recorded_as_an_obstacle() -> None:
    page = page_record(collected(title="Just a moment...", text_length=300), visit(status=403)).page
    assert page.obstacle.startswith("bot challenge")


def test_annotations_are_kept_apart_from_the_page() -> None:
    annotated = collected(
        expectations={"page": ["cart_page"], "elements": [{"selector": "#a", "expect": ["x"]}]}
    )
    recorded = page_record(annotated, visit())
    assert recorded.annotations is not None
    assert recorded.annotations.url == URL and recorded.annotations.page == ["cart_page"]
    assert "expect" not in recorded.page.model_dump_json()
