"""The words generated from the plan's decisions: how each trigger works, what it cannot capture,
and the dataLayer push to hand to the developers (pure)."""

from __future__ import annotations

from scanner.models import PageSelectors, PlannedEvent, Product
from scanner.outputs.handoff import ECOMMERCE_EVENTS, push_for
from scanner.outputs.listeners import LISTENERS


def _codes(selectors: list[str]) -> str:
    """Selectors as code, to copy as they are."""
    return ", ".join(f"`{selector}`" for selector in selectors)


def _listed(every_page: list[str], scoped: list[PageSelectors]) -> str:
    """Selectors for every page, then each page's own."""
    return "; ".join(
        ([_codes(every_page)] if every_page else [])
        + [f"on {scope.path} only: {_codes(scope.selectors)}" for scope in scoped]
    )


def trigger_description(event: PlannedEvent) -> str:
    trigger = event.trigger
    selectors = _listed(trigger.selectors, trigger.scoped)
    if trigger.type == "enhanced_measurement":
        return event.enhanced_measurement
    if trigger.type == "page_view":
        return f"Page view where the path matches `{trigger.page_path_regex}`"
    if trigger.type == "link_click":
        return f"Click on any link whose URL matches `{trigger.url_regex}` (any case)"
    if trigger.type == "custom_event" and trigger.pushed_by == "listener":
        listener = LISTENERS[trigger.listener]
        return (
            f"dataLayer event '{event.event}' pushed by the container's {listener.title} "
            f"listener tag, which relies on {listener.relies_on}"
        )
    if trigger.type == "custom_event" and trigger.pushed_by == "site":
        return f"dataLayer event '{event.event}' pushed by the site's code (the snippet below)"
    if trigger.type == "custom_event":
        return (
            f"dataLayer event '{event.event}' pushed from inside the frame "
            f"({', '.join(event.selectors)}), by the embedded player's or widget's API or by a "
            "GTM container in the framed page; what happens inside a frame is invisible to the "
            "page's click and form triggers"
        )
    buttons = trigger.button_selectors()
    if trigger.type == "form_submit" and buttons:
        whose = "the button of a box" if len(buttons) == 1 else "the buttons of boxes"
        clicks = (
            f"a click on {whose} no form holds: {_listed(trigger.buttons, trigger.scoped_buttons)}"
        )
        if not selectors:
            return clicks[0].upper() + clicks[1:]
        return f"Submission of the form matching {selectors}, or {clicks}"
    if trigger.type == "form_submit":
        return f"Submission of the form matching {selectors}"
    return f"Click on (or inside) {selectors}"


def limitations(event: PlannedEvent) -> str:
    """What the planned trigger cannot capture, and what to do about it."""
    trigger = event.trigger
    notes = []
    positional = trigger.positional_selectors()
    scoped = sum(len(scope.selectors) for scope in [*trigger.scoped, *trigger.scoped_buttons])
    if scoped and trigger.type in ("click", "form_submit"):
        notes.append(
            f"{scoped} control(s) have no selector that means the same on every page, so each "
            "is caught on its own page only"
            + (
                f" ({len(positional)} by its position in the page, which breaks when the layout "
                "changes)"
                if positional
                else ""
            )
            + ": ask the developers for a data-track attribute on them."
        )
    check = event.trigger_check
    if check.unrelated:
        notes.append(
            f"Tried on every crawled page, the trigger also catches {check.unrelated} of "
            f"{check.matched} that are not of its kind ({', '.join(check.examples[:3])}): narrow "
            "it before publishing."
        )
    if event.event in ECOMMERCE_EVENTS and trigger.type not in (
        "enhanced_measurement",
        "custom_event",
    ):
        notes.append(
            "A DOM trigger cannot read the product, price or quantity, so GA4 ecommerce reports "
            "stay empty: push the dataLayer event below from the shop's code and switch the tag "
            "to it (Send Ecommerce data, source: Data Layer)."
        )
    if trigger.type == "form_submit" and (trigger.selectors or trigger.scoped):
        notes.append(
            "GTM's form trigger needs a real submit event and fires before the server answers; "
            "forms sent with JavaScript, or that fail validation on the server, need the "
            "dataLayer push below after success instead."
        )
    if trigger.type == "custom_event" and not event.pages:
        notes.append(
            "The crawl did not reach the page where this happens (an order confirmation comes "
            "after payment), so it is planned from the business type alone."
        )
    if trigger.type == "custom_event" and trigger.pushed_by != "listener":
        notes.append("Nothing fires until the dataLayer event is pushed.")
    return " ".join(notes)


def selection(event: PlannedEvent) -> str:
    """Why the event is in its tier, in one sentence tied to the macro conversion."""
    score = event.score
    if event.conversion == "macro":
        return (
            "Macro conversion: an outcome the business lives on, which the key signals lead to; "
            "a key event in GA4 and a conversion in the ad platforms."
        )
    towards = f" towards `{event.leads_to}`" if event.leads_to else ""
    if event.tier == "key":
        reason = lower_first(event.why.rstrip("."))
        return (
            f"Key signal{towards}: {reason} (score {score.total:.2f}: weight "
            f"{score.weight:.2f} for this business, {event.funnel_stage} stage, reach "
            f"{score.reach:.2f}, confidence {score.confidence:.2f})."
        )
    if event.tier == "recommended":
        return (
            f"Recommended: useful, but a weaker step{towards} than the key signals (score "
            f"{score.total:.2f})."
        )
    return (
        f"Optional: little sign that it leads{towards} for this business (score "
        f"{score.total:.2f}); the container leaves it out unless asked for all events."
    )


def datalayer_snippet(event: PlannedEvent, product: Product | None) -> str:
    """The developer hand-off: the dataLayer.push the site's code makes, or ''."""
    push = push_for(event, product)
    return push.snippet() if push else ""


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
