"""A re-scan with --plan keeps the analyst's decisions: renamed, removed and hand-added events
stay as they are, what they left as proposed follows the new crawl, only what no earlier crawl
proposed is added (new), and planned events whose elements disappeared are marked gone. The
crawls are the demo's recording, changed as a site changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scanner import SCAN_OUTPUTS, analyze, load_plan, write_outputs
from scanner.api import PlanSource, keep_decisions
from scanner.models import Form, Page, Plan, PlannedEvent, Site
from tests.golden import analysis_of, recording
from tests.test_export import edited, without_event


def changed(site: Site, change: Callable[[Page], Page]) -> Site:
    return site.model_copy(update={"pages": [change(page) for page in site.pages]})


def without_login(page: Page) -> Page:
    return page.model_copy(update={"forms": [f for f in page.forms if f.selector != "#login"]})


def without_wishlist(page: Page) -> Page:
    kept = [e for e in page.elements if "wishlist-toggle" not in e.attrs.get("class", "")]
    return page.model_copy(update={"elements": kept})


def renamed_newsletter(page: Page) -> Page:
    def rename(form: Form) -> Form:
        if form.selector != "#newsletter":
            return form
        return form.model_copy(update={"selector": "#news-signup", "id": "news-signup"})

    return page.model_copy(update={"forms": [rename(form) for form in page.forms]})


def rescanned_plan(folder: Path) -> Plan:
    """The plan of a crawl without the login form, scanned into `folder` and edited by an
    analyst, then a new crawl in which the login form appeared, the wishlist buttons went and
    the newsletter form was renamed."""
    first = changed(recording("demo"), without_login)
    write_outputs(analyze(first), SCAN_OUTPUTS, folder)
    plan = edited(
        folder,
        ("- name: add_to_cart", "- name: cart_add"),
        ("    - '#register'", "    - '#register'\n    - form.signup"),
        (
            "- name: pricing_click\n  kind: pricing_link\n  tier: optional",
            "- name: pricing_click\n  kind: pricing_link\n  tier: recommended",
        ),
    )
    plan.write_text(
        without_event(plan.read_text(), "email_click")
        + "- name: chat_open\n  kind: chat_widget\n  tier: recommended\n  trigger:\n"
        "    type: custom_event\n    pushed_by: site\n"
    )
    source = load_plan(plan)
    now = changed(changed(recording("demo"), without_wishlist), renamed_newsletter)
    return keep_decisions(analyze(now), source).plan


def by_kind(plan: Plan) -> dict[str, PlannedEvent]:
    return {event.kind: event for event in plan.events}


def test_a_renamed_event_keeps_its_name_and_takes_the_new_evidence(rescanned: Plan) -> None:
    cart = by_kind(rescanned)["add_to_cart"]
    assert cart.event == "cart_add" and cart.status == "seen" and cart.findings == 12


def test_a_removed_event_stays_removed(rescanned: Plan) -> None:
    assert "email_link" not in by_kind(rescanned)


def test_a_hand_added_event_is_kept(rescanned: Plan) -> None:
    chat = by_kind(rescanned)["chat_widget"]
    assert chat.event == "chat_open" and chat.status == "not seen"


def test_only_what_is_new_is_proposed(rescanned: Plan) -> None:
    assert [e.event for e in rescanned.events if e.status == "new"] == ["login"]


def test_a_planned_event_whose_elements_disappeared_is_marked_gone(rescanned: Plan) -> None:
    wishlist = by_kind(rescanned)["add_to_wishlist"]
    assert wishlist.status == "gone" and wishlist.findings == 0
    assert wishlist.trigger.selectors == ["button.wishlist-toggle"]  # the plan's, kept


def test_decisions_left_as_proposed_follow_the_new_crawl(rescanned: Plan) -> None:
    assert by_kind(rescanned)["newsletter_form"].trigger.selectors == ["#news-signup"]


def test_decisions_the_analyst_changed_are_kept(rescanned: Plan) -> None:
    events = by_kind(rescanned)
    assert events["signup_form"].trigger.selectors == ["#register", "form.signup"]
    assert events["signup_form"].trigger_check.matched == 0  # not tried: the analyst's own
    assert events["pricing_link"].tier == "recommended"


def test_without_the_plans_crawl_every_unplanned_proposal_is_new(tmp_path: Path) -> None:
    """The plan's own crawl says what was proposed before; without it, an event the analyst
    removed cannot be told from a new one."""
    folder = tmp_path / "scan"
    write_outputs(analysis_of("demo"), SCAN_OUTPUTS, folder)
    plan = folder / "plan.yaml"
    plan.write_text(without_event(plan.read_text(), "email_click"))
    decisions = load_plan(plan).decisions
    again = keep_decisions(analysis_of("demo"), PlanSource(plan, decisions, None)).plan
    assert [e.event for e in again.events if e.status == "new"] == ["email_click"]
    assert all(e.status in ("seen", "not seen", "new") for e in again.events)
