"""What changed between two scans or plans (pure): events added, removed and changed (matched
by what they track, scanner/analysis/decisions.py), triggers whose selector or pattern changed,
kinds found and lost per URL template, the site's own tracking found and lost."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scanner.analysis.decisions import pair
from scanner.models import EventDecision, Finding, PlanDiff, PlanFile, Tracking
from scanner.models.diff import EventChange, TemplateKinds
from scanner.url_templates import template

COMPARED = ("name", "tier", "parameters", "destinations", "notes", "status")
# What `--fail-on` can choose, and the parts of the diff each counts.
PARTS = {
    "events": ("events_added", "events_removed", "events_changed"),
    "triggers": ("triggers_changed",),
    "kinds": ("kinds_found", "kinds_lost"),
    "tracking": ("tracking_found", "tracking_lost"),
}


@dataclass(frozen=True)
class Scan:
    """One side of a diff: the plan, and the evidence beside it when there is some."""

    plan: PlanFile
    findings: list[Finding] | None
    tracking: Tracking | None


def diff(old: Scan, new: Scan) -> PlanDiff:
    matched = pair(new.plan.events, old.plan.events)
    changes = [
        change
        for i, j in sorted(matched.items())
        for change in _changes(old.plan.events[j], new.plan.events[i])
    ]
    not_compared = []
    kinds_found: list[TemplateKinds] = []
    kinds_lost: list[TemplateKinds] = []
    if old.findings is not None and new.findings is not None:
        before, after = _kinds(old.findings), _kinds(new.findings)
        kinds_found, kinds_lost = _gained(before, after), _gained(after, before)
    else:
        not_compared.append("kinds per template (findings.json)")
    tracking_found: list[str] = []
    tracking_lost: list[str] = []
    if old.tracking is not None and new.tracking is not None:
        before_ids, after_ids = _tracking(old.tracking), _tracking(new.tracking)
        tracking_found = sorted(after_ids - before_ids)
        tracking_lost = sorted(before_ids - after_ids)
    else:
        not_compared.append("the site's tracking (plan.json)")
    return PlanDiff(
        events_added=[_label(e) for i, e in enumerate(new.plan.events) if i not in matched],
        events_removed=[
            _label(e) for j, e in enumerate(old.plan.events) if j not in matched.values()
        ],
        events_changed=[c for c in changes if c.field != "trigger"],
        triggers_changed=[c for c in changes if c.field == "trigger"],
        kinds_found=kinds_found,
        kinds_lost=kinds_lost,
        tracking_found=tracking_found,
        tracking_lost=tracking_lost,
        not_compared=not_compared,
    )


def changed(result: PlanDiff, parts: list[str]) -> bool:
    """Whether any of these parts (keys of PARTS) changed."""
    return any(getattr(result, name) for part in parts for name in PARTS[part])


def _changes(old: EventDecision, new: EventDecision) -> list[EventChange]:
    out = []
    for field in (*COMPARED, "trigger"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            out.append(
                EventChange(
                    event=new.name, kind=new.kind, field=field, old=_text(before), new=_text(after)
                )
            )
    return out


def _text(value: object) -> str:
    if hasattr(value, "model_dump_json"):
        return str(value.model_dump_json(exclude_defaults=True))
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _label(event: EventDecision) -> str:
    return f"{event.name} ({event.kind})"


def _kinds(findings: list[Finding]) -> dict[str, set[str]]:
    by_template: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        by_template[template(finding.page)].add(finding.kind)
    return by_template


def _gained(before: dict[str, set[str]], after: dict[str, set[str]]) -> list[TemplateKinds]:
    out = []
    for name in sorted(after):
        kinds = after[name] - before.get(name, set())
        if kinds:
            out.append(TemplateKinds(template=name, kinds=sorted(kinds)))
    return out


def _tracking(tracking: Tracking) -> set[str]:
    return {f"{field}: {value}" for field, values in tracking for value in values}
