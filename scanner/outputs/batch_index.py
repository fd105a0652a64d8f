"""The index of a batch (pure): index.html for people, summary.csv for spreadsheets, one row per
site. Every text a site gave (its address, its errors) is escaped: HTML by Jinja2's
autoescaping, and in the CSV a cell that a spreadsheet would run as a formula is quoted."""

from __future__ import annotations

import csv
import io
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from scanner.models import IndexRow
from scanner.resources import resource_dir

COLUMNS = (
    "folder",
    "url",
    "status",
    "business_type",
    "pages",
    "key_signals",
    "events",
    "crawl_errors",
    "verification",
    "error",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def values(row: IndexRow) -> dict[str, str]:
    """A row's cells as text (a site not finished says so)."""
    outcome = row.outcome
    if outcome is None:
        return {
            **dict.fromkeys(COLUMNS, ""),
            "folder": row.entry.folder,
            "url": row.entry.url,
            "status": "not finished",
            "error": "the batch stopped before this site was finished; run it again to go on.",
        }
    return {
        "folder": row.entry.folder,
        "url": row.entry.url,
        "status": outcome.status,
        "business_type": outcome.business_type,
        "pages": str(outcome.pages),
        "key_signals": " ".join(outcome.key_signals),
        "events": str(outcome.events),
        "crawl_errors": str(outcome.crawl_errors),
        "verification": outcome.verification,
        "error": outcome.error,
    }


def render_html(rows: list[IndexRow]) -> str:
    counts = {status: 0 for status in ("done", "partial", "failed", "not finished")}
    table = [(row, values(row)) for row in rows]
    for _, cells in table:
        counts[cells["status"]] += 1
    return _templates().get_template("batch-index.html.j2").render(rows=table, counts=counts)


def render_csv(rows: list[IndexRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(value) for value in values(row).values()])
    return buffer.getvalue()


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
