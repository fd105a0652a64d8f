"""plan.json: the plan's decisions and evidence, with the words generated from them."""

from __future__ import annotations

from typing import Any

from scanner.models import Analysis, Plan, PlannedEvent, Product, Validation
from scanner.outputs.prose import datalayer_snippet, limitations, selection, trigger_description
from scanner.outputs.text import json_text


def render(analysis: Analysis) -> str:
    return json_text(plan_record(analysis.plan, analysis.validation))


def plan_record(plan: Plan, validation: Validation | None = None) -> dict[str, Any]:
    """The plan as plan.json holds it (and plan.md is rendered from); once validated against
    analytics, a `validation` block per micro-conversion and one for the whole plan, which
    holds the events the plan lacks."""
    record = plan.model_dump(mode="json")
    record["events"] = [event_record(event, plan.example_product) for event in plan.events]
    if validation is not None:
        checked = {v.event: v.model_dump(mode="json") for v in validation.events if v.planned}
        for event in record["events"]:
            if event["event"] in checked:
                event["validation"] = checked[event["event"]]
        record["validation"] = {
            **validation.model_dump(mode="json", exclude={"events"}),
            "other_events": [v.model_dump(mode="json") for v in validation.events if not v.planned],
        }
    return record


def event_record(event: PlannedEvent, product: Product | None) -> dict[str, Any]:
    trigger = event.trigger
    return {
        "event": event.event,
        "kind": event.kind,
        "title": event.title,
        "why": event.why,
        "tier": event.tier,
        "conversion": event.conversion,
        "key_event": event.key_event,
        "leads_to": event.leads_to,
        "selection": selection(event),
        "score": event.score.model_dump(mode="json"),
        "funnel_stage": event.funnel_stage,
        "trigger": {
            "type": trigger.type,
            "description": trigger_description(event),
            "css_selector": ", ".join(trigger.selectors),
            "scoped": [scope.model_dump(mode="json") for scope in trigger.scoped],
            "pushed_by": trigger.pushed_by,
            "url_regex": trigger.url_regex,
            "page_path_regex": trigger.page_path_regex,
        },
        "trigger_check": event.trigger_check.model_dump(mode="json"),
        "parameters": event.parameters,
        "destinations": event.destinations.model_dump(mode="json"),
        "enhanced_measurement": {
            "collected": event.collected_by_enhanced_measurement,
            "note": event.enhanced_measurement,
        },
        "existing": event.existing,
        "existing_name": event.existing_name,
        "notes": event.notes,
        "status": event.status,
        "limitations": limitations(event),
        "datalayer": datalayer_snippet(event, product),
        "pages": event.pages,
        "findings": event.findings,
        "selectors": event.selectors,
    }
