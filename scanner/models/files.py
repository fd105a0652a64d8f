"""Reading a crawl record back from site.json, with one-line errors for what is not one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scanner.errors import BadInput
from scanner.models.site import SITE_SCHEMA_VERSION, Site

GIVE_SITE_JSON = "give the site.json that 'scanner scan' wrote."


def read_input(path: Path, give: str) -> str:
    """An input file's text; BadInput when it is missing (saying what to `give`) or unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file; {give}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: cannot be read ({error}).") from None


def read_site(path: Path) -> Site:
    """Load a site.json; BadInput when it is missing, not JSON or not a crawl record."""
    text = read_input(path, GIVE_SITE_JSON)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"{path}: not valid JSON (line {error.lineno}: {error.msg}); {GIVE_SITE_JSON}"
        ) from None
    except ValueError:  # Python reads no integer of over 4,300 digits
        raise BadInput(
            f"{path}: not a crawl record (it holds a number too long to read); {GIVE_SITE_JSON}"
        ) from None
    except RecursionError:
        raise BadInput(
            f"{path}: nested too deeply to be a crawl record; {GIVE_SITE_JSON}"
        ) from None
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and version > SITE_SCHEMA_VERSION:
        raise BadInput(
            f"{path}: written by a newer scanner (record version {version}, this one reads up to "
            f"{SITE_SCHEMA_VERSION}); upgrade tracking-plan-scanner to analyze it."
        )
    try:
        return Site.model_validate(upgrade_site_record(data))
    except RecursionError:
        raise BadInput(
            f"{path}: nested too deeply to be a crawl record; {GIVE_SITE_JSON}"
        ) from None
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        raise BadInput(
            f"{path}: not a crawl record ({where}: {problem['msg']}); {GIVE_SITE_JSON}"
        ) from None


def upgrade_site_record(data: Any) -> Any:
    """A version 1 record (annotations inside each page, as `expectations`) in today's shape."""
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        return data
    pages = data.get("pages")
    if not isinstance(pages, list) or not all(isinstance(page, dict) for page in pages):
        return data
    annotations = [
        {"url": page.get("url", ""), **page["expectations"]}
        for page in pages
        if isinstance(page.get("expectations"), dict) and any(page["expectations"].values())
    ]
    return {
        **data,
        "schema_version": 2,
        "pages": [{k: v for k, v in page.items() if k != "expectations"} for page in pages],
        "annotations": annotations,
    }


def read_plan_events(path: Path) -> list[str]:
    """The event names of a plan.json, in order; BadInput when there is no plan there."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(
            f"{path.parent}: no plan.json in it; give the output folder of 'scanner scan'."
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadInput(f"{path}: not a readable plan ({type(error).__name__}).") from None
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not all(
        isinstance(e, dict) and isinstance(e.get("event"), str) for e in events
    ):
        raise BadInput(
            f"{path}: not a plan (no list of events); give the plan 'scanner scan' wrote."
        )
    return [e["event"] for e in events]
