"""Gap analysis: what the tracking already on the site does of the plan."""

from __future__ import annotations

from scanner.analysis.gaps import assess
from scanner.analysis.rules import RuleSet
from scanner.crawl.inventory import hit_events
from scanner.models import Tracking
from tests.test_signals import event

SHOP = "http://s.test/"


def test_events_are_implemented_named_differently_missing_or_not_verifiable(
    rules: RuleSet,
) -> None:
    view_item = event("product_page", rules).model_copy(
        update={
            "trigger": event("product_page", rules).trigger.model_copy(update={"type": "page_view"})
        }
    )
    events = [
        event("add_to_cart", rules),
        view_item,
        event("phone_link", rules),
        event("login_form", rules),
    ]
    existing = Tracking(
        gtm=["GTM-X"],
        datalayer=["addToCart", "gtm.js", "promo_seen"],
        hit_events=["ga4:click_to_call"],
    )
    aliases = {str(e.kind): rules.kind_plan(e.kind, "ecommerce").aliases for e in events}
    assessed, uncovered = assess(events, existing, {SHOP}, aliases)
    status = {e.event: (e.existing, e.existing_name) for e in assessed}
    assert status["add_to_cart"] == ("named differently", "addToCart")
    assert status["click_to_call"] == ("implemented", "click_to_call")
    assert status["view_item"] == ("missing", "")  # a page view the site's tags did not send
    assert status["login"] == ("not verifiable", "")  # fires on an interaction
    assert uncovered == ["promo_seen"]  # gtm.js is GTM's own


def test_a_site_without_tracking_has_no_gaps(rules: RuleSet) -> None:
    events = [event("add_to_cart", rules)]
    assessed, uncovered = assess(events, Tracking(), {SHOP}, {})
    assert assessed[0].existing == "" and uncovered == []


def test_hits_say_which_events_they_were_sending() -> None:
    collect = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view"
    assert hit_events(collect, "en=add_to_cart&ep.x=1\nen=view_item") == [
        "ga4:add_to_cart",
        "ga4:page_view",
        "ga4:view_item",
    ]
    assert hit_events("https://www.facebook.com/tr/?id=1&ev=AddToCart", "") == ["meta:AddToCart"]
    assert hit_events("https://bat.bing.com/action/0?evt=pageLoad", "") == []
