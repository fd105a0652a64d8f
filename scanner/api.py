"""The library API: scan a site, analyze a crawl record, write the outputs.

    import scanner
    result = scanner.scan(["https://shop.example/"], scanner.ScanOptions())
    print(result.analysis.plan.business_type.type)
    scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, Path("out"))

Errors are ScannerError subclasses (scanner.errors) whose message says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from scanner import analysis
from scanner.analysis.classify import evidence_selectors
from scanner.analysis.rules import rules_for
from scanner.analysis.verify import page_requests, read_container, verify_container
from scanner.crawl import CrawlOptions, Progress, crawl
from scanner.crawl.inspect import inspect_pages
from scanner.errors import Interrupted, SiteUnavailable
from scanner.models import Analysis, AnalysisOptions, Site


@dataclass(frozen=True)
class ScanOptions:
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    analysis: AnalysisOptions = field(default_factory=AnalysisOptions)


@dataclass(frozen=True)
class ScanResult:
    analysis: Analysis  # analysis.site is the crawl record
    interrupted: bool  # Ctrl-C stopped the crawl: the analysis is of what was gathered
    shots: dict[str, bytes] = field(default_factory=dict)  # screenshots by file name

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
    crawl_options = replace(options.crawl, shots=partial(evidence_selectors, rules=rules))
    result = crawl(urls, crawl_options, progress, resume)
    site = result.site
    if not site.pages:
        if result.interrupted:
            raise Interrupted("interrupted before any page was scanned; nothing was gathered.")
        raise SiteUnavailable(site.errors[0].error if site.errors else "no page could be loaded.")
    return ScanResult(
        analysis.analyze(site, options.analysis, rules), result.interrupted, result.shots
    )


def analyze(site: Site, options: AnalysisOptions | None = None) -> Analysis:
    """Findings, business type and plan for a crawl record, with the options it records
    unless others are given: `analyze(read_site(path))` replays a scan exactly."""
    chosen = options if options is not None else site.settings
    return analysis.analyze(site, chosen, rules_for(chosen))


def verify(
    site: Site, container: Any, container_name: str, origin: str = "", browser: str | None = None
) -> Analysis:
    """The analysis of a scan with `verification` set: every tag of the container (a parsed GTM
    export) evaluated, the way GTM does, on the scanned pages loaded from `origin` (the same
    paths on another origin, such as staging; '' for the scanned site). Nothing is clicked or
    submitted; only the consent banner is answered, as in the crawl."""
    rules = rules_for(site.settings)
    result = analysis.analyze(site, site.settings, rules)
    parsed = read_container(container, container_name)
    requests = page_requests(result, origin)
    seen = inspect_pages(
        [(r.url, r.controls, r.forms) for r in requests], parsed.css_selectors(), browser
    )
    checked = verify_container(result, rules, parsed, requests, seen, origin, container_name)
    return replace(result, verification=checked)
