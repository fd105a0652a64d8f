"""The library API: scan a site, analyze a crawl record, write the outputs.

    import scanner
    result = scanner.scan(["https://shop.example/"], scanner.ScanOptions())
    print(result.analysis.plan.business_type.type)
    scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, Path("out"))

Errors are ScannerError subclasses (scanner.errors) whose message says what to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from scanner import analysis
from scanner.analysis.classify import evidence_selectors
from scanner.analysis.decisions import apply_decisions
from scanner.analysis.drift import Scan, diff
from scanner.analysis.plan_file import read_plan_file
from scanner.analysis.rules import RuleSet, rules_for
from scanner.analysis.validation import validate_plan
from scanner.analysis.verify import page_requests, read_container, verify_container
from scanner.analytics import ExportOptions, count_export
from scanner.crawl import CrawlOptions, Progress, crawl
from scanner.crawl.inspect import inspect_pages
from scanner.errors import BadInput, Interrupted, SiteUnavailable
from scanner.models import (
    BUSINESS_TYPES,
    Analysis,
    AnalysisOptions,
    Finding,
    Plan,
    PlanDiff,
    PlanFile,
    Site,
    Tracking,
    read_plan_events,
    read_site,
)

T = TypeVar("T")


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
    plan: PlanSource | None = None,
) -> ScanResult:
    """Crawl the site from `urls` and analyze what was found.

    The rule packs are loaded first, so a broken one fails before the browser starts. Raises
    SiteUnavailable when no page could be scanned, Interrupted when Ctrl-C came before any
    page was; a crawl interrupted later returns what it gathered, with `interrupted` set.
    With a `plan`, the analyst's decisions are kept and only what is new is proposed."""
    rules = rules_for(options.analysis)
    crawl_options = replace(options.crawl, shots=partial(evidence_selectors, rules=rules))
    result = crawl(urls, crawl_options, progress, resume)
    site = result.site
    if not site.pages:
        if result.interrupted:
            raise Interrupted("interrupted before any page was scanned; nothing was gathered.")
        raise SiteUnavailable(site.errors[0].error if site.errors else "no page could be loaded.")
    found = analysis.analyze(site, options.analysis, rules)
    if plan is not None:
        found = _keep_decisions(found, plan, rules)
    return ScanResult(found, result.interrupted, result.shots)


def analyze(site: Site, options: AnalysisOptions | None = None) -> Analysis:
    """Findings, business type and plan for a crawl record, with the options it records
    unless others are given: `analyze(read_site(path))` replays a scan exactly."""
    chosen = options if options is not None else site.settings
    return analysis.analyze(site, chosen, rules_for(chosen))


@dataclass(frozen=True)
class PlanSource:
    """A plan.yaml and the crawl record it names (None when it names none, or that file is
    not there: the plan then stands on its decisions alone)."""

    path: Path
    decisions: PlanFile
    site: Site | None

    @property
    def crawl_path(self) -> Path | None:
        return self.path.parent / self.decisions.crawl if self.decisions.crawl else None


def load_plan(path: Path) -> PlanSource:
    """Read and check a plan.yaml, and the crawl record beside it that it names."""
    decisions = read_plan_file(path)
    source = PlanSource(path, decisions, None)
    crawl_path = source.crawl_path
    if crawl_path is None or not crawl_path.exists():
        return source
    site = read_site(crawl_path)
    if site.start_urls[:1] != [decisions.site]:
        raise BadInput(
            f"{path}: crawl: {crawl_path} is a scan of {', '.join(site.start_urls)}, not of "
            f"{decisions.site}; name the site.json of this plan's scan."
        )
    return PlanSource(path, decisions, site)


def export(plan: PlanSource) -> Analysis:
    """The analysis a plan.yaml stands for: its crawl analyzed again with the plan's business
    type and IDs, and the analyst's events on it (without a crawl: a site with no pages)."""
    decided = plan.decisions
    site = plan.site or Site(start_urls=[decided.site])
    options = site.settings.model_copy(
        update={
            "events": decided.container_events,
            "meta_pixel_id": decided.meta_pixel_id,
            "google_ads_id": decided.google_ads_id,
        }
    )
    rules = rules_for(options)  # the plan's business type and IDs leave the packs as they are
    proposal = analysis.analyze(site, options, rules)
    changed: dict[str, str] = {}
    if decided.business_type != proposal.plan.business_type.type:
        if decided.business_type not in BUSINESS_TYPES:
            raise BadInput(
                f"{plan.path}: business_type: '{decided.business_type}' is not one of "
                f"{', '.join(BUSINESS_TYPES)}; fix it and run again."
            )
        changed["business_type"] = decided.business_type
    if decided.measurement_id != proposal.plan.measurement_id:
        changed["measurement_id"] = decided.measurement_id
    if changed:
        options = options.model_copy(update=changed)
        proposal = analysis.analyze(site, options, rules)
    return _with_decisions(proposal, plan, rules)


def keep_decisions(found: Analysis, plan: PlanSource) -> Analysis:
    """A new scan's analysis with the plan's decisions kept: what the analyst changed stays,
    what they left as the plan's own crawl proposed follows this scan, events they removed stay
    removed; what is new is added (status new), planned events no longer found are gone."""
    return _keep_decisions(found, plan, rules_for(found.site.settings))


def _keep_decisions(found: Analysis, plan: PlanSource, rules: RuleSet) -> Analysis:
    """keep_decisions with the rule packs `found` was analyzed with, already loaded."""
    previous = None
    if plan.site is not None:
        same = plan.site.settings.rules == found.site.settings.rules
        earlier = rules if same else rules_for(plan.site.settings)
        previous = analysis.analyze(plan.site, plan.site.settings, earlier).plan
    return _with_decisions(found, plan, rules, previous, rescan=True)


def _with_decisions(
    found: Analysis,
    plan: PlanSource,
    rules: RuleSet,
    previous: Plan | None = None,
    rescan: bool = False,
) -> Analysis:
    decided = apply_decisions(found.plan, plan.decisions, found.site, rules, previous, rescan)
    return Analysis(site=found.site, findings=found.findings, plan=decided)


class TrackingOfPlan(BaseModel):
    """What diff reads of a plan.json: the site's own tracking."""

    existing_tracking: Tracking = Tracking()


def compare(old: Path, new: Path) -> PlanDiff:
    """What changed between two scans (output directories) or two plan.yaml files; the
    findings.json and plan.json beside a plan add the kinds per template and the tracking."""
    return diff(load_scan(old), load_scan(new))


def load_scan(path: Path) -> Scan:
    plan_path = path / "plan.yaml" if path.is_dir() else path
    if path.is_dir() and not plan_path.exists():
        raise BadInput(
            f"{path}/ holds no plan.yaml; give a scan's output directory or a plan.yaml "
            f"(`scanner analyze {path}/site.json -o {path}` writes one)."
        )
    decisions = read_plan_file(plan_path)
    findings_path = plan_path.parent / "findings.json"
    record_path = plan_path.parent / "plan.json"
    findings = _read_json(findings_path, FINDINGS) if findings_path.exists() else None
    record = _read_json(record_path, RECORD) if record_path.exists() else None
    tracking = record.existing_tracking if record is not None else None
    return Scan(plan=decisions, findings=findings, tracking=tracking)


FINDINGS = TypeAdapter(list[Finding])
RECORD = TypeAdapter(TrackingOfPlan)


def _read_json(path: Path, shape: TypeAdapter[T]) -> T:
    try:
        return shape.validate_python(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, ValidationError) as error:
        first = str(error).splitlines()[0]
        raise BadInput(f"{path}: not an output of this scanner ({first}).") from None


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


def validate(out: Path, events: ExportOptions) -> Analysis:
    """The plan in a scan's output folder `out`, checked against an analytics export: the
    analysis of its site.json, with the analyst's plan.yaml decisions when it holds one, and a
    validation (every event judged by the data)."""
    planned = read_plan_events(out / "plan.json")
    site_json = out / "site.json"
    if not site_json.is_file():
        raise BadInput(
            f"{out}: no site.json beside plan.json; give the output folder of 'scanner scan', "
            "which holds both."
        )
    plan_yaml = out / "plan.yaml"  # the analyst's decisions, when the scan wrote them
    analysis = (
        export(load_plan(plan_yaml)) if plan_yaml.is_file() else analyze(read_site(site_json))
    )
    if planned != [event.event for event in analysis.plan.events]:
        raise BadInput(
            f"{out}/plan.json is not the plan of {site_json} and {plan_yaml.name}; rebuild "
            f"it with 'scanner export {plan_yaml} -o {out}' first."
            if plan_yaml.is_file()
            else f"{out}/plan.json is not the plan of {site_json} with its recorded settings; "
            f"rebuild it with 'scanner analyze {site_json} -o {out}' first."
        )
    macros = [event.event for event in analysis.plan.events if event.conversion == "macro"]
    if not macros:
        raise BadInput(f"{out}/plan.json plans no macro conversion to validate against.")
    facts = count_export(events, macros)
    return replace(analysis, validation=validate_plan(analysis.plan, facts))
