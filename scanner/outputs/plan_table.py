"""The plan as rows, for the spreadsheets analysts use (plan.csv, plan.xlsx)."""

from __future__ import annotations

from collections.abc import Callable

from scanner.models import Plan, PlannedEvent
from scanner.outputs.prose import trigger_description

EVENT_COLUMNS = (
    "event",
    "description",
    "tier",
    "stage",
    "micro or macro",
    "key event",
    "trigger",
    "selector or URL pattern",
    "parameters",
    "destinations",
    "pages",
    "status",
)
PARAMETER_COLUMNS = ("event", "kind", "parameter", "value")
# Each destination's sheet: its name, and the event's name there ('' when it has none).
DESTINATIONS: dict[str, Callable[[PlannedEvent], str]] = {
    "GA4": lambda event: event.event,
    "Meta": lambda event: event.destinations.meta,
    "Google Ads": lambda event: event.destinations.google_ads,
}
DESTINATION_COLUMNS = ("event", "kind", "name there", "tier", "key event", "status")


def event_rows(plan: Plan) -> list[list[str]]:
    return [_event_row(event) for event in plan.events]


def _event_row(event: PlannedEvent) -> list[str]:
    return [
        event.event,
        f"{event.title}: {event.why}",
        event.tier,
        event.funnel_stage,
        event.conversion,
        _yes(event.key_event),
        trigger_description(event),
        trigger_pattern(event),
        "; ".join(f"{name}={value}" for name, value in event.parameters.items()),
        "; ".join(
            f"{destination}: {name(event)}"
            for destination, name in DESTINATIONS.items()
            if name(event)
        ),
        " ".join(event.pages),
        event.status,
    ]


def trigger_pattern(event: PlannedEvent) -> str:
    """The selectors or the link or page pattern the trigger fires on."""
    trigger = event.trigger
    scoped = [f"{scope.path}: {', '.join(scope.selectors)}" for scope in trigger.scoped]
    parts = [", ".join(trigger.selectors), *scoped, trigger.url_regex, trigger.page_path_regex]
    return "; ".join(part for part in parts if part)


def parameter_rows(plan: Plan) -> list[list[str]]:
    return [
        [event.event, event.kind, name, value]
        for event in plan.events
        for name, value in event.parameters.items()
    ]


def destination_rows(plan: Plan, destination: str) -> list[list[str]]:
    name = DESTINATIONS[destination]
    return [
        [event.event, event.kind, name(event), event.tier, _yes(event.key_event), event.status]
        for event in plan.events
        if name(event)
    ]


def _yes(value: bool) -> str:
    return "yes" if value else "no"
