"""One GTM trigger per planned event, shared by every destination's tag for that event."""

from __future__ import annotations

from scanner.models import PlannedEvent
from scanner.outputs.gtm.entities import EVENT_NAME, Condition, Listener, Trigger, built_in

EVERY_PAGE = ".*"


def trigger_for(event: PlannedEvent) -> Trigger:
    """The trigger of an event the container tags (not one enhanced measurement collects)."""
    spec = event.trigger
    name = f"{event.kind} - {spec.type.replace('_', ' ')}"
    if spec.type == "click":
        selector = _with_children(spec.selectors)
        return Trigger(
            name, "CLICK", filters=(Condition("CSS_SELECTOR", built_in("Click Element"), selector),)
        )
    if spec.type == "link_click":
        return Trigger(
            name,
            "LINK_CLICK",
            filters=(
                Condition("MATCH_REGEX", built_in("Click URL"), spec.url_regex, ignore_case=True),
            ),
            listener=Listener(check_validation=False),
        )
    if spec.type == "form_submit":
        return Trigger(
            name,
            "FORM_SUBMISSION",
            auto_event_filters=(Condition("MATCH_REGEX", built_in("Page URL"), EVERY_PAGE),),
            filters=(
                Condition("CSS_SELECTOR", built_in("Form Element"), ", ".join(spec.selectors)),
            ),
            listener=Listener(check_validation=True),
        )
    if spec.type == "page_view":
        return Trigger(
            name,
            "PAGEVIEW",
            filters=(Condition("MATCH_REGEX", built_in("Page Path"), spec.page_path_regex),),
        )
    if spec.type == "custom_event":
        return Trigger(
            name,
            "CUSTOM_EVENT",
            custom_event_filters=(Condition("EQUALS", EVENT_NAME, event.event),),
        )
    raise ValueError(f"{event.event}: enhanced measurement collects it; it has no trigger")


def _with_children(selectors: list[str]) -> str:
    """GTM compares the clicked node itself: a click on the icon inside a button must match too."""
    return ", ".join(f"{selector}, {selector} *" for selector in selectors)
