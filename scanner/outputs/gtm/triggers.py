"""The GTM triggers of a planned event, shared by every destination's tag for that event: one
for its controls on every page, and one per page for controls only that page's own selector
catches."""

from __future__ import annotations

from scanner.models import PageSelectors, PlannedEvent
from scanner.outputs.gtm.entities import EVENT_NAME, Condition, Listener, Trigger, built_in

EVERY_PAGE = ".*"


def labels(events: list[PlannedEvent]) -> dict[str, str]:
    """The name of each event's tags, by kind: its GA4 event, and its kind when several events
    send the same one (three kinds of generate_lead)."""
    names = [event.event for event in events]
    return {
        event.kind: event.event + (f" - {event.kind}" if names.count(event.event) > 1 else "")
        for event in events
    }


def stage_folder(event: PlannedEvent) -> str:
    """The folder of an event's tags and triggers: its funnel stage."""
    return f"{event.funnel_stage.capitalize()} stage"


def triggers_for(event: PlannedEvent) -> tuple[Trigger, ...]:
    """The triggers of an event the container tags (not one enhanced measurement collects)."""
    spec = event.trigger
    name = f"{event.kind} - {spec.type.replace('_', ' ')}"
    folder = stage_folder(event)
    if spec.type == "click":
        return _clicks(name, folder, _groups(spec.selectors, spec.scoped))
    if spec.type == "form_submit":
        forms = tuple(
            Trigger(
                f"{name}{' on ' + path if path else ''}",
                "FORM_SUBMISSION",
                folder,
                auto_event_filters=_on_page(path)
                or (Condition("MATCH_REGEX", built_in("Page URL"), EVERY_PAGE),),
                filters=(
                    Condition("CSS_SELECTOR", built_in("Form Element"), ", ".join(selectors)),
                ),
                listener=Listener(check_validation=True),
            )
            for path, selectors in _groups(spec.selectors, spec.scoped)
        )
        # the boxes no <form> holds never submit: a click on their button is caught instead
        buttons = _groups(spec.buttons, spec.scoped_buttons)
        return forms + _clicks(f"{name} - button click", folder, buttons)
    if spec.type == "link_click":
        return (
            Trigger(
                name,
                "LINK_CLICK",
                folder,
                filters=(
                    Condition(
                        "MATCH_REGEX", built_in("Click URL"), spec.url_regex, ignore_case=True
                    ),
                ),
                listener=Listener(check_validation=False),
            ),
        )
    if spec.type == "page_view":
        return (
            Trigger(
                name,
                "PAGEVIEW",
                folder,
                filters=(Condition("MATCH_REGEX", built_in("Page Path"), spec.page_path_regex),),
            ),
        )
    if spec.type == "custom_event":
        return (
            Trigger(
                name,
                "CUSTOM_EVENT",
                folder,
                custom_event_filters=(Condition("EQUALS", EVENT_NAME, event.event),),
            ),
        )
    raise ValueError(f"{event.event}: enhanced measurement collects it; it has no trigger")


def _clicks(name: str, folder: str, groups: list[tuple[str, list[str]]]) -> tuple[Trigger, ...]:
    """A click trigger for each (page path, selectors) group: '' for every page."""
    return tuple(
        Trigger(
            f"{name}{' on ' + path if path else ''}",
            "CLICK",
            folder,
            filters=(
                *_on_page(path),
                Condition("CSS_SELECTOR", built_in("Click Element"), _with_children(selectors)),
            ),
        )
        for path, selectors in groups
    )


def _groups(every_page: list[str], scoped: list[PageSelectors]) -> list[tuple[str, list[str]]]:
    """('', the selectors for every page), then (page path, that page's own selectors)."""
    groups = [("", every_page)] if every_page else []
    return groups + [(scope.path, scope.selectors) for scope in scoped]


def _on_page(path: str) -> tuple[Condition, ...]:
    return (Condition("EQUALS", built_in("Page Path"), path),) if path else ()


def _with_children(selectors: list[str]) -> str:
    """GTM compares the clicked node itself: a click on the icon inside a button must match too."""
    return ", ".join(f"{selector}, {selector} *" for selector in selectors)
