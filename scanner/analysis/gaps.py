"""Gap analysis (pure): what the tracking already on the site does of the plan.

The crawl sees the events a page sends when it loads (its dataLayer pushes and the analytics
hits it tried to send), not those that fire on a click. So a planned event is:

- implemented: sent under its own name (in the dataLayer or a GA4 hit);
- named differently: sent under another name the site gives it (addToCart for add_to_cart);
- missing: a page-view event the site's tracking did not send on a page that has tracking;
- not verifiable: it fires on an interaction the crawl does not make (check in GTM Preview);
and every other event the site sends is listed as one the plan does not cover.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from scanner.models import PlannedEvent, Tracking

# Events that say nothing about the site's own tracking: GTM's and GA4's automatic ones.
AUTOMATIC = re.compile(
    r"^(gtm\..*|page_view|user_engagement|session_start|first_visit|scroll|form_start|"
    r"form_submit|click|file_download|video_(start|progress|complete)|view_search_results|"
    r"PageView)$"
)


def seen_names(existing: Tracking) -> list[str]:
    """Event names the site sent: dataLayer pushes, and GA4 and Meta hits."""
    hits = [event.split(":", 1)[1] for event in existing.hit_events]
    return sorted(set(existing.datalayer) | set(hits))


def has_tracking(existing: Tracking) -> bool:
    return bool(
        existing.gtm
        or existing.ga4
        or existing.meta_pixel
        or existing.datalayer
        or existing.hit_events
    )


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def assess(
    events: list[PlannedEvent],
    existing: Tracking,
    tracked_pages: set[str],
    aliases: Mapping[str, tuple[str, ...]],
) -> tuple[list[PlannedEvent], list[str]]:
    """Each event with its status against the site's tracking, and the names it sends that
    no planned event covers. `tracked_pages`: the pages with tracking of their own;
    `aliases`: by kind, other names sites give the event."""
    if not has_tracking(existing):
        return events, []
    seen = seen_names(existing)
    by_key = {_key(name): name for name in seen}
    used: set[str] = set()
    out = []
    for event in events:
        names = [event.event, event.destinations.meta, *aliases.get(event.kind, ())]
        exact = event.event if event.event in seen else ""
        other = next((by_key[_key(n)] for n in names[1:] if n and _key(n) in by_key), "")
        other = other or by_key.get(_key(event.event), "")
        if exact:
            status, name = "implemented", exact
        elif other:
            status, name = "named differently", other
        elif event.trigger.type == "page_view" and tracked_pages & set(event.pages):
            status, name = "missing", ""
        else:
            status, name = "not verifiable", ""
        used.add(name)
        out.append(event.model_copy(update={"existing": status, "existing_name": name}))
    uncovered = [name for name in seen if name not in used and not AUTOMATIC.match(name)]
    return out, uncovered
