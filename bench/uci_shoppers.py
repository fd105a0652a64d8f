"""Real data for `scanner validate`: the UCI Online Shoppers Purchasing Intention data set
(../shared/analytics/uci_online_shoppers; Sakar, Polat, Katircioglu and Kastro, Neural Computing
and Applications, 2019; CC BY 4.0), read where it is and turned into an event log.

The data is session level: 12,330 sessions, each of a different user, with page counts and
attributes but no order. The adapter writes one event per thing a session did or was, all at
the session's one time (the first of its month in 2017):

- `session_start` (every session), `administrative_page`, `informational_page`, `product_page`
  (each when its page count is above 0), `page_value` (PageValues above 0: derived from later
  transactions, a leak the validation must flag), `bounce` (BounceRates above 0);
- the attributes the published figures are given for: `new_visitor`, `returning_visitor`,
  `other_visitor`, `weekend`, `month_<mon>`;
- `transaction` when Revenue is TRUE, mapped to the plan's `purchase` (and `product_page` to
  `view_item`) by the mapping file written beside it.

    python -m bench.uci_shoppers [--shared PATH] [--plan DIR]

runs `scanner validate` on the demo shop's plan (tests/golden/demo) and prints the figures to
check against the published ones (15.47 % of sessions buy; new visitors 24.91 %, returning
13.93 %; November 25.35 %).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from scanner.analytics import ExportOptions
from scanner.api import validate
from scanner.models import Validation

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("analytics") / "uci_online_shoppers" / "online_shoppers_intention.csv"
MONTHS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "June": 6, "Jul": 7, "Aug": 8}
MONTHS |= {"Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}
PAGES = {
    "administrative_page": "Administrative",
    "informational_page": "Informational",
    "product_page": "ProductRelated",
    "page_value": "PageValues",
    "bounce": "BounceRates",
}
VISITORS = {"New_Visitor": "new_visitor", "Returning_Visitor": "returning_visitor"}
MAPPING = "product_page: view_item\ntransaction: purchase\n"
COLUMNS = ("user_id", "session_id", "event_time", "event")


def session_events(row: dict[str, str]) -> list[str]:
    """The events of one session (one row of the data set)."""
    events = ["session_start"]
    events += [name for name, column in PAGES.items() if float(row[column] or 0) > 0]
    events.append(VISITORS.get(row["VisitorType"], "other_visitor"))
    if row["Weekend"] == "TRUE":
        events.append("weekend")
    events.append(f"month_{row['Month'][:3].lower()}")
    if row["Revenue"] == "TRUE":
        events.append("transaction")
    return events


def write_event_log(data: Path, out: Path) -> tuple[Path, Path]:
    """The event log (CSV) and the mapping file, written into `out`."""
    log, mapping = out / "uci_events.csv", out / "uci_mapping.yaml"
    with data.open(newline="", encoding="utf-8") as source, log.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(COLUMNS)
        for index, row in enumerate(csv.DictReader(source)):
            when = f"2017-{MONTHS[row['Month']]:02d}-01 00:00:00"
            for event in session_events(row):
                writer.writerow((f"u{index}", f"s{index}", when, event))
    mapping.write_text(MAPPING, encoding="utf-8")
    return log, mapping


def run(shared: Path, plan: Path, work: Path) -> Validation:
    log, mapping = write_event_log(shared / DATA, work)
    analysis = validate(plan, ExportOptions(log, mapping=mapping))
    assert analysis.validation is not None
    return analysis.validation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--plan", type=Path, default=ROOT / "tests" / "golden" / "demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        validation = run(args.shared, args.plan, Path(work))
        seconds = time.perf_counter() - start
    print(
        f"{validation.users} sessions, {validation.converters} bought: "
        f"{100 * validation.conversion_rate:.2f} % ({seconds:.2f} s)"
    )
    for event in validation.events:
        if event.users:
            rate = event.conversion_rate_doers
            shown = "-" if rate is None else f"{100 * rate:.2f} %"
            lift = event.adjusted_lift or event.lift
            ratio = f"{lift.ratio:.2f}x ({lift.low:.2f}-{lift.high:.2f})" if lift else "-"
            print(f"  {event.event:<20} {shown:>8} {ratio:<20} {event.verdict}: {event.why}")


if __name__ == "__main__":
    main()
