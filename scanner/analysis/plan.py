"""The plan stage: turn findings into a prioritised list of GA4 events with triggers (pure).

It decides; the words that explain its decisions are written by scanner/outputs/prose.py."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from scanner.analysis.rules import KindPlan, RuleSet
from scanner.analysis.selectors import Control, controls, trigger_selectors
from scanner.models import (
    AnalysisOptions,
    BusinessTypeGuess,
    CrawlError,
    Destinations,
    Finding,
    Plan,
    PlannedEvent,
    Site,
    Tracking,
    TriggerSpec,
)

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
# Kinds caught by the link's address (tel:, mailto:, wa.me...) rather than by a CSS selector:
# the address says what the link does wherever it appears.
LINK_KINDS = frozenset({"phone_link", "email_link", "messaging_link"})
PLACEHOLDER_MEASUREMENT_ID = "G-XXXXXXXXXX"
DATALAYER_EVENT = re.compile(r'"event":"([^"]{1,80})"')


def build_plan(
    site: Site,
    findings: list[Finding],
    business: BusinessTypeGuess,
    rules: RuleSet,
    options: AnalysisOptions,
) -> Plan:
    """One planned event per kind found, sorted by priority, with GTM trigger and parameters."""
    enhanced = {rule.id: rule.enhanced_measurement for rule in rules.rules}
    by_kind: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_kind[finding.kind].append(finding)
    crawl = CrawlIndex(controls=controls(site), pages=[page.url for page in site.pages])
    events = [
        _event(
            kind,
            group,
            rules.kind_plan(kind, business.type),
            sorted({enhanced.get(f.rule, "") for f in group}),
            crawl,
        )
        for kind, group in sorted(by_kind.items())
    ]
    events = _drop_duplicate_page_events(events)
    events.sort(
        key=lambda e: (PRIORITY_ORDER[e.priority], e.conversion != "macro", e.event, e.kind)
    )
    existing = existing_tracking(site)
    measurement_id, source = _measurement_id(options.measurement_id, existing.ga4)
    return Plan(
        site=site.start_urls[0] if site.start_urls else "",
        measurement_id=measurement_id,
        measurement_id_source=source,
        existing_tracking=existing,
        business_type=business,
        pages_scanned=len(site.pages),
        events=events,
        not_seen=[k for k in rules.kinds_that_matter(business.type) if k not in by_kind],
        crawl_errors=site.errors,
        obstacles=[CrawlError(url=p.url, error=p.obstacle) for p in site.pages if p.obstacle],
    )


@dataclass(frozen=True)
class CrawlIndex:
    """What planning one event needs to know of the whole crawl, to generalise triggers safely."""

    controls: list[Control]
    pages: list[str]

    def hrefs(self, findings: list[Finding]) -> list[str]:
        """The link addresses (as written in the page) of these findings."""
        wanted = {(f.page, f.selector) for f in findings}
        return sorted(
            {
                c.attrs["href"]
                for c in self.controls
                if (c.page, c.selector) in wanted and c.attrs.get("href")
            }
        )


def _event(
    kind: str, findings: list[Finding], settings: KindPlan, notes: list[str], crawl: CrawlIndex
) -> PlannedEvent:
    """`notes`: the enhanced-measurement notes of the rules behind the findings ('' for none).
    When every rule says enhanced measurement collects the kind, no trigger is planned."""
    target = _main_target(findings)
    if target in ("element", "form"):
        selectors = trigger_selectors(crawl.controls, (f for f in findings if _target(f) == target))
    else:
        selectors = sorted({f.selector for f in findings if _target(f) == target})
    trigger, parameters = _trigger(kind, settings.event, findings, selectors, target, crawl)
    if notes and all(notes):
        trigger, parameters, note = TriggerSpec(type="enhanced_measurement"), {}, notes[0]
    else:
        note = " ".join(n for n in notes if n)
    return PlannedEvent(
        event=settings.event,
        kind=kind,
        title=settings.title,
        why=settings.why,
        priority=settings.priority,
        funnel_stage=settings.funnel_stage,
        conversion=settings.conversion,
        key_event=settings.key_event,
        trigger=trigger,
        parameters=parameters,
        destinations=Destinations(meta=settings.meta, google_ads=settings.google_ads),
        enhanced_measurement=note,
        pages=sorted({f.page for f in findings}),
        findings=len(findings),
        selectors=[] if target == "page" else selectors,
    )


def _trigger(
    kind: str,
    event: str,
    findings: list[Finding],
    selectors: list[str],
    target: str,
    crawl: CrawlIndex,
) -> tuple[TriggerSpec, dict[str, str]]:
    extra = {"lead_type": kind} if event == "generate_lead" else {}
    if target == "page":
        regex = page_path_regex(sorted({f.page for f in findings}), crawl.pages)
        return TriggerSpec(type="page_view", page_path_regex=regex), extra
    if kind in LINK_KINDS and target == "element":
        regex = link_url_regex(crawl.hrefs(findings))
        return (
            TriggerSpec(type="link_click", url_regex=regex),
            {"link_url": "{{Click URL}}", "link_text": "{{Click Text}}", **extra},
        )
    if target == "frame":
        return TriggerSpec(type="custom_event"), extra
    if target == "form":
        return (
            TriggerSpec(type="form_submit", selectors=selectors),
            {"form_id": "{{Form ID}}", "form_destination": "{{Form URL}}", **extra},
        )
    return (
        TriggerSpec(type="click", selectors=selectors),
        {"click_text": "{{Click Text}}", "click_url": "{{Click URL}}", **extra},
    )


def existing_tracking(site: Site) -> Tracking:
    """The tracking of every page, merged; for the dataLayer, the event names pushed."""
    merged: dict[str, set[str]] = defaultdict(set)
    for page in site.pages:
        for name, values in page.tracking.model_dump().items():
            if name == "datalayer":
                values = [m.group(1) for v in values if (m := DATALAYER_EVENT.search(v))]
            merged[name].update(values)
    return Tracking(**{name: sorted(values) for name, values in merged.items()})


def _measurement_id(
    given: str, found: list[str]
) -> tuple[str, Literal["option", "site", "placeholder"]]:
    if given:
        return given, "option"
    if len(found) == 1:
        return found[0], "site"
    return PLACEHOLDER_MEASUREMENT_ID, "placeholder"


def _main_target(findings: list[Finding]) -> str:
    """The target most findings of a kind have: a kind found on pages is planned as a page
    view; one found on forms as a submission; otherwise as a click (frames when only frames)."""
    targets = {_target(f) for f in findings}
    for target in ("page", "form", "element"):
        if target in targets:
            return target
    return "frame"


def _target(finding: Finding) -> str:
    """Controls inside a same-origin iframe are planned like embeds: the page's GTM never sees
    what happens inside a frame."""
    return "frame" if finding.in_iframe else finding.target


def page_path_regex(pages: list[str], site_pages: list[str]) -> str:
    """An anchored regex for the paths of these pages that also covers pages not crawled.

    Two or more pages in one directory become `dir/[^/]+` when no other crawled page of that
    directory lacks the kind (so /products/a and /products/b give every product page);
    otherwise the exact paths are kept.
    """
    paths = sorted({_path(page) for page in pages})
    others = {_path(page) for page in site_pages} - set(paths)
    by_directory: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        by_directory[path.rsplit("/", 1)[0] if path.count("/") > 1 else path].append(path)
    alternatives = []
    for directory, members in sorted(by_directory.items()):
        template = f"{re.escape(directory)}/[^/]+"
        if len(members) > 1 and not any(re.fullmatch(template, other) for other in others):
            alternatives.append(template)
        else:
            alternatives += [re.escape(path) for path in members]
    return "^(" + "|".join(alternatives) + ")$"


def link_url_regex(hrefs: list[str]) -> str:
    """A regex for these links' scheme (tel:, mailto:, whatsapp:) or web host (wa.me)."""
    prefixes = set()
    for href in hrefs:
        parts = urlsplit(href.strip())
        if parts.scheme.lower() in ("http", "https"):
            host = (parts.hostname or "").removeprefix("www.")
            prefixes.add(rf"https?://(www\.)?{re.escape(host)}/")
        else:
            prefixes.add(re.escape(parts.scheme.lower() + ":"))
    return "^(" + "|".join(sorted(prefixes)) + ")"


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _drop_duplicate_page_events(events: list[PlannedEvent]) -> list[PlannedEvent]:
    """When a page view and a click send the same event (view_cart, begin_checkout), keep the
    page view: it also counts visitors who got there without that click, and never twice.
    Form submissions are kept: they are the conversion, not a way to a page."""
    page_events = {e.event for e in events if e.trigger.type == "page_view"}
    return [e for e in events if e.trigger.type != "click" or e.event not in page_events]
