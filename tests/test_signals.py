"""Key signals: the macro conversions of the business type, the few micro-conversions that best
predict them, a tier for every other event, and the funnel."""

from __future__ import annotations

from scanner.analysis import analyze
from scanner.analysis.rules import RuleSet
from scanner.analysis.signals import Evidence, choose, funnel, weights
from scanner.models import (
    AnalysisOptions,
    BusinessTypeGuess,
    Destinations,
    PlannedEvent,
    TriggerSpec,
)
from scanner.outputs.gtm import build_container
from tests.golden import recording

SHOP = BusinessTypeGuess(type="ecommerce", confidence=0.9, evidence=[])


def event(kind: str, rules: RuleSet, business: str = "ecommerce") -> PlannedEvent:
    settings = rules.kind_plan(kind, business)
    return PlannedEvent(
        event=settings.event,
        kind=kind,
        title=settings.title,
        why=settings.why,
        funnel_stage=settings.funnel_stage,
        trigger=TriggerSpec(type="click", selectors=[f".{kind}"]),
        parameters={},
        destinations=Destinations(),
        pages=["http://s.test/"],
        findings=1,
        selectors=[f".{kind}"],
    )


def chosen(
    kinds: list[str], rules: RuleSet, business: BusinessTypeGuess = SHOP
) -> dict[str, PlannedEvent]:
    events = [event(kind, rules, business.type) for kind in kinds]
    evidence = {kind: Evidence(templates=2, confidence=0.9) for kind in kinds}
    return {e.kind: e for e in choose(events, evidence, business, rules)}


def test_a_shop_converts_on_the_purchase_and_the_steps_to_it_are_key(rules: RuleSet) -> None:
    events = chosen(
        ["thank_you_page", "add_to_cart", "product_page", "login_form", "email_link"], rules
    )
    purchase = events["thank_you_page"]
    assert (purchase.tier, purchase.conversion, purchase.key_event) == ("key", "macro", True)
    assert events["add_to_cart"].tier == "key" and events["add_to_cart"].leads_to == "purchase"
    assert events["product_page"].tier == "key"
    assert events["login_form"].tier == "optional"  # logins say nothing about buying
    assert events["email_link"].tier == "optional"


def test_at_most_three_macros_in_order_of_preference(rules: RuleSet) -> None:
    kinds = ["contact_form", "signup_form", "newsletter_form", "thank_you_page"]
    events = chosen(kinds, rules)
    assert [k for k in kinds if events[k].conversion == "macro"] == [
        "signup_form",
        "newsletter_form",
        "thank_you_page",
    ]
    assert events["contact_form"].tier == "recommended"  # a fourth conversion candidate


def test_at_most_five_key_micro_conversions_the_best_scores(rules: RuleSet) -> None:
    kinds = [
        "add_to_cart",
        "begin_checkout",
        "view_cart",
        "product_page",
        "add_to_wishlist",
        "search_form",
        "video",
    ]
    events = chosen(kinds, rules)
    key = [k for k in kinds if events[k].tier == "key"]
    assert key == kinds[:5]
    assert events["search_form"].tier == "recommended"
    assert events["add_to_cart"].score.total > events["add_to_wishlist"].score.total


def test_the_score_is_documented_weights_times_components(rules: RuleSet) -> None:
    score = chosen(["add_to_cart"], rules)["add_to_cart"].score
    assert score.weight == 1.0 and score.closeness == 0.67 and score.confidence == 0.9
    assert score.reach == 0.67  # 2 templates of 3
    expected = 0.45 * 1.0 + 0.25 * 0.67 + 0.2 * (2 / 3) + 0.1 * 0.9
    assert score.total == round(expected, 2)


def test_a_secondary_business_type_counts_at_half_strength(rules: RuleSet) -> None:
    publisher_with_a_shop = BusinessTypeGuess(
        type="content", confidence=0.6, evidence=[], also=["ecommerce"]
    )
    strength = weights(publisher_with_a_shop, rules)
    assert strength["add_to_cart"] == 0.5  # the shop's strongest signal, halved
    assert strength["video"] == rules.signals("content").micros["video"]  # its own, as it is
    assert "newsletter_form" not in strength  # a macro of the primary type stays a macro


def test_the_funnel_lists_the_steps_the_plan_has_in_order(rules: RuleSet) -> None:
    events = list(chosen(["thank_you_page", "add_to_cart", "product_page"], rules).values())
    steps = funnel(events, rules.signals("ecommerce"))
    assert [step.events for step in steps] == [["view_item"], ["add_to_cart"], ["purchase"]]


def test_a_shop_plans_the_purchase_even_when_the_crawl_never_saw_it(rules: RuleSet) -> None:
    plan = analyze(recording("demo"), AnalysisOptions(), rules).plan
    purchase = next(e for e in plan.events if e.event == "purchase")
    assert purchase.pages == [] and purchase.tier == "key"
    assert (purchase.trigger.type, purchase.trigger.pushed_by) == ("custom_event", "site")
    assert [e.tier for e in plan.events] == sorted(
        (e.tier for e in plan.events), key=("key", "recommended", "optional").index
    )


def test_the_container_tags_the_tiers_asked_for(rules: RuleSet) -> None:
    site = recording("demo")
    tags = {
        events: {
            tag.name
            for tag in build_container(
                analyze(site, AnalysisOptions(events=events), rules).plan
            ).tags
        }
        for events in ("key", "recommended", "all")
    }
    assert tags["key"] < tags["recommended"] < tags["all"]
    assert "GA4 - login" in tags["all"] and "GA4 - login" not in tags["recommended"]
    assert "GA4 - add_to_cart" in tags["key"]
