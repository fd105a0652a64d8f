"""plan.xlsx: an events sheet, a parameters sheet and one sheet per destination, each with a
frozen header and filters. The same plan gives the same bytes: the workbook's dates and the
zip entries' are fixed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from scanner.models import Analysis
from scanner.outputs.plan_table import (
    DESTINATION_COLUMNS,
    DESTINATIONS,
    EVENT_COLUMNS,
    PARAMETER_COLUMNS,
    destination_rows,
    event_rows,
    parameter_rows,
)

FIXED_TIME = "2000-01-01T00:00:00Z"  # as gtm-container.json's exportTime
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
MAX_WIDTH = 60


def render(analysis: Analysis) -> bytes:
    plan = analysis.plan
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(book, "events", EVENT_COLUMNS, event_rows(plan))
    _sheet(book, "parameters", PARAMETER_COLUMNS, parameter_rows(plan))
    for destination in DESTINATIONS:
        _sheet(book, destination, DESTINATION_COLUMNS, destination_rows(plan, destination))
    book.properties.creator = "tracking-plan-scanner"
    book.properties.created = book.properties.modified = FIXED_TIME
    return _fixed_dates(_saved(book))


def _sheet(book: Workbook, title: str, columns: Sequence[str], rows: list[list[str]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(columns))
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # text, never a formula (a value may start with '=')
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for index, column in enumerate(columns, start=1):
        longest = max([len(column), *(len(row[index - 1]) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, MAX_WIDTH)


def _saved(book: Workbook) -> bytes:
    """The workbook as openpyxl writes it (without its save_workbook, which dates it now)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()


def _fixed_dates(xlsx: bytes) -> bytes:
    """The same archive with every entry dated ZIP_TIME (zipfile dates entries now)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(entry.filename))
    return buffer.getvalue()
