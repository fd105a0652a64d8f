"""The GA4 destination: the Google tag on every page, and one GA4 event tag per tracked event."""

from __future__ import annotations

from scanner.models import Plan, PlannedEvent
from scanner.outputs.gtm.entities import (
    INITIALIZATION_ALL_PAGES,
    Boolean,
    Definition,
    Destination,
    Parameter,
    Table,
    Tag,
    Template,
    Trigger,
    constant,
    value_of,
)
from scanner.outputs.gtm.triggers import labels, stage_folder
from scanner.outputs.handoff import ECOMMERCE_EVENTS
from scanner.outputs.prose import trigger_description

MEASUREMENT_ID = "Const - GA4 Measurement ID"
BASE_FOLDER = "Base tags"
Tracked = list[tuple[PlannedEvent, tuple[Trigger, ...]]]


def ga4_tags(plan: Plan, tracked: Tracked, event_id: Definition | None) -> Destination:
    """`event_id`: the variable whose value this event shares with other destinations (Meta's
    eventID, for Conversions API de-duplication), when there are any."""
    measurement_id = constant(MEASUREMENT_ID, plan.measurement_id)
    google_tag = Tag(
        "GA4 - Google tag",
        "googtag",
        parameters=(Template("tagId", measurement_id.variable),),
        firing=(INITIALIZATION_ALL_PAGES,),
        folder=BASE_FOLDER,
        notes="Loads GA4 on every page and sends page_view; enhanced measurement (on in the "
        "GA4 web stream) adds scrolls, outbound clicks, site search, YouTube and downloads.",
    )
    names = labels([event for event, _ in tracked])
    event_tags = tuple(
        _event_tag(event, triggers, measurement_id, names[event.kind], event_id)
        for event, triggers in tracked
    )
    return Destination(tags=(google_tag, *event_tags), variables=(measurement_id,))


def _event_tag(
    event: PlannedEvent,
    triggers: tuple[Trigger, ...],
    measurement_id: Definition,
    label: str,
    event_id: Definition | None,
) -> Tag:
    parameters: list[Parameter] = [
        Template("eventName", event.event),
        Template("measurementIdOverride", measurement_id.variable),
    ]
    if event.event in ECOMMERCE_EVENTS and event.trigger.type == "custom_event":
        parameters += [
            Boolean("sendEcommerceData", True),
            Template("getEcommerceDataFrom", "dataLayer"),
        ]
    rows = [
        (Template("parameter", key), Template("parameterValue", value_of(value)))
        for key, value in event.parameters.items()
    ]
    if event_id is not None:
        rows.append(
            (Template("parameter", "event_id"), Template("parameterValue", event_id.variable))
        )
    if rows:
        parameters.append(Table("eventSettingsTable", tuple(rows)))
    return Tag(
        f"GA4 - {label}",
        "gaawe",
        parameters=tuple(parameters),
        firing=triggers,
        folder=stage_folder(event),
        notes=f"{event.title}. {event.why} Trigger: {trigger_description(event)}.",
    )
