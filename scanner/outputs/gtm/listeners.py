"""Listener tags: the listeners (scanner/outputs/listeners.py) as Custom HTML tags on every page."""

from __future__ import annotations

from scanner.outputs.gtm.entities import ALL_PAGES, Boolean, Tag, Template
from scanner.outputs.listeners import LISTENERS


def listener_tag(name: str, event: str, folder: str) -> Tag:
    """The listener tag that pushes `event` (the plan's name for it)."""
    listener = LISTENERS[name]
    script = listener.script.replace("__EVENT__", event)
    return Tag(
        f"Listener - {listener.title}",
        "html",
        parameters=(Template("html", script), Boolean("supportDocumentWrite", False)),
        firing=(ALL_PAGES,),
        folder=folder,
        notes=f"Pushes dataLayer events GTM cannot see by itself; relies on {listener.relies_on}.",
    )
