"""plan.csv: one row per event, for a spreadsheet (scanner/outputs/plan_table.py)."""

from __future__ import annotations

import csv
import io

from scanner.models import Analysis
from scanner.outputs.plan_table import EVENT_COLUMNS, event_rows


def render(analysis: Analysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    writer.writerows(event_rows(analysis.plan))
    return out.getvalue()
