"""Key signals (pure): the macro conversions of the business type, the 3-5 micro-conversions that
best predict them, and a tier for every other event.

- Macro conversions: the kinds the business type's pack lists under `signals.macros`, in its
  order of preference, the first MAX_MACROS found; kinds under `signals.always` (a shop's
  purchase) are planned even when the crawl could not see them.
- Every other event gets a score:
  total = 0.45 weight + 0.25 closeness + 0.2 reach + 0.1 confidence, where weight is the kind's
  weight for the business type (`signals.micros`; a secondary type of a mixed site adds its own
  weights at half strength, so a shop's blog brings its search box but not its readers' habits),
  closeness how near its funnel stage is to the conversion, reach the page templates it was seen
  on (of 3), confidence the mean confidence of its findings.
- The key micro-conversions are the MAX_KEY_MICROS best scores among the kinds at least
  KEY_WEIGHT strong for the business; each leads to the first macro conversion. Other events
  at least RECOMMENDED_WEIGHT strong are recommended; the rest are optional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scanner.analysis.rules import RuleSet, SignalsSpec
from scanner.models import BusinessTypeGuess, FunnelStep, PlannedEvent, SignalScore, Tier

MAX_MACROS = 3
MAX_KEY_MICROS = 5
KEY_WEIGHT = 0.35
RECOMMENDED_WEIGHT = 0.25
SECONDARY_SHARE = 0.5
CLOSENESS = {"conversion": 1.0, "consideration": 0.67, "awareness": 0.33, "retention": 0.2}
TEMPLATES_FOR_FULL_REACH = 3


def score(event: PlannedEvent, weight: float, templates: int, confidence: float) -> SignalScore:
    closeness = CLOSENESS[event.funnel_stage]
    reach = min(1.0, templates / TEMPLATES_FOR_FULL_REACH)
    total = 0.45 * weight + 0.25 * closeness + 0.2 * reach + 0.1 * confidence
    return SignalScore(
        total=round(total, 2),
        weight=round(weight, 2),
        closeness=closeness,
        reach=round(reach, 2),
        confidence=round(confidence, 2),
    )


def weights(business: BusinessTypeGuess, rules: RuleSet) -> dict[str, float]:
    """Each kind's weight for the site: its business type's, or half a secondary type's
    (whose macro conversions count as strong micro-conversions here) when that is more."""
    primary = rules.signals(business.type)
    out: dict[str, float] = {str(kind): weight for kind, weight in primary.micros.items()}
    for other in business.also:
        signals = rules.signals(other)
        theirs = {**dict.fromkeys(signals.macros, 1.0), **signals.micros}
        for kind, weight in theirs.items():
            if kind not in primary.macros:
                out[kind] = max(out.get(kind, 0.0), SECONDARY_SHARE * weight)
    return out


@dataclass(frozen=True)
class Evidence:
    """What the crawl says of one kind: on how many page templates, how confidently."""

    templates: int
    confidence: float


def choose(
    events: list[PlannedEvent],
    evidence: Mapping[str, Evidence],
    business: BusinessTypeGuess,
    rules: RuleSet,
) -> list[PlannedEvent]:
    """The events with their tier, conversion level and score, key events first."""
    signals = rules.signals(business.type)
    macros = [event for kind in signals.macros for event in events if event.kind == kind]
    macro_kinds = {event.kind for event in macros[:MAX_MACROS]}
    leads_to = macros[0].event if macros else ""
    strength = weights(business, rules)
    scores = {
        event.kind: score(
            event,
            1.0 if event.kind in macro_kinds else strength.get(event.kind, 0.0),
            evidence[event.kind].templates,
            evidence[event.kind].confidence,
        )
        for event in events
    }
    candidates = [
        event
        for event in events
        if event.kind not in macro_kinds and strength.get(event.kind, 0.0) >= KEY_WEIGHT
    ]
    candidates.sort(key=lambda e: (-scores[e.kind].total, e.event, e.kind))
    key_micros = {event.kind for event in candidates[:MAX_KEY_MICROS]}
    chosen = []
    for event in events:
        macro = event.kind in macro_kinds
        tier: Tier = (
            "key"
            if macro or event.kind in key_micros
            else "recommended"
            if strength.get(event.kind, 0.0) >= RECOMMENDED_WEIGHT or event.kind in signals.macros
            else "optional"
        )
        update = {
            "tier": tier,
            "funnel_stage": "conversion" if macro else event.funnel_stage,
            "conversion": "macro" if macro else "micro",
            "key_event": macro,
            "leads_to": "" if macro else leads_to,
            "score": scores[event.kind],
        }
        chosen.append(event.model_copy(update=update))
    return sorted(chosen, key=lambda e: order(e, signals))


def order(event: PlannedEvent, signals: SignalsSpec) -> tuple[int, int, float, str, str]:
    """Key events first (macros by preference), then recommended, then optional, by score."""
    macro_rank = signals.macros.index(event.kind) if event.conversion == "macro" else 99
    tier_rank = ("key", "recommended", "optional").index(event.tier)
    return (tier_rank, macro_rank, -event.score.total, event.event, event.kind)


def funnel(events: Iterable[PlannedEvent], signals: SignalsSpec) -> list[FunnelStep]:
    """The business type's funnel steps that the plan has events for, in order."""
    by_kind = {event.kind: event for event in events}
    steps = []
    for kinds in signals.funnel:
        present = [by_kind[kind] for kind in kinds if kind in by_kind]
        if present:
            names = list(dict.fromkeys(event.event for event in present))
            steps.append(
                FunnelStep(
                    name=" or ".join(event.title for event in present),
                    events=names,
                    kinds=[event.kind for event in present],
                )
            )
    return steps
