"""audiences.json: remarketing audiences built on the key signals (pure). Each key
micro-conversion that leads to a macro conversion gives "did the step, not the conversion",
as a GA4 audience in the shape of the Admin API (properties.audiences) and, when the step has a
Meta standard event, as a Meta website custom-audience rule; a lead form adds "started the form
without sending it" (GA4's enhanced measurement form_start)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.models import Analysis, Plan, PlannedEvent
from scanner.outputs.text import json_text

DAY = 86_400
MAX_AUDIENCES = 4
# Days a visitor stays in the audience: an action's intent fades within a week, a page read
# twice within two, an awareness signal's within a month.
ACTION_DAYS, REPEAT_DAYS, AWARENESS_DAYS = 7, 14, 30
FORM_EVENTS = frozenset({"generate_lead", "sign_up", "newsletter_signup"})


@dataclass(frozen=True)
class Audience:
    name: str
    how_to_use: str
    days: int
    step: str  # GA4 event the visitor did
    step_meta: str  # its Meta standard event, or ''
    times: int  # how often, at least
    goal: str  # GA4 event the visitor did not do
    goal_meta: str

    def record(self, pixel_id: str) -> dict[str, Any]:
        return {
            "name": self.name,
            "how_to_use": self.how_to_use,
            "ga4": self.ga4(),
            "meta": self.meta(pixel_id) if self.step_meta and self.goal_meta else None,
        }

    def ga4(self) -> dict[str, Any]:
        """A GA4 Admin API Audience (properties.audiences.create)."""
        step: dict[str, Any] = {"eventName": self.step}
        if self.times > 1:
            step["eventParameterFilterExpression"] = {
                "dimensionOrMetricFilter": {
                    "fieldName": "eventCount",
                    "numericFilter": {
                        "operation": "GREATER_THAN",
                        "value": {"int64Value": str(self.times - 1)},
                    },
                }
            }
        return {
            "displayName": self.name[:100],
            "description": self.how_to_use[:1000],
            "membershipDurationDays": self.days,
            "exclusionDurationMode": "EXCLUDE_TEMPORARILY",
            "filterClauses": [
                _clause("INCLUDE", step),
                _clause("EXCLUDE", {"eventName": self.goal}),
            ],
        }

    def meta(self, pixel_id: str) -> dict[str, Any]:
        """A Meta website custom audience rule (Marketing API `rule`)."""
        source = [{"id": pixel_id or "PIXEL_ID", "type": "pixel"}]
        step: dict[str, Any] = {
            "event_sources": source,
            "retention_seconds": self.days * DAY,
            "filter": {
                "operator": "and",
                "filters": [{"field": "event", "operator": "eq", "value": self.step_meta}],
            },
        }
        if self.times > 1:
            step["aggregation"] = {"type": "count", "operator": ">=", "value": self.times}
        goal = {
            "event_sources": source,
            "retention_seconds": self.days * DAY,
            "filter": {
                "operator": "and",
                "filters": [{"field": "event", "operator": "eq", "value": self.goal_meta}],
            },
        }
        return {
            "inclusions": {"operator": "or", "rules": [step]},
            "exclusions": {"operator": "or", "rules": [goal]},
        }


def _clause(kind: str, event_filter: dict[str, Any]) -> dict[str, Any]:
    return {
        "clauseType": kind,
        "simpleFilter": {
            "scope": "AUDIENCE_FILTER_SCOPE_ACROSS_ALL_SESSIONS",
            "filterExpression": {
                "andGroup": {
                    "filterExpressions": [
                        {"orGroup": {"filterExpressions": [{"eventFilter": event_filter}]}}
                    ]
                }
            },
        },
    }


def suggest(plan: Plan) -> list[Audience]:
    """The audiences for the plan's best key signals, strongest first."""
    macros = {event.event: event for event in plan.events if event.conversion == "macro"}
    steps = [
        event
        for event in plan.events
        if event.tier == "key" and event.conversion == "micro" and event.leads_to in macros
    ]
    out = [_step_audience(step, macros[step.leads_to]) for step in steps]
    lead_forms = [
        m for m in macros.values() if m.event in FORM_EVENTS and m.trigger.type == "form_submit"
    ]
    if lead_forms:
        goal = lead_forms[0]
        out.append(
            Audience(
                name=f"Started a form, no {goal.event} (7 days)",
                how_to_use="Visitors who began filling in a form but never sent it "
                f"({goal.title}): remind them of what the form promised; needs GA4 enhanced "
                "measurement's form interactions turned on.",
                days=7,
                step="form_start",
                step_meta="",
                times=1,
                goal=goal.event,
                goal_meta=goal.destinations.meta,
            )
        )
    return out[:MAX_AUDIENCES]


def _step_audience(step: PlannedEvent, goal: PlannedEvent) -> Audience:
    twice = step.trigger.type == "page_view" and step.funnel_stage != "conversion"
    days = (
        AWARENESS_DAYS
        if step.funnel_stage == "awareness"
        else REPEAT_DAYS
        if twice
        else ACTION_DAYS
    )
    times = 2 if twice else 1
    did = f"{step.title} {'twice' if twice else ''}".strip()
    return Audience(
        name=f"{did}, no {goal.event} ({days} days)",
        how_to_use=f"Visitors who showed intent ({did.lower()}) but did not convert ({goal.title}) "
        f"within {days} days: bid on them with remarketing, and leave converters out.",
        days=days,
        step=step.event,
        step_meta=step.destinations.meta,
        times=times,
        goal=goal.event,
        goal_meta=goal.destinations.meta,
    )


def render(analysis: Analysis) -> str:
    plan = analysis.plan
    return json_text([audience.record(plan.meta_pixel_id) for audience in suggest(plan)])
