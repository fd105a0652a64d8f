"""`scanner batch` (many sites, on this machine or on a task queue) and `scanner worker`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.batch.machine import sites_at_once
from scanner.batch.run import BatchResult, run_local
from scanner.batch.sites import Defaults, read_sites
from scanner.cli.options import out_option
from scanner.errors import BadArgument, Interrupted, PartialScan, SiteUnavailable
from scanner.models import SiteRecord

QUEUE_HELP = "redis://HOST:PORT/0"


class Jobs(click.ParamType):  # type: ignore[type-arg]
    """A number of sites at once, or 'auto' (None: one per processor, as memory allows)."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or isinstance(value, int) or value == "auto":
            return None if value == "auto" else value
        if str(value).isdigit() and int(value) >= 1:
            return int(value)
        self.fail(f"{value!r} is not a number of sites (1 or more), nor 'auto'.", param, ctx)


jobs_option = click.option(
    "--jobs",
    type=Jobs(),
    default=None,
    help="Sites scanned at once on this machine: a number, or auto (the default: one per "
    "processor, as memory allows; each scan loads several pages at once).",
)


@click.command(name="batch")
@click.argument("sites", type=click.Path(dir_okay=False, path_type=Path))
@out_option("Directory to write one folder per site, index.html and summary.csv into.")
@click.option(
    "--queue",
    default=None,
    metavar=QUEUE_HELP,
    help="Send the sites to the workers of this Redis server (scanner worker) and collect "
    "their results, instead of scanning here.",
)
@jobs_option
@click.option(
    "--max-pages",
    default=Defaults().max_pages,
    show_default=True,
    type=click.IntRange(1),
    help="Page budget of a site whose line gives no max_pages.",
)
@click.option(
    "--time-budget",
    default=Defaults().time_budget,
    show_default=True,
    type=click.IntRange(1),
    metavar="SECONDS",
    help="Time a site's scan may take unless its line gives time_budget; then the pages "
    "scanned by then are written.",
)
@click.option(
    "--block-third-party",
    is_flag=True,
    help="Block requests to other sites in every scan (tags, widgets, CDNs).",
)
def batch_command(
    sites: Path,
    out: Path,
    queue: str | None,
    jobs: int | None,
    max_pages: int,
    time_budget: int,
    block_third_party: bool,
) -> None:
    """Scan every site listed in SITES (one URL a line, or CSV or YAML with per-site options)
    into OUT/FOLDER; write OUT/index.html and OUT/summary.csv. Run again, it goes on with the
    sites not finished."""
    entries = read_sites(sites, Defaults(max_pages, time_budget, block_third_party))
    if queue is not None and jobs is not None:
        raise BadArgument(
            "--jobs is for this machine; with --queue each worker sets its own "
            "(scanner worker --jobs N)."
        )
    if queue is not None:
        from scanner.batch.queue import configure, run_queued

        configure(queue)
        click.echo(f"sending {len(entries)} site(s) to the workers of {queue}", err=True)
        result = run_queued(entries, out, _print_site)
    else:
        at_once = jobs or sites_at_once()
        click.echo(f"{len(entries)} site(s), {at_once} at a time", err=True)
        result = run_local(entries, out, at_once, _print_site)
    _report(result, out)


def _print_site(record: SiteRecord) -> None:
    outcome = record.outcome
    what = f"{outcome.pages} page(s), {outcome.business_type}" if outcome.pages else ""
    error = f": {outcome.error}" if outcome.error else ""
    click.echo(f"{outcome.status:<8} {record.entry.folder} {what}{error}", err=True)


def _report(result: BatchResult, out: Path) -> None:
    """The batch's exit: 0 when every site is done, else the error that says what is not."""
    rows = result.rows
    earlier = f" ({result.earlier} finished by an earlier run)" if result.earlier else ""
    click.echo(f"{len(rows)} site(s){earlier}; wrote {out}/index.html", err=True)
    if result.interrupted:
        left = sum(row.outcome is None for row in rows)
        raise Interrupted(
            f"interrupted; {left} site(s) not finished (the same command goes on with them)."
        )
    failed = [row for row in rows if row.outcome is not None and row.outcome.status != "done"]
    if not failed:
        return
    first = failed[0]
    assert first.outcome is not None
    example = f"first: {first.entry.folder}: {first.outcome.error}"
    if all(row.outcome is not None and row.outcome.status == "failed" for row in rows):
        raise SiteUnavailable(f"no site could be scanned ({example}); see {out}/index.html.")
    raise PartialScan(
        f"{len(failed)} of {len(rows)} site(s) failed or are partial ({example}); the others "
        f"are in {out}/, all listed in {out}/index.html."
    )


@click.command(name="worker")
@click.option("--queue", required=True, metavar=QUEUE_HELP, help="The Redis server to serve.")
@jobs_option
@click.option(
    "--visibility-timeout",
    default=None,
    type=click.IntRange(1),
    metavar="SECONDS",
    help="A site taken by a worker that vanished is given to another after this long (default "
    "3600); keep it above the longest time budget.",
)
def worker_command(queue: str, jobs: int | None, visibility_timeout: int | None) -> None:
    """Scan the sites `scanner batch --queue` sends, until SIGTERM (the sites under way are
    finished first) or Ctrl-C (they go back to the queue for another worker)."""
    from scanner.batch.queue import run_worker

    run_worker(queue, jobs or sites_at_once(), visibility_timeout)
