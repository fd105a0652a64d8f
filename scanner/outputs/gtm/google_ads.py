"""The Google Ads destination (--google-ads-id): the Conversion Linker on every page, and a
conversion tag for each key event with a conversion category (the macro conversions and the key
micro-conversions a media buyer would bid on: never a page or product view)."""

from __future__ import annotations

from scanner.models import Plan, PlannedEvent
from scanner.outputs.gtm.entities import (
    ALL_PAGES,
    Boolean,
    Destination,
    Parameter,
    Tag,
    Template,
    Trigger,
    Variable,
    constant,
)
from scanner.outputs.gtm.ga4 import BASE_FOLDER, Tracked
from scanner.outputs.gtm.triggers import labels, stage_folder
from scanner.outputs.gtm.variables import CURRENCY, TRANSACTION, VALUE, carries_value

CONVERSION_ID = "Const - Google Ads Conversion ID"
LINKER_TAG = "Google Ads - Conversion Linker"


def label_placeholder(event: PlannedEvent) -> str:
    """What replaces the conversion label in GTM: Google Ads gives it per conversion action."""
    return f"REPLACE_WITH_LABEL_{event.event}"


def google_ads_tags(plan: Plan, tracked: Tracked) -> Destination:
    conversion_id = constant(CONVERSION_ID, plan.google_ads_id.removeprefix("AW-"))
    linker = Tag(
        LINKER_TAG,
        "gclidw",
        parameters=(
            Boolean("enableCrossDomain", False),
            Boolean("enableUrlPassthrough", False),
            Boolean("enableCookieOverrides", False),
        ),
        firing=(ALL_PAGES,),
        folder=BASE_FOLDER,
        notes="Keeps the ad click id (gclid) in a first-party cookie so that conversions are "
        "attributed to the click; Google's tags respect Consent Mode v2 by themselves.",
    )
    conversions = [
        (event, triggers)
        for event, triggers in tracked
        if event.tier == "key" and event.destinations.google_ads
    ]
    names = labels([event for event, _ in tracked])
    tags = [
        _conversion_tag(event, triggers, conversion_id.variable, names[event.kind])
        for event, triggers in conversions
    ]
    variables = [conversion_id]
    if any(carries_value(event) for event, _ in conversions):
        variables += [VALUE, CURRENCY, TRANSACTION]
    return Destination(tags=(linker, *tags), variables=tuple(variables))


def _conversion_tag(
    event: PlannedEvent, triggers: tuple[Trigger, ...], conversion_id: Variable, label: str
) -> Tag:
    parameters: list[Parameter] = [
        Template("conversionId", conversion_id),
        Template("conversionLabel", label_placeholder(event)),
        Boolean("enableConversionLinker", True),
        Template("conversionCookiePrefix", "_gcl"),
        Boolean("enableNewCustomerReporting", False),
        Boolean("enableProductReporting", False),
        Boolean("enableEnhancedConversion", False),
        Boolean("enableShippingData", False),
        Boolean("rdp", False),
    ]
    if carries_value(event):
        parameters += [
            Template("conversionValue", VALUE.variable),
            Template("currencyCode", CURRENCY.variable),
        ]
        if event.event == "purchase":
            parameters.append(Template("orderId", TRANSACTION.variable))
    return Tag(
        f"Google Ads - {label} - {event.destinations.google_ads}",
        "awct",
        parameters=tuple(parameters),
        firing=triggers,
        folder=stage_folder(event),
        notes=f"Google Ads conversion ({event.destinations.google_ads}) for {event.title}: create "
        f"the conversion action in Google Ads and put its label in place of "
        f"{label_placeholder(event)}.",
        setup=(LINKER_TAG,),
    )
