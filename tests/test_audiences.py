"""Remarketing audiences on the key signals: GA4 Admin API audiences and Meta rules."""

from __future__ import annotations

from scanner.analysis.rules import RuleSet
from scanner.models import Plan
from scanner.outputs.audiences import suggest
from tests.golden import analysis_of
from tests.test_signals import event


def test_a_shop_gets_key_steps_without_the_purchase() -> None:
    audiences = suggest(analysis_of("demo").plan)
    assert audiences[0].name == "Add to cart, no purchase (7 days)"
    record = audiences[0].record("123456789012345")
    ga4 = record["ga4"]
    assert ga4["membershipDurationDays"] == 7
    include, exclude = ga4["filterClauses"]
    assert (include["clauseType"], exclude["clauseType"]) == ("INCLUDE", "EXCLUDE")
    group = include["simpleFilter"]["filterExpression"]["andGroup"]["filterExpressions"][0]
    assert group["orGroup"]["filterExpressions"] == [{"eventFilter": {"eventName": "add_to_cart"}}]
    meta = record["meta"]
    assert meta["inclusions"]["rules"][0]["event_sources"] == [
        {"id": "123456789012345", "type": "pixel"}
    ]
    assert meta["exclusions"]["rules"][0]["filter"]["filters"][0]["value"] == "Purchase"


def test_a_page_read_twice_counts_its_events(rules: RuleSet) -> None:
    pricing = event("pricing_page", rules, "saas")
    pricing = pricing.model_copy(
        update={
            "tier": "key",
            "leads_to": "start_trial",
            "trigger": pricing.trigger.model_copy(update={"type": "page_view"}),
        }
    )
    trial = event("free_trial", rules, "saas").model_copy(
        update={"tier": "key", "conversion": "macro", "key_event": True}
    )
    plan = Plan(
        site="s",
        measurement_id="G-X",
        business_type={"type": "saas", "confidence": 1, "evidence": []},
        pages_scanned=1,
        events=[trial, pricing],
        not_seen=[],
    )
    (audience,) = suggest(plan)
    assert audience.name == "Pricing page viewed twice, no start_trial (14 days)"
    step = audience.ga4()["filterClauses"][0]["simpleFilter"]["filterExpression"]
    condition = step["andGroup"]["filterExpressions"][0]["orGroup"]["filterExpressions"][0]
    count = condition["eventFilter"]["eventParameterFilterExpression"]["dimensionOrMetricFilter"]
    assert count["fieldName"] == "eventCount" and count["numericFilter"]["value"] == {
        "int64Value": "1"
    }
    assert audience.meta("1")["inclusions"]["rules"][0]["aggregation"] == {
        "type": "count",
        "operator": ">=",
        "value": 2,
    }
