"""plan.csv and plan.xlsx as analysts use them: the columns the issue lists, one row per event,
sheets per destination with frozen headers and filters, and the same bytes for the same plan."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import load_workbook

from scanner.models import Analysis
from scanner.outputs import plan_csv, plan_xlsx
from scanner.outputs.plan_table import EVENT_COLUMNS
from tests.golden import analysis_of
from tests.test_readme import README

# The columns the README's output table gives plan.csv (the issue's list).
CSV_ROW = next(line for line in README.splitlines() if line.startswith("| `plan.csv` |"))
ISSUE_COLUMNS = re.findall(r"`([^`]+)`", CSV_ROW.split("one row per event:", 1)[1])


def test_plan_csv_has_one_row_per_event_in_the_issues_columns() -> None:
    plan = analysis_of("demo").plan
    rows = list(csv.DictReader(io.StringIO(plan_csv.render(analysis_of("demo")))))
    assert list(rows[0]) == ISSUE_COLUMNS == list(EVENT_COLUMNS)
    assert [row["event"] for row in rows] == [event.event for event in plan.events]
    cart = next(row for row in rows if row["event"] == "add_to_cart")
    assert cart["tier"] == "key" and cart["micro or macro"] == "micro"
    assert cart["key event"] == "no" and cart["stage"] == "consideration"
    assert cart["selector or URL pattern"] == 'button[data-product-id], button[name="add"]'
    assert cart["parameters"] == "click_text={{Click Text}}; click_url={{Click URL}}"
    assert cart["destinations"] == "GA4: add_to_cart; Meta: AddToCart; Google Ads: add_to_cart"
    assert cart["status"] == "seen" and cart["trigger"].startswith("Click on")
    view_item = next(row for row in rows if row["event"] == "view_item")
    assert view_item["selector or URL pattern"] == "^(/products/[^/]+)$"
    assert next(row for row in rows if row["event"] == "purchase")["status"] == "not seen"


def workbook_of(data: bytes) -> dict[str, list[tuple[str, ...]]]:
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        last = sheet.cell(sheet.max_row, sheet.max_column).coordinate
        assert sheet.auto_filter.ref == f"A1:{last}", sheet.title
    return {
        sheet.title: [tuple("" if v is None else str(v) for v in row) for row in sheet.values]
        for sheet in book.worksheets
    }


def test_plan_xlsx_has_events_parameters_and_a_sheet_per_destination() -> None:
    plan = analysis_of("demo").plan
    sheets = workbook_of(plan_xlsx.render(analysis_of("demo")))
    assert list(sheets) == ["events", "parameters", "GA4", "Meta", "Google Ads"]
    assert sheets["events"][0] == tuple(ISSUE_COLUMNS)
    assert len(sheets["events"]) == len(plan.events) + 1
    parameters = sum(len(event.parameters) for event in plan.events)
    assert len(sheets["parameters"]) == parameters + 1
    assert ("add_to_cart", "add_to_cart", "click_text", "{{Click Text}}") in sheets["parameters"]
    meta = {row[0]: row[2] for row in sheets["Meta"][1:]}
    assert meta["add_to_cart"] == "AddToCart" and "login" not in meta  # no Meta event
    assert len(sheets["GA4"]) == len(plan.events) + 1


def test_a_value_that_looks_like_a_formula_stays_text() -> None:
    analysis = analysis_of("demo")
    first = analysis.plan.events[0].model_copy(update={"notes": "x", "event": "=1+1"})
    plan = analysis.plan.model_copy(update={"events": [first]})
    data = plan_xlsx.render(Analysis(analysis.site, analysis.findings, plan))
    cell = load_workbook(io.BytesIO(data))["events"]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_plan_xlsx_is_the_same_bytes_for_the_same_plan() -> None:
    first = plan_xlsx.render(analysis_of("demo"))
    assert plan_xlsx.render(analysis_of("demo")) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {entry.date_time for entry in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified
