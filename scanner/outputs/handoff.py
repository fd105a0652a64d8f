"""The developer hand-off (pure): for each event the DOM cannot express, the dataLayer push the
site's code should make, when to make it, and each value's type, filled with a real product of
the site when the crawl saw one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from scanner.models import PlannedEvent, Product

ECOMMERCE_EVENTS = frozenset(
    {"add_to_cart", "add_to_wishlist", "view_cart", "begin_checkout", "view_item", "purchase"}
)
WHEN = {
    "view_item": "when the product page has shown the product (its variant known)",
    "add_to_cart": "after the shop has put the product in the cart (on success, not on the "
    "click), with the quantity added",
    "add_to_wishlist": "after the product is saved to the wishlist",
    "view_cart": "when the cart page or drawer shows the cart, with all its lines",
    "begin_checkout": "when the checkout opens, with the cart's lines",
    "purchase": "once, on the order confirmation after payment, with the order id (not again "
    "when the page is reloaded)",
    "generate_lead": "after the server has accepted the form (not on the submit click)",
    "sign_up": "after the account is created",
    "login": "after a successful login",
    "newsletter_signup": "after the address is accepted",
    "book_appointment": "when the booking is confirmed",
    "chat_open": "when the chat window opens",
    "start_trial": "after the trial is created",
}
PUSHED_KINDS = frozenset(
    {"newsletter_form", "signup_form", "login_form", "booking", "chat_widget", "free_trial"}
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    example: str  # as a JavaScript literal
    note: str = ""


@dataclass(frozen=True)
class Push:
    event: str
    when: str
    fields: tuple[Field, ...]  # of the push, or of its `ecommerce` object
    ecommerce: bool

    def snippet(self) -> str:
        body = [f"{field.name}: {field.example}" for field in self.fields]
        if self.ecommerce:
            inner = ",\n".join(f"    {line}" for line in body)
            return (
                "dataLayer.push({ ecommerce: null });\n"
                f'dataLayer.push({{\n  event: "{self.event}",\n  ecommerce: {{\n{inner}\n  }}\n}});'
            )
        lines = [f'  event: "{self.event}"', *(f"  {line}" for line in body)]
        return "dataLayer.push({\n" + ",\n".join(lines) + "\n});"


def push_for(event: PlannedEvent, product: Product | None) -> Push | None:
    """The push the site's code makes for this event, or None when GTM sees it by itself (or a
    listener tag of the container pushes it)."""
    name = event.event
    if event.trigger.pushed_by == "listener" or event.collected_by_enhanced_measurement:
        return None
    when = WHEN.get(name, "when it happens")
    if name in ECOMMERCE_EVENTS:
        return Push(name, when, _ecommerce_fields(name, product), ecommerce=True)
    if name == "generate_lead":
        lead = Field("lead_type", "string", True, json.dumps(event.kind), "which form")
        return Push(name, when, (lead,), ecommerce=False)
    if name in ("sign_up", "login"):
        method = Field("method", "string", False, '"email"', "how: email, google, apple...")
        return Push(name, when, (method,), ecommerce=False)
    if event.kind in PUSHED_KINDS:
        return Push(name, when, (), ecommerce=False)
    return None


def _ecommerce_fields(event: str, product: Product | None) -> tuple[Field, ...]:
    price = _number(product.price) if product else None
    currency = (product.currency if product and product.currency else "EUR").upper()
    item = {
        "item_id": (product.sku or "SKU_123") if product else "SKU_123",
        "item_name": product.name if product else "Product name",
        "price": price if price is not None else 19.99,
        "quantity": 1,
    }
    if product and product.brand:
        item["item_brand"] = product.brand
    if product and product.category:
        item["item_category"] = product.category
    items = "[{ " + ", ".join(f"{k}: {_literal(v)}" for k, v in item.items()) + " }]"
    fields = [
        Field("currency", "string (ISO 4217)", True, json.dumps(currency), "with value"),
        Field("value", "number", True, json.dumps(item["price"]), "sum of price x quantity"),
        Field(
            "items",
            "array of items: item_id or item_name (string), price (number), quantity "
            "(integer), item_brand, item_category",
            True,
            items,
        ),
    ]
    if event == "purchase":
        fields.insert(0, Field("transaction_id", "string", True, '"T-12345"', "the order id"))
    return tuple(fields)


def _literal(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number(price: str) -> float | None:
    """A price as the page writes it ("39,00", "1.299,00 €", "29.99") as a number."""
    digits = re.sub(r"[^\d.,]", "", price)
    if not digits:
        return None
    if "," in digits and (digits.rfind(",") > digits.rfind(".")):
        digits = digits.replace(".", "").replace(",", ".")
    else:
        digits = digits.replace(",", "")
    try:
        return round(float(digits), 2)
    except ValueError:
        return None
