"""Variables several destinations share: the ecommerce values an event pushed to the
dataLayer carries."""

from __future__ import annotations

from scanner.models import PlannedEvent
from scanner.outputs.gtm.entities import datalayer_value
from scanner.outputs.handoff import ECOMMERCE_EVENTS

VALUE = datalayer_value("DLV - ecommerce.value", "ecommerce.value")
CURRENCY = datalayer_value("DLV - ecommerce.currency", "ecommerce.currency")
TRANSACTION = datalayer_value("DLV - ecommerce.transaction_id", "ecommerce.transaction_id")


def carries_value(event: PlannedEvent) -> bool:
    """Ecommerce events pushed to the dataLayer carry their value, currency and order id."""
    return event.event in ECOMMERCE_EVENTS and event.trigger.type == "custom_event"
