"""`scanner validate`: the plan of a scan checked against the site's own analytics export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from scanner.analytics import ExportOptions
from scanner.api import validate
from scanner.outputs.registry import SCAN_OUTPUTS
from scanner.outputs.write import check_writable, write_outputs


@click.command(name="validate")
@click.argument("plan_dir", metavar="OUT", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--events",
    "export",
    required=True,
    type=click.Path(path_type=Path),
    help="The analytics export: a GA4 BigQuery export (a folder of daily events_YYYYMMDD "
    ".json or .parquet files, or one of them), or an event log (.csv or .parquet).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write the validated plan and the scan's other files into (default OUT).",
)
@click.option("--user-column", default="", help="Event log: the user column (default user_id).")
@click.option(
    "--session-column", default="", help="Event log: the session column (default session_id)."
)
@click.option(
    "--time-column",
    default="",
    help="Event log: the time column, a timestamp or seconds since 1970 (default event_time).",
)
@click.option("--event-column", default="", help="Event log: the event column (default event).")
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML file mapping the export's event names to the plan's (export_name: plan_name).",
)
def validate_command(
    plan_dir: Path,
    export: Path,
    out: Path | None,
    user_column: str,
    session_column: str,
    time_column: str,
    event_column: str,
    mapping: Path | None,
) -> None:
    """Check the plan in OUT against analytics data: which events lead to conversions."""
    target = out or plan_dir
    check_writable(target)
    options = ExportOptions(export, user_column, session_column, time_column, event_column, mapping)
    analysis = validate(plan_dir, options)
    write_outputs(analysis, SCAN_OUTPUTS, target)
    assert analysis.validation is not None
    verdicts = Counter(event.verdict for event in analysis.validation.events)
    summary = ", ".join(f"{verdicts[name]} {name}" for name in sorted(verdicts))
    proposed = ", ".join(analysis.validation.proposals) or "none"
    click.echo(
        f"validated {len(analysis.validation.events)} event(s) against "
        f"{analysis.validation.events_read} analytics events: {summary}; proposed: {proposed}; "
        f"wrote {target}/",
        err=True,
    )
