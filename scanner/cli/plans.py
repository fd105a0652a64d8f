"""The commands on plans: export a plan.yaml, print the plans' schemas, diff two scans; and
the --plan option of `scanner scan`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from scanner.analysis.drift import PARTS, changed
from scanner.api import PlanSource, compare, export, load_plan
from scanner.cli.options import out_option
from scanner.models import Plan, PlanDiff
from scanner.models.schemas import SCHEMAS, schema_text
from scanner.outputs.registry import EXPORT_OUTPUTS
from scanner.outputs.write import write_outputs

DIFF_EXITS = "0 when nothing that --fail-on counts changed, 1 when something did"


def _plan_source(_: click.Context, __: click.Parameter, value: Path | None) -> PlanSource | None:
    return load_plan(value) if value is not None else None


plan_option = click.option(
    "--plan",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_plan_source,
    help="A plan.yaml to keep: its renamed, removed and added events stay as they are; only "
    "what is new is proposed (status new), planned events no longer found are marked gone.",
)


@click.command(name="export")
@click.argument("plan_yaml", type=click.Path(dir_okay=False, path_type=Path))
@out_option("Directory to write the outputs regenerated from the plan into.")
def export_command(plan_yaml: Path, out: Path) -> None:
    """Regenerate every output of the plan (plan.json, plan.md, spreadsheets, container...)
    from an edited PLAN_YAML, with the evidence of the crawl record it names (crawl:)."""
    source = load_plan(plan_yaml)
    if source.site is None:
        where = f"no crawl record at {source.crawl_path}" if source.crawl_path else "no crawl"
        click.echo(
            f"warning: {where}: the outputs hold the decisions alone (no pages, findings or "
            "scores)",
            err=True,
        )
    written = write_outputs(export(source), EXPORT_OUTPUTS, out)
    click.echo(f"exported {len(written)} file(s) to {out}/", err=True)


@click.command(name="schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)), default="plan")
def schema_command(name: str) -> None:
    """Print the JSON Schema of plan.json (plan) or plan.yaml (plan-yaml)."""
    click.echo(schema_text(name), nl=False)


@click.command(name="diff", epilog=f"\b\nExit codes: {DIFF_EXITS}; 2 and 4 as for every command.")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@click.option(
    "--fail-on",
    type=click.Choice([*PARTS, "any"]),
    multiple=True,
    default=("any",),
    show_default=True,
    help="What counts as a change for the exit code (repeat to choose several).",
)
def diff_command(old: Path, new: Path, as_json: bool, fail_on: tuple[str, ...]) -> None:
    """What changed from OLD to NEW (two scans' output directories, or two plan.yaml files):
    events added, removed and changed, triggers whose selector changed, kinds found and lost
    per URL template, the site's tracking found and lost."""
    result = compare(old, new)
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        click.echo(diff_text(result))
    parts = list(PARTS) if "any" in fail_on else list(fail_on)
    if changed(result, parts):
        sys.exit(1)  # not click's exit, which standalone_mode=False turns into a return value


def diff_text(result: PlanDiff) -> str:
    """The differences as lines for a terminal or a CI log."""
    lines = [f"+ event {label}" for label in result.events_added]
    lines += [f"- event {label}" for label in result.events_removed]
    lines += [
        f"~ event {c.event} ({c.kind}) {c.field}: {c.old} -> {c.new}"
        for c in [*result.events_changed, *result.triggers_changed]
    ]
    lines += [f"+ kinds on {t.template}: {', '.join(t.kinds)}" for t in result.kinds_found]
    lines += [f"- kinds on {t.template}: {', '.join(t.kinds)}" for t in result.kinds_lost]
    lines += [f"+ tracking {item}" for item in result.tracking_found]
    lines += [f"- tracking {item}" for item in result.tracking_lost]
    notes = [f"(not compared: {item})" for item in result.not_compared]
    return "\n".join((lines or ["no changes"]) + notes)


def kept_summary(plan: Plan) -> str:
    """After `scan --plan`: what was kept, proposed and lost."""
    by_status = {
        status: [e.event for e in plan.events if e.status == status] for status in ("new", "gone")
    }
    kept = len(plan.events) - len(by_status["new"])
    parts = [f"kept {kept} planned event(s)"]
    parts += [
        f"{len(names)} {status}: {', '.join(names)}" for status, names in by_status.items() if names
    ]
    return "; ".join(parts)


commands = (export_command, schema_command, diff_command)
