"""Judge each event by the site's own data: do its users convert more, on their own, and does it
come before the conversion? Pure: counts in (ExportFacts), verdicts out.

The method, in order, for every event that is not a conversion:

1. A user "did it" when they did it before (or at) their first conversion, or at any time if
   they never converted: what happens after a conversion cannot have led to it.
2. Leaks are flagged, not ranked: an event that most converters who did it did only at or
   after converting follows the conversion; in data without order (all of a session at one
   time), an event whose users convert 10x as often or more is too strong to trust and is
   flagged as a possible leak (a value computed from the outcome, like a page value).
3. Minimum sample: at least MIN_USERS users did it and MIN_USERS did not, and at least
   MIN_EXPECTED conversions are expected on each side if it had no effect.
4. Lift is the risk ratio of conversion (doers against the others) with a Wald interval on its
   log, Bonferroni-corrected over the events judged.
5. "Only correlates through another event": when its users convert more, and a stronger
   predictor (not a leak) comes first for most of the users who did both (in data without
   order: any stronger one), the lift is recomputed within the users who did that event and
   within those who did not (Mantel-Haenszel); of the candidates, the one that explains most is
   kept. Later events are never adjusted for: they are steps it leads to, not its causes.
6. Verdicts: an own effect whose interval starts at PROMOTE_AT or more earns a key place;
   an own effect keeps an event where it is; no own effect demotes it.
"""

from __future__ import annotations

import math

from scanner.analysis.lift import Table, mantel_haenszel, risk_ratio, z_value
from scanner.models import Plan
from scanner.models.validation import (
    MIN_USERS,
    EventFacts,
    EventValidation,
    ExportFacts,
    Lift,
    PairFacts,
    Validation,
    Verdict,
)

CONFIDENCE = 0.95
MIN_EXPECTED = 5
PROMOTE_AT = 1.5  # lower bound of the lift that earns a key place
LEAK_BEFORE_SHARE = 0.5  # fewer converters than this did it before converting: a leak
LEAK_MIN_CONVERTERS = 10
UNORDERED_LEAK_RATIO = 10.0


def validate_plan(plan: Plan, facts: ExportFacts) -> Validation:
    """Every micro-conversion of the plan and every other event of the data, judged."""
    judge = _Judge(plan, facts)
    planned = [event.event for event in plan.events if event.conversion == "micro"]
    others = sorted(name for name in judge.facts if name not in set(planned))
    unplanned = sorted(
        (judge.event(name) for name in others),
        key=lambda v: (VERDICT_ORDER[v.verdict], -_effect_ratio(v), v.event),
    )
    return Validation(
        source=facts.source,
        events_read=facts.events_read,
        users=facts.users,
        sessions=facts.sessions,
        converters=facts.converters,
        conversion_rate=round(facts.converters / facts.users, 4),
        revenue=facts.revenue,
        conversions=facts.conversions,
        ordered=facts.ordered,
        confidence=f"{CONFIDENCE:.0%} intervals, Bonferroni-corrected over the "
        f"{len(judge.tested)} events with enough data",
        events=[judge.event(name) for name in planned] + unplanned,
        proposals=[v.event for v in unplanned if v.verdict == "promote to key"],
        user_paths=facts.user_paths,
        session_paths=facts.session_paths,
    )


VERDICT_ORDER: dict[Verdict, int] = {
    "promote to key": 0,
    "keep": 1,
    "demote": 2,
    "not measurable yet": 3,
}


def _effect_ratio(validation: EventValidation) -> float:
    lift = validation.adjusted_lift or validation.lift
    return lift.ratio if lift else 0.0


class _Judge:
    def __init__(self, plan: Plan, facts: ExportFacts) -> None:
        self.export = facts
        self.facts = {event.event: event for event in facts.events}
        self.tiers = {e.event: e.tier for e in plan.events if e.conversion == "micro"}
        self.pairs = {(p.event, p.other): p for p in facts.pairs}
        self.rate = facts.converters / facts.users
        self.tested = sorted(
            n for n, f in self.facts.items() if not self._small(f) and not self._late(f)
        )
        z = z_value(CONFIDENCE, len(self.tested))
        self.z = z
        self.crude = {name: risk_ratio(self._table(self.facts[name]), z) for name in self.tested}

    def _table(self, f: EventFacts) -> Table:
        return Table(
            converted=f.doers_converted,
            doers=f.doers,
            others_converted=self.export.converters - f.doers_converted,
            others=self.export.users - f.doers,
        )

    def _small(self, f: EventFacts) -> str:
        """Why there is too little data for a verdict, or ''."""
        others = self.export.users - f.doers
        if others == 0:
            return f"all {f.doers} users did it, so nobody is left to compare with"
        if f.doers < MIN_USERS or others < MIN_USERS:
            return f"{f.doers} users did it and {others} did not ({MIN_USERS} of each needed)"
        expected = min(f.doers, others) * self.rate
        if expected < MIN_EXPECTED:
            return (
                f"only {expected:.1f} conversions would be expected on its smaller side "
                f"({MIN_EXPECTED} needed)"
            )
        return ""

    def _late(self, f: EventFacts) -> str:
        """Why it looks like it follows the conversion, or ''."""
        if not self.export.ordered or f.converters_did < LEAK_MIN_CONVERTERS:
            return ""
        if f.converters_before >= LEAK_BEFORE_SHARE * f.converters_did:
            return ""
        return (
            f"{f.converters_before} of the {f.converters_did} converters who did it did so "
            "before converting"
        )

    def adjusted(self, name: str) -> tuple[Lift | None, str]:
        """The lift within the users of the stronger earlier event that explains it most."""
        crude = self.crude[name]
        if crude is None or crude.low <= 1:  # only a positive association can be spurious
            return None, ""
        best: tuple[float, str, Lift] | None = None
        for other in self.tested:
            stronger = self.crude[other]
            pair = self.pairs.get(
                (name, other),
                PairFacts(event=name, other=other, both=0, both_converted=0, other_first=0),
            )
            if other == name or stronger is None or stronger.low <= 1:
                continue
            if stronger.ratio <= crude.ratio or self.unordered_leak(other):
                continue
            if self.export.ordered and pair.other_first * 2 < pair.both:
                continue
            lift = mantel_haenszel(self._strata(name, other, pair), self.z)
            if lift is None:
                continue
            candidate = (abs(math.log(lift.ratio)), other, lift)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        return (best[2], best[1]) if best else (None, "")

    def _strata(self, name: str, other: str, pair: PairFacts) -> list[Table]:
        e, s = self.facts[name], self.facts[other]
        converters, users = self.export.converters, self.export.users
        with_other = Table(
            converted=pair.both_converted,
            doers=pair.both,
            others_converted=s.doers_converted - pair.both_converted,
            others=s.doers - pair.both,
        )
        without = Table(
            converted=e.doers_converted - pair.both_converted,
            doers=e.doers - pair.both,
            others_converted=converters
            - e.doers_converted
            - s.doers_converted
            + pair.both_converted,
            others=users - e.doers - s.doers + pair.both,
        )
        return [with_other, without]

    def unordered_leak(self, name: str) -> bool:
        crude = self.crude.get(name)
        return (
            not self.export.ordered and crude is not None and (crude.ratio >= UNORDERED_LEAK_RATIO)
        )

    def event(self, name: str) -> EventValidation:
        tier = self.tiers.get(name, "")
        f = self.facts.get(name)
        if f is None:
            return _absent(name, tier)
        adjusted, adjusted_for = (None, "") if name not in self.tested else self.adjusted(name)
        crude = self.crude.get(name)
        leak = self._late(f)
        if not leak and self.unordered_leak(name):
            leak = (
                f"its users convert {crude.ratio:.1f}x as often in data without order"
                if crude
                else ""
            )
        verdict, why = self._verdict(name, tier, f, crude, adjusted, adjusted_for, leak)
        return EventValidation(
            event=name,
            planned=tier,
            users=f.users,
            sessions=f.sessions,
            conversion_rate_doers=_share(f.doers_converted, f.doers),
            conversion_rate_others=_share(
                self.export.converters - f.doers_converted, self.export.users - f.doers
            ),
            lift=crude,
            adjusted_lift=adjusted,
            adjusted_for=adjusted_for,
            converters_before=_share(f.converters_before, self.export.converters),
            median_hours_to_conversion=None
            if f.median_seconds_to_conversion is None
            else round(f.median_seconds_to_conversion / 3600, 2),
            revenue_per_doer=_money(f.doers_revenue, f.doers, self.export.revenue),
            revenue_per_other=_money(
                self.export.revenue - f.doers_revenue,
                self.export.users - f.doers,
                self.export.revenue,
            ),
            session_conversion_doers=_share(f.session_doers_converted, f.session_doers),
            session_conversion_others=_share(
                self.export.converting_sessions - f.session_doers_converted,
                self.export.sessions - f.session_doers,
            ),
            top_path=f.top_path,
            leak=leak,
            verdict=verdict,
            why=why,
        )

    def _verdict(
        self,
        name: str,
        tier: str,
        f: EventFacts,
        crude: Lift | None,
        adjusted: Lift | None,
        adjusted_for: str,
        leak: str,
    ) -> tuple[Verdict, str]:
        drop = "demote it" if tier else "leave it out"
        if self._late(f):
            return "demote", (
                f"A leak, not a signal: {leak}, so it follows the conversion rather than "
                f"leading to it; {drop}."
            )
        small = self._small(f)
        if small or crude is None:
            return "not measurable yet", f"Too little data: {small or 'no comparison'}."
        rates = (
            f"{_percent(f.doers_converted, f.doers)} of its users convert against "
            f"{_percent(self.export.converters - f.doers_converted, self.export.users - f.doers)}"
            f" of the others ({_ratio(crude)})"
        )
        if leak:
            return "not measurable yet", (
                f"{rates}: too strong to trust in data without order; check that it is not "
                "computed from the outcome (a leak) before using it."
            )
        effect = adjusted or crude
        if effect.low > 1:
            through = (
                f", and still {_ratio(adjusted)} among users alike in `{adjusted_for}`"
                if adjusted
                else ""
            )
            if effect.low >= PROMOTE_AT and tier != "key":
                where = (
                    "make it a key micro-conversion"
                    if tier
                    else "add it to the plan as a key micro-conversion"
                )
                return "promote to key", f"{rates}{through}: {where}."
            keeps = {
                "key": "it earns its key place",
                "": "a real but modest effect; worth collecting, not a key signal",
            }.get(tier, f"a real but modest effect; keep it {tier}")
            return "keep", f"{rates}{through}: {keeps}."
        if adjusted and crude.low > 1:
            return "demote", (
                f"{rates}, but only through `{adjusted_for}`: among users alike in it, "
                f"{_ratio(adjusted)}; {drop}."
            )
        if effect.high < 1:
            return "demote", f"{rates}: its users convert less; {drop}."
        return "demote", f"{rates}: no measurable effect on conversion; {drop}."


def _absent(name: str, tier: str) -> EventValidation:
    return EventValidation(
        event=name,
        planned=tier,
        users=0,
        sessions=0,
        verdict="not measurable yet",
        why="Not in the data: no user did it; check that its tag fires (GTM Preview), or map the "
        "export's name for it with --mapping.",
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _money(revenue: float, users: int, total: float) -> float | None:
    return round(revenue / users, 2) if users and total else None


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "-"


def _ratio(lift: Lift) -> str:
    return f"{lift.ratio:.2f}x, {lift.low:.2f}-{lift.high:.2f}"
