"""What a tab's guard answers for each request it pauses, and which hosts resolve: pure
decisions, checked without a browser (the leak and redirect tests run them in one)."""

from __future__ import annotations

from typing import Any

from playwright.async_api import CDPSession

from scanner.crawl.network import TabGuard, resolver_rules
from scanner.crawl.read import TabSession
from scanner.crawl.scope import Scope

MAIN = "main-frame"


def may_load(url: str) -> str:
    return "" if url.startswith("https://shop.example/") else "another site"


def guard() -> TabGuard:
    return TabGuard(TabSession(CDPSession.__new__(CDPSession), MAIN), may_load=may_load)


def paused(url: str, kind: str = "Document", frame: str = MAIN, **answer: Any) -> dict[str, Any]:
    return {"requestId": "1", "networkId": "n1", "request": {"url": url}, "resourceType": kind,
            "frameId": frame, **answer}  # fmt: skip


def redirect(url: str, location: str) -> dict[str, Any]:
    headers = [{"name": "Location", "value": location}]
    return paused(url, responseStatusCode=302, responseHeaders=headers)


def test_a_hit_fails_whoever_sends_it_a_worker_included() -> None:
    decision = guard().decide(paused("https://shop.example/g/collect?v=2&en=x", kind="XHR"))
    assert decision == ("Fetch.failRequest", {"errorReason": "BlockedByClient"})


def test_fonts_and_media_are_not_downloaded_but_scripts_go_on() -> None:
    tab = guard()
    assert tab.decide(paused("https://shop.example/a.woff2", kind="Font"))[0] == "Fetch.failRequest"
    assert tab.decide(paused("https://shop.example/v.mp4", kind="Media"))[0] == "Fetch.failRequest"
    assert (
        tab.decide(paused("https://cdn.example/a.js", kind="Script"))[0] == "Fetch.continueRequest"
    )


def test_a_navigation_off_the_site_gets_no_content_and_the_tab_stays() -> None:
    tab = guard()
    assert tab.decide(paused("https://other.example/")) == (
        "Fetch.fulfillRequest",
        {"responseCode": 204, "responseHeaders": []},
    )
    assert tab.refused is None  # the page navigated itself: nothing was redirected


def test_a_frame_of_another_site_loads_as_it_would() -> None:
    decision = guard().decide(paused("https://video.example/embed", frame="child"))
    assert decision[0] == "Fetch.continueRequest"


def test_each_redirect_hop_is_checked_before_it_is_followed() -> None:
    tab = guard()
    assert tab.decide(paused("https://shop.example/old"))[0] == "Fetch.continueRequest"
    same_site = redirect("https://shop.example/old", "/new")
    assert tab.decide(same_site)[0] == "Fetch.continueRequest"
    away = redirect("https://shop.example/new", "https://other.example/landing")
    assert tab.decide(away)[0] == "Fetch.fulfillRequest"
    assert tab.refused is not None
    assert (tab.refused.target, tab.refused.why) == (
        "https://other.example/landing",
        "another site",
    )
    tab.reset()
    assert tab.refused is None and not tab.hops


def test_a_redirect_loop_is_refused_after_ten_hops() -> None:
    tab = guard()
    decisions = [tab.decide(redirect("https://shop.example/a", "/a"))[0] for _ in range(11)]
    assert decisions[:10] == ["Fetch.continueRequest"] * 10
    assert decisions[10] == "Fetch.fulfillRequest"
    assert tab.refused is not None and tab.refused.why == "a redirect loop"


def test_a_plain_answer_goes_on() -> None:
    assert guard().decide(paused("https://shop.example/", responseStatusCode=200))[0] == (
        "Fetch.continueRequest"
    )


def test_a_navigation_the_network_fails_after_the_page_answered_is_aborted_and_the_tab_stays() -> (
    None
):
    tab = guard()
    failed = paused("https://shop.example/secure", responseErrorReason="Failed")
    assert tab.decide(failed)[0] == "Fetch.continueRequest"  # the visit's own: its error shows
    tab.decide(paused("https://shop.example/", responseStatusCode=200))
    assert tab.decide(failed) == ("Fetch.failRequest", {"errorReason": "Aborted"})
    tab.reset()
    assert tab.decide(failed)[0] == "Fetch.continueRequest"


def test_collection_hosts_never_resolve_and_other_sites_only_when_blocked() -> None:
    rules = resolver_rules()
    assert "MAP analytics.google.com ~NOTFOUND" in rules
    assert "MAP analytics.google.com. ~NOTFOUND" in rules
    assert "MAP * " not in rules
    site_only = resolver_rules(Scope.of(["https://www.shop.example/"]))
    assert site_only.endswith(
        "MAP * ~NOTFOUND, EXCLUDE *.shop.example, EXCLUDE shop.example, EXCLUDE www.shop.example"
    )
    one_host = resolver_rules(Scope.of(["https://www.shop.example/"], same_host=True))
    assert one_host.endswith("MAP * ~NOTFOUND, EXCLUDE www.shop.example")
