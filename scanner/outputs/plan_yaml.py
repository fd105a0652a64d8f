"""plan.yaml: the editable plan, the decisions only (scanner/models/plan_file.py). Edit it and
run `scanner export plan.yaml -o OUT` to regenerate every other output from it."""

from __future__ import annotations

from typing import Any, Literal

import yaml

from scanner.models import Analysis, EventDecision, Plan, PlanFile

# The statuses plan.yaml keeps: what a re-scan found, which export cannot know.
KEPT_STATUS: dict[str, Literal["gone", "new"]] = {"gone": "gone", "new": "new"}

HEADER = """\
# The tracking plan's decisions. Edit names, tiers, triggers, parameters, destinations and
# notes; add or remove events. `scanner export plan.yaml -o OUT` regenerates the other outputs
# from it, with the evidence of the crawl named below; `scanner scan URL --plan plan.yaml` keeps
# these decisions and proposes only what is new. Schema: `scanner schema plan-yaml`.
"""


def render(analysis: Analysis) -> str:
    decisions = plan_file(analysis.plan)
    data = decisions.model_dump(mode="json")
    data["events"] = [_event(event) for event in decisions.events]
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def plan_file(plan: Plan) -> PlanFile:
    """The decisions of a plan."""
    return PlanFile(
        site=plan.site,
        business_type=plan.business_type.type,
        measurement_id=plan.measurement_id,
        container_events=plan.container_events,
        meta_pixel_id=plan.meta_pixel_id,
        google_ads_id=plan.google_ads_id,
        events=[
            EventDecision(
                name=event.event,
                kind=event.kind,
                tier=event.tier,
                trigger=event.trigger,
                parameters=event.parameters,
                destinations=event.destinations,
                notes=event.notes,
                status=KEPT_STATUS.get(event.status, ""),
            )
            for event in plan.events
        ],
    )


def _event(event: EventDecision) -> dict[str, Any]:
    """An event with its trigger's unused fields left out, and its status only when set."""
    data = event.model_dump(mode="json")
    data["trigger"] = event.trigger.model_dump(mode="json", exclude_defaults=True)
    data["trigger"]["type"] = event.trigger.type
    if not event.status:
        del data["status"]
    return data
