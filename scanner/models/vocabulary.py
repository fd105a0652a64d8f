"""The shared names every stage speaks: kinds, business types, plan levels; and the base model."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal[
    "add_to_cart",
    "add_to_wishlist",
    "view_cart",
    "begin_checkout",
    "product_page",
    "pricing_link",
    "pricing_page",
    "free_trial",
    "demo_request",
    "quote_request",
    "contact_form",
    "newsletter_form",
    "signup_form",
    "login_form",
    "search_form",
    "video",
    "phone_link",
    "email_link",
    "messaging_link",
    "file_download",
    "booking",
    "chat_widget",
    "store_locator",
    "cart_page",
    "checkout_page",
    "thank_you_page",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]

BusinessType = Literal["ecommerce", "saas", "leadgen", "content", "local"]
BUSINESS_TYPES: tuple[str, ...] = BusinessType.__args__  # type: ignore[attr-defined]
FunnelStage = Literal["awareness", "consideration", "conversion", "retention"]
Conversion = Literal["micro", "macro"]
Target = Literal["element", "form", "frame", "page"]
ContainerEvents = Literal["key", "recommended", "all"]  # the tiers a GTM container tags


class Model(BaseModel):
    """Frozen, strict about unknown fields, and round-trips through JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")
