"""The GA4 destination: the Google tag on every page, and one GA4 event tag per tracked event."""

from __future__ import annotations

from collections import Counter

from scanner.models import Plan, PlannedEvent
from scanner.outputs.gtm.entities import (
    INITIALIZATION_ALL_PAGES,
    Boolean,
    Constant,
    Destination,
    Parameter,
    Table,
    Tag,
    Template,
    Trigger,
    value_of,
)
from scanner.outputs.prose import ECOMMERCE_EVENTS, trigger_description

MEASUREMENT_ID = "Const - GA4 Measurement ID"


def ga4_tags(plan: Plan, tracked: list[tuple[PlannedEvent, tuple[Trigger, ...]]]) -> Destination:
    measurement_id = Constant(MEASUREMENT_ID, plan.measurement_id)
    google_tag = Tag(
        "GA4 - Google tag",
        "googtag",
        parameters=(Template("tagId", measurement_id.variable),),
        firing=(INITIALIZATION_ALL_PAGES,),
    )
    repeated = {name for name, n in Counter(e.event for e, _ in tracked).items() if n > 1}
    event_tags = tuple(
        _event_tag(event, triggers, measurement_id, event.event in repeated)
        for event, triggers in tracked
    )
    return Destination(tags=(google_tag, *event_tags), constants=(measurement_id,))


def _event_tag(
    event: PlannedEvent, triggers: tuple[Trigger, ...], measurement_id: Constant, repeated: bool
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
    if event.parameters:
        rows = tuple(
            (Template("parameter", key), Template("parameterValue", value_of(value)))
            for key, value in event.parameters.items()
        )
        parameters.append(Table("eventSettingsTable", rows))
    return Tag(
        f"GA4 - {event.event}" + (f" - {event.kind}" if repeated else ""),
        "gaawe",
        parameters=tuple(parameters),
        firing=triggers,
        notes=f"{event.title}. {event.why} Trigger: {trigger_description(event)}.",
    )
