"""The Meta destination (--meta-pixel-id): the base pixel on every page and a standard event per
tracked event that has one, each with an eventID shared with its GA4 event, so that events sent
again through the Conversions API are de-duplicated."""

from __future__ import annotations

from scanner.models import Plan, PlannedEvent
from scanner.outputs.gtm.entities import (
    AD_CONSENT,
    ALL_PAGES,
    Boolean,
    Definition,
    Destination,
    Part,
    Tag,
    Template,
    Trigger,
    constant,
    datalayer_value,
    javascript,
)
from scanner.outputs.gtm.ga4 import BASE_FOLDER, Tracked
from scanner.outputs.gtm.triggers import labels, stage_folder
from scanner.outputs.gtm.variables import CURRENCY, VALUE, carries_value

PIXEL_ID = "Const - Meta Pixel ID"
BASE_TAG = "Meta - Pixel base"
UNIQUE_EVENT = datalayer_value("DLV - gtm.uniqueEventId", "gtm.uniqueEventId")
# One id per page view and dataLayer event: every tag that fires on the same event gets the same.
EVENT_ID = javascript(
    "JS - Event ID",
    (
        "function() {\n  var page = window.__trackingPlanPageId = window.__trackingPlanPageId ||"
        " (new Date().getTime().toString(36) + Math.random().toString(36).slice(2, 8));\n"
        "  return page + '.' + ",
        UNIQUE_EVENT.variable,
        ";\n}",
    ),
)
BASE_CODE = (
    "<script>\n!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?"
    "n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;"
    "n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;"
    "s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window, document,'script',"
    "'https://connect.facebook.net/en_US/fbevents.js');\nfbq('init', '"
)
CONSENT_NOTE = (
    " It waits for ad_storage, ad_user_data and ad_personalization consent (Consent Mode v2): "
    "the site's consent banner must update GTM's consent state."
)


def meta_tags(plan: Plan, tracked: Tracked) -> Destination:
    pixel = constant(PIXEL_ID, plan.meta_pixel_id)
    base = Tag(
        BASE_TAG,
        "html",
        parameters=(
            Template(
                "html",
                (BASE_CODE, pixel.variable, "');\nfbq('track', 'PageView');\n</script>"),
            ),
            Boolean("supportDocumentWrite", False),
        ),
        firing=(ALL_PAGES,),
        folder=BASE_FOLDER,
        notes="Meta pixel base code and PageView on every page." + CONSENT_NOTE,
        consent=AD_CONSENT,
    )
    names = labels([event for event, _ in tracked])
    event_tags = [
        _event_tag(event, triggers, names[event.kind])
        for event, triggers in tracked
        if event.destinations.meta
    ]
    variables = [pixel, UNIQUE_EVENT, EVENT_ID]
    if any(carries_value(event) for event, _ in tracked if event.destinations.meta):
        variables += [VALUE, CURRENCY]
    return Destination(tags=(base, *event_tags), variables=tuple(variables))


def _event_tag(event: PlannedEvent, triggers: tuple[Trigger, ...], label: str) -> Tag:
    standard = event.destinations.meta
    data: tuple[Part, ...] = (
        ("{value: ", VALUE.variable, ", currency: '", CURRENCY.variable, "'}")
        if carries_value(event)
        else ("{}",)
    )
    script: tuple[Part, ...] = (
        f"<script>\nfbq('track', '{standard}', ",
        *data,
        ", {eventID: '",
        EVENT_ID.variable,
        "'});\n</script>",
    )
    return Tag(
        f"Meta - {standard} - {label}",
        "html",
        parameters=(Template("html", script), Boolean("supportDocumentWrite", False)),
        firing=triggers,
        folder=stage_folder(event),
        notes=f"Meta {standard} for the GA4 event {event.event} ({event.title}); the same "
        "event ID goes with the GA4 event as event_id." + CONSENT_NOTE,
        consent=AD_CONSENT,
        setup=(BASE_TAG,),
    )


def event_id_variable(plan: Plan) -> Definition | None:
    """The shared event ID, when a destination besides GA4 needs it."""
    return EVENT_ID if plan.meta_pixel_id else None
