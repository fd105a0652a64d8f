"""The analyst's decisions (plan.yaml) applied to what a crawl proposes (pure).

Events are matched across plans by what they track, never by name (names get edited): the same
kind, and the trigger sharing the most selectors, link or page patterns (one event per kind is
planned, so a kind alone usually decides). A matched event takes its decisions (name, tier,
trigger, parameters, destinations, notes) from the plan and its evidence (pages, findings, score)
from the crawl. On a re-scan the plan's previous crawl is the base of a three-way merge: a
decision the analyst left as that crawl proposed it follows the new crawl, one they changed is
kept; an event they removed stays removed, and only what no earlier crawl proposed is new.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scanner.analysis import gaps, signals
from scanner.analysis.rules import RuleSet
from scanner.models import (
    EventDecision,
    EventStatus,
    Plan,
    PlanFile,
    PlannedEvent,
    SignalScore,
    Site,
    TriggerCheck,
    TriggerSpec,
)

# The fields of an event that are decisions, as plan.yaml and PlannedEvent name them.
DECIDED = {
    "name": "event",
    "tier": "tier",
    "trigger": "trigger",
    "parameters": "parameters",
    "destinations": "destinations",
}


class Tracked(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def trigger(self) -> TriggerSpec: ...


def anchors(trigger: TriggerSpec) -> set[str]:
    """What a trigger holds on to: its selectors (its boxes' buttons' too), link and page
    patterns, listener."""
    every = [*trigger.scoped, *trigger.scoped_buttons]
    scoped = {f"{scope.path} {s}" for scope in every for s in scope.selectors}
    values = {*trigger.selectors, *trigger.buttons, *scoped}
    values |= {trigger.url_regex, trigger.page_path_regex}
    return {value for value in values | {trigger.listener} if value}


def pair(these: Sequence[Tracked], those: Sequence[Tracked]) -> dict[int, int]:
    """Index in `these` -> index in `those` of the same event: same kind, the triggers sharing
    the most anchors first (then the same trigger type), each event used once."""
    candidates = []
    for i, one in enumerate(these):
        for j, other in enumerate(those):
            if one.kind == other.kind:
                shared = len(anchors(one.trigger) & anchors(other.trigger))
                same_type = one.trigger.type == other.trigger.type
                candidates.append((-shared, not same_type, i, j))
    paired: dict[int, int] = {}
    for _, _, i, j in sorted(candidates):
        if i not in paired and j not in paired.values():
            paired[i] = j
    return paired


def apply_decisions(
    proposal: Plan,
    decided: PlanFile,
    site: Site,
    rules: RuleSet,
    previous: Plan | None = None,
    rescan: bool = False,
) -> Plan:
    """The plan with the analyst's events. `rescan`: the crawl is a new scan of the plan's site
    (and `previous` the plan's own crawl, when it can be read), so new proposals are added,
    marked new; otherwise (export) the plan's events are all there is."""
    matched = pair(decided.events, proposal.events)
    bases = pair(decided.events, previous.events) if previous else {}
    events = []
    for index, decision in enumerate(decided.events):
        base = previous.events[bases[index]] if previous and index in bases else None
        found = proposal.events[matched[index]] if index in matched else None
        events.append(_decided_event(decision, found, base, proposal, rules, rescan))
    if rescan:
        known: list[EventDecision | PlannedEvent] = [*decided.events]
        known += previous.events if previous else []
        taken = set(matched.values()) | set(pair(proposal.events, known))
        events += [
            event.model_copy(update={"status": "new"})
            for j, event in enumerate(proposal.events)
            if j not in taken
        ]
    # The proposal's names -> the plan's, for what points at events (leads_to).
    renames = {proposal.events[j].event: events[i].event for i, j in matched.items()}
    return _finished(proposal, events, renames, site, rules)


def _decided_event(
    decision: EventDecision,
    found: PlannedEvent | None,
    base: PlannedEvent | None,
    proposal: Plan,
    rules: RuleSet,
    rescan: bool,
) -> PlannedEvent:
    event = found or _added(decision, proposal, rules)
    update: dict[str, object] = {"notes": decision.notes}
    for field, attribute in DECIDED.items():
        mine = getattr(decision, field)
        unchanged = base is not None and found is not None and mine == getattr(base, attribute)
        if not unchanged:
            update[attribute] = mine
    if update.get("trigger", event.trigger) != event.trigger:
        update["trigger_check"] = TriggerCheck()  # a trigger of the analyst's: not tried
    update["status"] = _status(decision, found, base, rescan)
    return event.model_copy(update=update)


def _status(
    decision: EventDecision, found: PlannedEvent | None, base: PlannedEvent | None, rescan: bool
) -> EventStatus:
    if not rescan and decision.status:
        return decision.status
    if found is not None:
        return "seen" if found.findings else "not seen"
    return "gone" if base is not None and base.findings else "not seen"


def _added(decision: EventDecision, proposal: Plan, rules: RuleSet) -> PlannedEvent:
    """An event no crawl backs (added by hand, or its elements gone): the rules' settings for
    its kind, no evidence."""
    business = proposal.business_type.type
    settings = rules.kind_plan(decision.kind, business)
    macro = decision.kind in rules.signals(business).macros
    return PlannedEvent(
        event=decision.name,
        kind=decision.kind,
        title=settings.title,
        why=settings.why,
        tier=decision.tier,
        conversion="macro" if macro else "micro",
        key_event=macro,
        score=SignalScore(),
        funnel_stage="conversion" if macro else settings.funnel_stage,
        trigger=decision.trigger,
        parameters=decision.parameters,
        destinations=decision.destinations,
        pages=[],
        findings=0,
        selectors=[],
    )


def _finished(
    proposal: Plan, events: list[PlannedEvent], renames: dict[str, str], site: Site, rules: RuleSet
) -> Plan:
    """The plan around its events: references renamed, the site's tracking assessed again
    (names changed), the funnel and the order rebuilt."""
    events = [
        event.model_copy(update={"leads_to": renames.get(event.leads_to, event.leads_to)})
        for event in events
    ]
    business = proposal.business_type.type
    aliases: dict[str, tuple[str, ...]] = {
        e.kind: rules.kind_plan(e.kind, business).aliases for e in events
    }
    tracked = {page.url for page in site.pages if gaps.has_tracking(page.tracking)}
    events, uncovered = gaps.assess(events, proposal.existing_tracking, tracked, aliases)
    spec = rules.signals(business)
    events = sorted(events, key=lambda e: signals.order(e, spec))
    return proposal.model_copy(
        update={
            "events": events,
            "funnel": signals.funnel(events, spec),
            "uncovered_events": uncovered,
        }
    )
