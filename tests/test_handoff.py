"""The developer hand-off: pushes filled with a real product, with when to push and types."""

from __future__ import annotations

import pytest

from scanner.models import Destinations, PlannedEvent, Product, TriggerSpec
from scanner.outputs.handoff import _number, push_for


def event(name: str, kind: str, trigger: TriggerSpec | None = None) -> PlannedEvent:
    return PlannedEvent(
        event=name,
        kind=kind,
        title=name,
        why="why",
        funnel_stage="conversion",
        trigger=trigger or TriggerSpec(type="click", selectors=["button"]),
        parameters={},
        destinations=Destinations(),
        pages=[],
        findings=0,
        selectors=[],
    )


MUG = Product(name='Sally\'s "Big" mug', sku="MUG-7", price="1.299,50 €", currency="eur")


def test_an_ecommerce_push_carries_a_real_product_of_the_site() -> None:
    push = push_for(event("add_to_cart", "add_to_cart"), MUG)
    assert push is not None and push.ecommerce and "on success" in push.when
    snippet = push.snippet()
    assert 'event: "add_to_cart"' in snippet and 'currency: "EUR"' in snippet
    assert 'item_id: "MUG-7", item_name: "Sally\'s \\"Big\\" mug", price: 1299.5' in snippet
    assert snippet.startswith("dataLayer.push({ ecommerce: null });")


def test_a_purchase_needs_its_order_id_first() -> None:
    push = push_for(event("purchase", "thank_you_page"), None)
    assert push is not None
    assert [f.name for f in push.fields] == ["transaction_id", "currency", "value", "items"]
    assert all(f.required for f in push.fields)
    assert "SKU_123" in push.snippet()  # no product seen: placeholders


def test_leads_are_pushed_after_the_server_accepted_them() -> None:
    push = push_for(event("generate_lead", "quote_request"), None)
    assert push is not None and "server" in push.when
    assert (
        push.snippet()
        == 'dataLayer.push({\n  event: "generate_lead",\n  lead_type: "quote_request"\n});'
    )


def test_no_push_when_gtm_or_a_listener_sees_the_event() -> None:
    assert push_for(event("click_to_call", "phone_link"), MUG) is None
    listened = TriggerSpec(type="custom_event", pushed_by="listener", listener="chat")
    assert push_for(event("chat_open", "chat_widget", listened), None) is None


@pytest.mark.parametrize(
    ("written", "number"),
    [("29.99", 29.99), ("39,00", 39.0), ("1.299,00 €", 1299.0), ("$1,299.00", 1299.0), ("", None)],
)
def test_prices_as_pages_write_them(written: str, number: float | None) -> None:
    assert _number(written) == number
