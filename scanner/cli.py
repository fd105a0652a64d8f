"""Command-line interface: a thin shell over crawl, analyze, render and the rule packs."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scanner.crawl import CrawlOptions, crawl
from scanner.errors import EXIT_INPUT, EXIT_SITE, EXIT_USAGE, ScannerError
from scanner.models import BUSINESS_TYPES, ScanSettings, Site
from scanner.pipeline import Analysis, analyze, read_site
from scanner.render import write_outputs, write_site
from scanner.resources import resource_dir
from scanner.rules import RuleSet, load_rules
from scanner.serve import serve_directory
from scanner.urls import check_url

MEASUREMENT_ID = re.compile(r"^G-[A-Z0-9]{4,16}$")
DEMO_PORT = 8765
F = TypeVar("F", bound=Callable[..., Any])


def main() -> None:
    """Entry point: run the click group, turning ScannerError into one line and an exit code."""
    try:
        cli(standalone_mode=False)
    except ScannerError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)


@click.group()
@click.version_option(package_name="tracking-plan-scanner")
def cli() -> None:
    """Scan a website and propose a GA4 tracking plan and an importable GTM container.

    \b
    Exit codes: 0 done, 2 malformed argument, 3 site could not be scanned,
    4 unreadable or invalid input file, 5 no usable browser, 130 interrupted.
    """


type_option = click.option(
    "--type",
    "business_type",
    type=click.Choice(["auto", *BUSINESS_TYPES]),
    default=None,
    help="Business type; 'auto' (the default for scan) detects it.",
)
measurement_option = click.option(
    "--measurement-id",
    default=None,
    metavar="G-XXXXXXX",
    help="GA4 measurement ID for the container (default: a placeholder to replace in GTM).",
)
rules_option = click.option(
    "--rules",
    "rules_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of rule packs that add to or replace the bundled ones (same file name).",
)


def _number_option(
    flag: str, field: str, low: int, high: int | None, help_text: str
) -> Callable[[F], F]:
    """A whole-number crawl option whose default is CrawlOptions' own."""
    return click.option(
        flag,
        field,
        default=getattr(CrawlOptions(), field),
        show_default=True,
        type=click.IntRange(low, high),
        help=help_text,
    )


crawl_options = [
    _number_option("--max-pages", "max_pages", 1, None, "Stop after this many pages."),
    _number_option(
        "--depth",
        "depth",
        0,
        None,
        "How many links away from the start pages to go (0: only them).",
    ),
    _number_option(
        "--concurrency", "concurrency", 1, 16, "Pages loaded at once (also the most per host)."
    ),
    _number_option(
        "--sample-per-template",
        "sample_per_template",
        0,
        None,
        "Pages crawled per URL template such as /products/<slug> (0: no sampling).",
    ),
    click.option("--same-host", is_flag=True, help="Stay on the start host (default: same site)."),
    click.option(
        "--allow-host",
        "allowed_hosts",
        multiple=True,
        metavar="HOST",
        help="Also crawl this host (repeatable).",
    ),
    click.option(
        "--include",
        multiple=True,
        metavar="REGEX",
        help="Only crawl addresses matching this regex (repeatable).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="REGEX",
        help="Never crawl addresses matching this regex (repeatable).",
    ),
    click.option(
        "--ignore-robots", is_flag=True, help="Do not obey robots.txt (a warning is printed)."
    ),
    click.option(
        "--consent",
        type=click.Choice(["accept", "reject", "none"]),
        default=CrawlOptions().consent,
        show_default=True,
        help="What to click on a cookie consent banner (tags often load only after accept).",
    ),
    type_option,
    measurement_option,
    rules_option,
    click.option(
        "--browser",
        default=None,
        metavar="PATH",
        help="Chromium or Chrome executable (default: $SCANNER_BROWSER, "
        "Playwright's Chromium, then chromium on PATH).",
    ),
]


def with_crawl_options(func: F) -> F:
    for option in reversed(crawl_options):
        func = option(func)
    return func


def _settings(
    business_type: str | None,
    measurement_id: str | None,
    rules_dir: Path | None,
    base: ScanSettings,
) -> ScanSettings:
    if measurement_id is not None and not MEASUREMENT_ID.match(measurement_id):
        raise click.BadParameter(
            f"'{measurement_id}' is not a GA4 measurement ID (G- followed by letters and digits).",
            param_hint="--measurement-id",
        )
    return ScanSettings(
        business_type=business_type or base.business_type,
        measurement_id=measurement_id if measurement_id is not None else base.measurement_id,
        rules=str(rules_dir.resolve()) if rules_dir is not None else base.rules,
    )


def _rules(settings: ScanSettings) -> RuleSet:
    """The bundled rule packs, with those of `settings.rules` on top."""
    extra = [Path(settings.rules)] if settings.rules else []
    return load_rules(resource_dir("rules"), *extra)


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write site.json, findings.json, plan.json, plan.md and "
    "gtm-container.json into.",
)
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
def scan(
    urls: tuple[str, ...],
    out: Path,
    business_type: str | None,
    measurement_id: str | None,
    rules_dir: Path | None,
    resume: bool,
    **crawl_settings: Any,
) -> None:
    """Crawl URLS (same site) in headless Chromium and write the plan and container to OUT."""
    settings = _settings(business_type, measurement_id, rules_dir, ScanSettings())
    previous = _previous_scan(list(urls), out) if resume else None
    _scan_and_write(list(urls), out, CrawlOptions(**crawl_settings), settings, previous)


def _previous_scan(urls: list[str], out: Path) -> Site | None:
    """The record --resume continues: OUT/site.json, when it scanned the same start pages."""
    if not (out / "site.json").exists():
        click.echo(f"nothing to resume in {out}/; starting a new scan", err=True)
        return None
    previous = read_site(out / "site.json")
    if sorted({check_url(url) for url in urls}) != previous.start_urls:
        raise ScannerError(
            f"{out}/site.json is a scan of other start pages ({', '.join(previous.start_urls)});"
            " give the same URLs or another output directory.",
            EXIT_USAGE,
        )
    click.echo(f"resuming: {len(previous.pages)} page(s) already scanned", err=True)
    return previous


@cli.command()
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory.",
)
@click.option(
    "--port",
    default=DEMO_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 for the demo site (0: any free port).",
)
@with_crawl_options
def demo(
    out: Path,
    port: int,
    business_type: str | None,
    measurement_id: str | None,
    rules_dir: Path | None,
    **crawl_settings: Any,
) -> None:
    """Serve the bundled demo shop on 127.0.0.1 and scan it into OUT (other hosts blocked)."""
    settings = _settings(business_type, measurement_id, rules_dir, ScanSettings())
    options = CrawlOptions(**crawl_settings, block_third_party=True)
    with serve_directory(resource_dir("fixtures/demo"), port) as base_url:
        click.echo(f"serving the demo site on {base_url}", err=True)
        _scan_and_write([base_url], out, options, settings)


@cli.command(name="analyze")
@click.argument("site_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output directory.",
)
@type_option
@measurement_option
@rules_option
def analyze_command(
    site_json: Path,
    out: Path,
    business_type: str | None,
    measurement_id: str | None,
    rules_dir: Path | None,
) -> None:
    """Rebuild findings, plan and container from a site.json, without a browser."""
    site = read_site(site_json)
    settings = _settings(business_type, measurement_id, rules_dir, site.settings)
    site = site.model_copy(update={"settings": settings})
    _write(out, analyze(site, _rules(settings)))
    click.echo(f"analyzed {len(site.pages)} page(s); wrote {out}/", err=True)


@cli.group()
def rules() -> None:
    """List and check rule packs."""


@rules.command(name="list")
@rules_option
def rules_list(rules_dir: Path | None) -> None:
    """Print every rule: id, kind, target, title and the file it comes from."""
    rule_set = _rules(_settings(None, None, rules_dir, ScanSettings()))
    for pack in rule_set.packs:
        business_type = pack.spec.business_type or "all sites"
        click.echo(f"{pack.path}  ({business_type}: {pack.spec.description})")
        for rule in (r for r in rule_set.rules if r.source == str(pack.path)):
            click.echo(f"  {rule.id:<36} {rule.kind:<16} {rule.target:<8} {rule.title}")


@rules.command(name="check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def rules_check(directory: Path | None) -> None:
    """Validate the rule packs of DIRECTORY on top of the bundled ones (default: the bundled)."""
    rule_set = _rules(_settings(None, None, directory, ScanSettings()))
    click.echo(f"ok: {len(rule_set.packs)} packs, {len(rule_set.rules)} rules")


def _scan_and_write(
    urls: list[str],
    out: Path,
    options: CrawlOptions,
    settings: ScanSettings,
    previous: Site | None = None,
) -> None:
    rule_set = _rules(settings)  # a broken rule pack fails before the crawl
    result = crawl(urls, options, settings, previous)
    site = result.site
    if result.interrupted and not site.pages:
        raise ScannerError("interrupted before any page was scanned; nothing written.", 130)
    if not site.pages:
        first = site.errors[0].error if site.errors else "no page could be loaded."
        raise ScannerError(first, EXIT_SITE)
    _write(out, analyze(site, rule_set), site)
    click.echo(f"scanned {len(site.pages)} page(s); wrote {out}/", err=True)
    failed_starts = [e for e in site.errors if e.url in site.start_urls]
    if result.interrupted:
        raise ScannerError(
            f"interrupted; what was gathered is in {out}/ (the same command with --resume "
            "continues).",
            130,
        )
    if failed_starts:
        raise ScannerError(
            f"{failed_starts[0].error} The other pages were scanned and written to {out}/.",
            EXIT_SITE,
        )


def _write(out: Path, analysis: Analysis, site: Site | None = None) -> None:
    try:
        if site is not None:
            write_site(site, out)
        write_outputs(analysis.findings, analysis.plan, analysis.container, out)
    except OSError as error:
        raise ScannerError(f"cannot write to {out}: {error.strerror}.", EXIT_INPUT) from None
