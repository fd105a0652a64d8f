"""The commands: thin shells over the library API (scanner/api.py) and the rule packs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scanner.analysis.rules import rules_for
from scanner.api import PlanSource, ScanOptions, ScanResult, analyze, scan
from scanner.cli.batch import batch_command, worker_command
from scanner.cli.exits import EXIT_CODES
from scanner.cli.options import (
    analysis_options,
    events_option,
    google_ads_option,
    measurement_option,
    meta_option,
    out_option,
    rules_option,
    split_options,
    type_option,
    with_crawl_options,
)
from scanner.cli.plans import commands as plan_commands
from scanner.cli.plans import kept_summary, plan_option
from scanner.cli.progress import ProgressBar
from scanner.cli.validate import validate_command
from scanner.cli.verify import verify_command
from scanner.crawl import CrawlOptions, check_url
from scanner.errors import BadArgument, Interrupted, PartialScan
from scanner.models import AnalysisOptions, Site, read_site
from scanner.outputs.registry import SCAN_OUTPUTS
from scanner.outputs.write import SHOTS_DIRECTORY, check_writable, write_outputs, write_shots
from scanner.resources import resource_dir
from scanner.serve import serve_directory

DEMO_PORT = 8765


@click.group(
    epilog="\b\nExit codes:\n"
    + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())
)
@click.version_option(package_name="tracking-plan-scanner")
def cli() -> None:
    """Scan a website and propose a GA4 tracking plan and an importable GTM container."""


SCAN_OUT_HELP = "Directory to write site.json and the plan, hand-off, audiences and container into."


@cli.command(name="scan")
@click.argument("urls", nargs=-1, required=True)
@out_option(SCAN_OUT_HELP)
@with_crawl_options
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the scan whose site.json is in OUT (after Ctrl-C, or with a larger budget).",
)
@click.option(
    "--block-third-party",
    is_flag=True,
    help="Block requests to other sites (tags, widgets, CDNs): faster, but pages may render less.",
)
@plan_option
def scan_command(
    urls: tuple[str, ...], out: Path, resume: bool, plan: PlanSource | None, **settings: Any
) -> None:
    """Crawl URLS (same site) in headless Chromium and write the plan and container to OUT."""
    analysis, crawl_settings = split_options(settings)
    options = ScanOptions(crawl=CrawlOptions(**crawl_settings), analysis=analysis)
    previous = _previous_scan(list(urls), out) if resume else None
    _scan_and_write(list(urls), out, options, previous, plan)


def _previous_scan(urls: list[str], out: Path) -> Site | None:
    """The record --resume continues: OUT/site.json, when it scanned the same start pages."""
    if not (out / "site.json").exists():
        click.echo(f"nothing to resume in {out}/; starting a new scan", err=True)
        return None
    previous = read_site(out / "site.json")
    if sorted({check_url(url) for url in urls}) != previous.start_urls:
        raise BadArgument(
            f"{out}/site.json is a scan of other start pages ({', '.join(previous.start_urls)});"
            " give the same URLs or another output directory."
        )
    click.echo(f"resuming: {len(previous.pages)} page(s) already scanned", err=True)
    return previous


@cli.command()
@out_option(SCAN_OUT_HELP)
@click.option(
    "--port",
    default=DEMO_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 for the demo site (0: any free port).",
)
@with_crawl_options
def demo(out: Path, port: int, **settings: Any) -> None:
    """Serve the bundled demo shop on 127.0.0.1 and scan it into OUT (other hosts blocked)."""
    analysis, crawl_settings = split_options(settings)
    options = ScanOptions(
        crawl=CrawlOptions(**crawl_settings, block_third_party=True), analysis=analysis
    )
    with serve_directory(resource_dir("fixtures/demo"), port) as base_url:
        click.echo(f"serving the demo site on {base_url}", err=True)
        _scan_and_write([base_url], out, options)


@cli.command(name="analyze")
@click.argument("site_json", type=click.Path(dir_okay=False, path_type=Path))
@out_option(
    "Directory to write the plan, hand-off, audiences and container into, with the crawl "
    "record that plan.yaml names."
)
@type_option
@measurement_option
@meta_option
@google_ads_option
@events_option
@rules_option
def analyze_command(site_json: Path, out: Path, **given: Any) -> None:
    """Rebuild findings, plan and container from a site.json, without a browser."""
    site = read_site(site_json)
    options = analysis_options(site.settings, **given)
    write_outputs(analyze(site, options), SCAN_OUTPUTS, out)
    write_shots(_shots_beside(site, site_json.parent), out)
    click.echo(f"analyzed {len(site.pages)} page(s); wrote {out}/", err=True)


def _shots_beside(site: Site, directory: Path) -> dict[str, bytes]:
    """The screenshots the scan wrote beside its site.json (for the report in another OUT)."""
    names = {name for page in site.pages for name in page.shots.values()}
    return {
        name: (directory / SHOTS_DIRECTORY / name).read_bytes()
        for name in sorted(names)
        if (directory / SHOTS_DIRECTORY / name).is_file()
    }


cli.add_command(verify_command)
cli.add_command(validate_command)


@cli.group()
def rules() -> None:
    """List and check rule packs."""


@rules.command(name="list")
@rules_option
def rules_list(rules_dir: Path | None) -> None:
    """Print every rule: id, kind, target, title and the file it comes from."""
    rule_set = rules_for(analysis_options(AnalysisOptions(), rules_dir=rules_dir))
    for pack in rule_set.packs:
        business_type = pack.spec.business_type or "all sites"
        click.echo(f"{pack.path}  ({business_type}: {pack.spec.description})")
        for rule in (r for r in rule_set.rules if r.source == str(pack.path)):
            click.echo(f"  {rule.id:<36} {rule.kind:<16} {rule.target:<8} {rule.title}")


@rules.command(name="check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def rules_check(directory: Path | None) -> None:
    """Validate the rule packs of DIRECTORY on top of the bundled ones (default: the bundled)."""
    rule_set = rules_for(analysis_options(AnalysisOptions(), rules_dir=directory))
    click.echo(f"ok: {len(rule_set.packs)} packs, {len(rule_set.rules)} rules")


def _scan_and_write(
    urls: list[str],
    out: Path,
    options: ScanOptions,
    previous: Site | None = None,
    plan: PlanSource | None = None,
) -> None:
    check_writable(out)
    if options.crawl.ignore_robots:
        click.echo("warning: --ignore-robots: robots.txt rules are not obeyed", err=True)
    progress = ProgressBar()
    try:
        result = scan(urls, options, progress, previous, plan)
    finally:
        progress.close()
    write_outputs(result.analysis, SCAN_OUTPUTS, out)
    write_shots(result.shots, out)
    click.echo(f"scanned {len(result.site.pages)} page(s); wrote {out}/", err=True)
    if plan is not None:
        click.echo(kept_summary(result.analysis.plan), err=True)
    _report_partial(result, out)


for command in plan_commands:
    cli.add_command(command)


def _report_partial(result: ScanResult, out: Path) -> None:
    """A scan that stopped early or lost a start page still fails, after writing."""
    if result.interrupted:
        raise Interrupted(
            f"interrupted; what was gathered is in {out}/ (the same command with --resume "
            "continues)."
        )
    failed = result.failed_start_pages()
    if failed:
        error = next(e.error for e in result.site.errors if e.url == failed[0])
        raise PartialScan(
            f"{error} {len(failed)} of {len(result.site.start_urls)} start page(s) failed; the "
            f"others were scanned and written to {out}/."
        )


cli.add_command(batch_command)
cli.add_command(worker_command)
