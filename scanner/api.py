"""The library API: scan a site, analyze a crawl record, write the outputs.

    import scanner
    result = scanner.scan(["https://shop.example/"], scanner.ScanOptions())
    print(result.analysis.plan.business_type.type)
    scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, Path("out"))

Errors are ScannerError subclasses (scanner.errors) whose message says what to do.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from scanner import analysis
from scanner.analysis.rules import rules_for
from scanner.analysis.validation import validate_plan
from scanner.analytics import ExportOptions, count_export
from scanner.crawl import CrawlOptions, Progress, crawl
from scanner.errors import BadInput, Interrupted, SiteUnavailable
from scanner.models import Analysis, AnalysisOptions, Site, read_plan_events, read_site


@dataclass(frozen=True)
class ScanOptions:
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)


@dataclass(frozen=True)
class ScanResult:
    analysis: Analysis  # analysis.site is the crawl record
    interrupted: bool  # Ctrl-C stopped the crawl: the analysis is of what was gathered

    @property
    def site(self) -> Site:
        return self.analysis.site

    def failed_start_pages(self) -> list[str]:
        """Start pages that could not be scanned (the others were)."""
        return [error.url for error in self.site.errors if error.url in self.site.start_urls]


def scan(
    urls: list[str],
    options: ScanOptions,
    progress: Progress | None = None,
    resume: Site | None = None,
) -> ScanResult:
    """Crawl the site from `urls` and analyze what was found.

    The rule packs are loaded first, so a broken one fails before the browser starts. Raises
    SiteUnavailable when no page could be scanned, Interrupted when Ctrl-C came before any
    page was; a crawl interrupted later returns what it gathered, with `interrupted` set."""
    rules = rules_for(options.analysis)
    result = crawl(urls, options.crawl, progress, resume)
    site = result.site
    if not site.pages:
        if result.interrupted:
            raise Interrupted("interrupted before any page was scanned; nothing was gathered.")
        raise SiteUnavailable(site.errors[0].error if site.errors else "no page could be loaded.")
    return ScanResult(analysis.analyze(site, options.analysis, rules), result.interrupted)


def analyze(site: Site, options: AnalysisOptions | None = None) -> Analysis:
    """Findings, business type and plan for a crawl record, with the options it records
    unless others are given: `analyze(read_site(path))` replays a scan exactly."""
    chosen = options if options is not None else site.settings
    return analysis.analyze(site, chosen, rules_for(chosen))


def validate(out: Path, export: ExportOptions) -> Analysis:
    """The plan in a scan's output folder `out`, checked against an analytics export: the
    analysis of its site.json with a validation (every event judged by the data)."""
    planned = read_plan_events(out / "plan.json")
    site_json = out / "site.json"
    if not site_json.is_file():
        raise BadInput(
            f"{out}: no site.json beside plan.json; give the output folder of 'scanner scan', "
            "which holds both."
        )
    analysis = analyze(read_site(site_json))
    if planned != [event.event for event in analysis.plan.events]:
        raise BadInput(
            f"{out}/plan.json is not the plan of {site_json} with its recorded settings; "
            f"rebuild it with 'scanner analyze {site_json} -o {out}' first."
        )
    macros = [event.event for event in analysis.plan.events if event.conversion == "macro"]
    if not macros:
        raise BadInput(f"{out}/plan.json plans no macro conversion to validate against.")
    facts = count_export(export, macros)
    return dataclasses.replace(analysis, validation=validate_plan(analysis.plan, facts))
