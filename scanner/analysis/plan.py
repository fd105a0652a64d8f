"""The plan stage: turn findings into a prioritised list of GA4 events with triggers (pure).

It decides; the words that explain its decisions are written by scanner/outputs/prose.py."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from scanner.analysis import gaps, signals
from scanner.analysis.rules import KindPlan, RuleSet
from scanner.analysis.selectors import (
    Control,
    TriggerSelectors,
    catchable,
    controls,
    trigger_selectors,
)
from scanner.models import (
    KINDS,
    AnalysisOptions,
    BusinessTypeGuess,
    CrawlError,
    Destinations,
    Finding,
    ListenerName,
    Plan,
    PlannedEvent,
    Product,
    Site,
    Tracking,
    TriggerCheck,
    TriggerSpec,
)
from scanner.url_templates import split_url, template

# Kinds caught by the link's address (tel:, mailto:, wa.me...) rather than by a CSS selector:
# the address says what the link does wherever it appears.
LINK_KINDS = frozenset({"phone_link", "email_link", "messaging_link"})
# What each listener tag pushes with its event, read from the dataLayer.
LISTENER_PARAMETERS: dict[str, dict[str, str]] = {
    "html5_video": {
        name: "{{DLV - " + name + "}}"
        for name in ("video_status", "video_percent", "video_title", "video_url")
    },
    "chat": {"chat_provider": "{{DLV - chat_provider}}"},
    "calendly": {"booking_provider": "{{DLV - booking_provider}}"},
}
PLACEHOLDER_MEASUREMENT_ID = "G-XXXXXXXXXX"
DATALAYER_EVENT = re.compile(r'"event":"([^"]{1,80})"')


def build_plan(
    site: Site,
    findings: list[Finding],
    business: BusinessTypeGuess,
    rules: RuleSet,
    options: AnalysisOptions,
) -> Plan:
    """One planned event per kind found (and the macro conversions planned even when unseen),
    each with its GTM trigger and parameters, tiered by the business's key signals."""
    enhanced = {rule.id: rule.enhanced_measurement for rule in rules.rules}
    by_kind: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_kind[finding.kind].append(finding)
    crawl = CrawlIndex(
        controls=controls(site),
        pages=[page.url for page in site.pages],
        formless={(p.url, form.selector) for p in site.pages for form in p.forms if form.formless},
    )
    events = [
        _event(
            kind,
            group,
            rules.kind_plan(kind, business.type),
            enhanced,
            crawl,
        )
        for kind, group in sorted(by_kind.items())
    ]
    events, merged = _merge_page_and_click(events)
    events = [_named_for_its_event(e, rules, business.type, merged) for e in events]
    for kind in rules.signals(business.type).always:
        if not any(event.event == rules.kind_plan(kind, business.type).event for event in events):
            events.append(_unseen(kind, rules.kind_plan(kind, business.type)))
    evidence: dict[str, signals.Evidence] = {
        event.kind: _evidence([f for k in merged.get(event.kind, [event.kind]) for f in by_kind[k]])
        for event in events
    }
    events = signals.choose(events, evidence, business, rules)
    existing = existing_tracking(site)
    aliases: dict[str, tuple[str, ...]] = {
        e.kind: rules.kind_plan(e.kind, business.type).aliases for e in events
    }
    tracked = {page.url for page in site.pages if gaps.has_tracking(page.tracking)}
    events, uncovered = gaps.assess(events, existing, tracked, aliases)
    measurement_id, source = _measurement_id(options.measurement_id, existing.ga4)
    return Plan(
        site=site.start_urls[0] if site.start_urls else "",
        measurement_id=measurement_id,
        measurement_id_source=source,
        existing_tracking=existing,
        uncovered_events=uncovered,
        business_type=business,
        pages_scanned=len(site.pages),
        events=events,
        funnel=signals.funnel(events, rules.signals(business.type)),
        container_events=options.events,
        example_product=_example_product(site),
        meta_pixel_id=options.meta_pixel_id,
        google_ads_id=options.google_ads_id,
        not_seen=[k for k in rules.kinds_that_matter(business.type) if k not in by_kind],
        crawl_errors=site.errors,
        obstacles=[CrawlError(url=p.url, error=p.obstacle) for p in site.pages if p.obstacle],
    )


def _example_product(site: Site) -> Product | None:
    """The first product the crawl saw with a price, else the first one at all."""
    products = [product for page in site.pages for product in page.products]
    priced = [product for product in products if product.price and product.currency]
    chosen = priced or products
    return chosen[0] if chosen else None


def _evidence(findings: list[Finding]) -> signals.Evidence:
    if not findings:
        return signals.Evidence(templates=0, confidence=0.0)
    return signals.Evidence(
        templates=len({template(f.page) for f in findings}),
        confidence=sum(f.confidence for f in findings) / len(findings),
    )


def _planned(kind: str, settings: KindPlan, **decided: Any) -> PlannedEvent:
    """An event of this kind with the rules' settings for it and what was `decided`."""
    return PlannedEvent(
        event=settings.event,
        kind=kind,
        title=settings.title,
        why=settings.why,
        funnel_stage=settings.funnel_stage,
        destinations=Destinations(meta=settings.meta, google_ads=settings.google_ads),
        **decided,
    )


def _unseen(kind: str, settings: KindPlan) -> PlannedEvent:
    """A macro conversion the crawl could not reach (a purchase behind the checkout): the site's
    code pushes it to the dataLayer."""
    return _planned(
        kind,
        settings,
        trigger=TriggerSpec(type="custom_event", pushed_by="site"),
        parameters={},
        pages=[],
        findings=0,
        selectors=[],
        status="not seen",
    )


@dataclass(frozen=True)
class CrawlIndex:
    """What planning one event needs to know of the whole crawl, to generalise triggers safely."""

    controls: list[Control]
    pages: list[str]
    formless: set[tuple[str, str]]  # (page, selector) of the forms no <form> holds

    def other_hrefs(self, findings: list[Finding]) -> list[str]:
        """The addresses of the crawl's visible links that are not these findings."""
        wanted = {(f.page, f.selector) for f in findings}
        return sorted(
            {
                c.attrs["href"]
                for c in self.controls
                if c.visible and c.attrs.get("href") and (c.page, c.selector) not in wanted
            }
        )

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
    kind: str,
    findings: list[Finding],
    settings: KindPlan,
    enhanced: dict[str, str],
    crawl: CrawlIndex,
) -> PlannedEvent:
    """`enhanced`: each rule's enhanced-measurement note ('' for none). When every rule behind
    the findings says enhanced measurement collects them, no trigger is planned; when some do,
    the trigger catches only the others (a .dmg download, where GA4 sends a .pdf's)."""
    notes = sorted({enhanced.get(f.rule, "") for f in findings})
    untagged = [f for f in findings if not enhanced.get(f.rule)] or findings
    target = _main_target(untagged)
    chosen = [f for f in untagged if _target(f) == target]
    # Boxes of fields no <form> holds never submit: the click on their button is caught, by
    # the event's trigger when there are only such boxes, else beside its forms' trigger.
    boxed = (
        [f for f in chosen if (f.page, f.selector) in crawl.formless] if target == "form" else []
    )
    boxes = None
    if boxed and len(boxed) == len(chosen):
        target = "element"
    elif boxed:
        boxes = trigger_selectors(crawl.controls, boxed)
        chosen = [f for f in chosen if (f.page, f.selector) not in crawl.formless]
    if target in ("element", "form"):
        found = trigger_selectors(crawl.controls, chosen)
        selectors = sorted({*_every_selector(found), *(_every_selector(boxes) if boxes else ())})
    else:
        found = None
        selectors = sorted({f.selector for f in chosen})
    trigger, parameters = _trigger(kind, settings.event, untagged, found, target, crawl)
    if boxes is not None:
        trigger = trigger.model_copy(
            update={"buttons": boxes.site_wide, "scoped_buttons": boxes.scoped}
        )
    check = _check(trigger, untagged, crawl, found, boxes)
    if notes and all(notes):
        trigger, parameters, note = TriggerSpec(type="enhanced_measurement"), {}, notes[0]
        check = TriggerCheck()
    else:
        note = " ".join(n for n in notes if n)
        if note:
            covered = len(findings) - len(untagged)
            note += (
                f" Here that is {covered} of its {len(findings)} findings;"
                f" this event's trigger catches only the other {len(untagged)}."
            )
    return _planned(
        kind,
        settings,
        trigger=trigger,
        trigger_check=check,
        parameters=parameters,
        enhanced_measurement=note,
        pages=sorted({f.page for f in findings}),
        findings=len(findings),
        selectors=[] if target == "page" else selectors,
    )


def _every_selector(found: TriggerSelectors) -> list[str]:
    """The selectors for every page, then each page's own."""
    return sorted({*found.site_wide, *(s for p in found.scoped for s in p.selectors)})


def _trigger(
    kind: str,
    event: str,
    findings: list[Finding],
    found: TriggerSelectors | None,
    target: str,
    crawl: CrawlIndex,
) -> tuple[TriggerSpec, dict[str, str]]:
    extra = {"lead_type": kind} if event == "generate_lead" else {}
    if target == "page":
        regex = page_path_regex(sorted({f.page for f in findings}), crawl.pages)
        return TriggerSpec(type="page_view", page_path_regex=regex), extra
    if kind in LINK_KINDS and target == "element":
        regex = link_url_regex(crawl.hrefs(findings), crawl.other_hrefs(findings))
        return (
            TriggerSpec(type="link_click", url_regex=regex),
            {"link_url": "{{Click URL}}", "link_text": "{{Click Text}}", **extra},
        )
    listener = _listener(kind, findings)
    if listener:
        return (
            TriggerSpec(type="custom_event", pushed_by="listener", listener=listener),
            {**LISTENER_PARAMETERS[listener], **extra},
        )
    if target == "frame" or found is None:
        return TriggerSpec(type="custom_event", pushed_by="frame"), extra
    if target == "form":
        return (
            TriggerSpec(type="form_submit", selectors=found.site_wide, scoped=found.scoped),
            {"form_id": "{{Form ID}}", "form_destination": "{{Form URL}}", **extra},
        )
    return (
        TriggerSpec(type="click", selectors=found.site_wide, scoped=found.scoped),
        {"click_text": "{{Click Text}}", "click_url": "{{Click URL}}", **extra},
    )


def _listener(kind: str, findings: list[Finding]) -> ListenerName:
    """The listener tag that can push this kind's event, when its findings are ones a listener
    hears: HTML5 <video> elements (YouTube embeds beside them are enhanced measurement's), chat
    widgets' scripts, Calendly embeds."""
    frames = [f for f in findings if f.target == "frame"]
    if not frames or len(frames) < len(findings):
        return ""
    if kind == "video" and any(f.snippet.startswith(("<video", "<audio")) for f in frames):
        return "html5_video"
    if kind == "chat_widget":
        return "chat"
    if kind == "booking" and all("calendly.com" in f.snippet for f in frames):
        return "calendly"
    return ""


def _check(
    trigger: TriggerSpec,
    findings: list[Finding],
    crawl: CrawlIndex,
    found: TriggerSelectors | None,
    boxes: TriggerSelectors | None = None,
) -> TriggerCheck:
    """The trigger tried on the whole crawl: what it catches that is not of its kind (with the
    clicks on the buttons of `boxes`, its boxes no form holds)."""
    if found is not None and trigger.type in ("click", "form_submit"):
        matched, unrelated = found.matched, found.unrelated
        if boxes is not None:
            matched, unrelated = matched + boxes.matched, sorted(unrelated + boxes.unrelated)
        return TriggerCheck(matched=matched, unrelated=len(unrelated), examples=unrelated[:5])
    if trigger.type == "link_click":
        regex = re.compile(trigger.url_regex, re.IGNORECASE)
        targets = {(f.page, f.selector) for f in findings}
        caught = [
            c
            for c in catchable(crawl.controls, targets)
            if c.tag == "a" and regex.search(c.attrs.get("href", ""))
        ]
        unrelated = [
            f"{c.page} {c.selector}" for c in caught if (c.page, c.selector) not in targets
        ]
        return TriggerCheck(matched=len(caught), unrelated=len(unrelated), examples=unrelated[:5])
    if trigger.type == "page_view":
        path_regex = re.compile(trigger.page_path_regex)
        with_kind = {f.page for f in findings}
        pages = [page for page in crawl.pages if path_regex.fullmatch(_path(page))]
        others = [page for page in pages if page not in with_kind]
        return TriggerCheck(matched=len(pages), unrelated=len(others), examples=others[:5])
    return TriggerCheck()


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


def link_url_regex(hrefs: list[str], others: list[str]) -> str:
    """A regex for these links' scheme (tel:, mailto:, whatsapp:) or web host (wa.me); a host
    that other links of the crawl share (t.me for a chat and for a share button) is narrowed to
    the links' own addresses, and a scheme that other links use without an address ('mailto:?
    body=...' shares the page) to the links with one."""
    prefixes = set()
    for href in hrefs:
        parts = split_url(href.strip())
        scheme = parts.scheme.lower() + ":"
        if scheme not in ("http:", "https:"):
            addressless = any(other.lower().startswith(scheme + "?") for other in others)
            prefixes.add(re.escape(scheme) + ("[^?]" if addressless else ""))
            continue
        host = rf"https?://(www\.)?{re.escape((parts.hostname or '').removeprefix('www.'))}/"
        if any(re.match(host, other, re.IGNORECASE) for other in others):
            path = re.escape(parts.path.lstrip("/"))
            prefixes.add(host + path + r"([?#]|$)")
        else:
            prefixes.add(host)
    return "^(" + "|".join(sorted(prefixes)) + ")"


def _path(url: str) -> str:
    return split_url(url).path or "/"


def _named_for_its_event(
    event: PlannedEvent, rules: RuleSet, business_type: str, merged: dict[str, list[str]]
) -> PlannedEvent:
    """A cart or checkout page seen without a link to it is still planned as the kind its
    event is named for (view_cart, begin_checkout), like a merged page view and click."""
    if event.trigger.type != "page_view" or event.event not in KINDS or event.event == event.kind:
        return event
    settings = rules.kind_plan(event.event, business_type)
    merged[event.event] = [event.kind]
    update = {"title": settings.title, "why": settings.why, "funnel_stage": settings.funnel_stage}
    return event.model_copy(update={"kind": event.event, **update})


def _merge_page_and_click(
    events: list[PlannedEvent],
) -> tuple[list[PlannedEvent], dict[str, list[str]]]:
    """When a page view and a click send the same event (view_cart, begin_checkout), plan one
    event, triggered by the page view: it also counts visitors who got there without that click,
    and never twice. It is named for the click's kind (the cart opened, the checkout started)
    and its evidence joins both. Form submissions are kept: they are the conversion, not a way
    to a page. Returns the events and, for each merged one, the kinds it joins."""
    clicks = {e.event: e for e in events if e.trigger.type == "click"}
    out: list[PlannedEvent] = []
    merged: dict[str, list[str]] = {}
    for event in events:
        click = clicks.get(event.event)
        if event.trigger.type == "click" and any(
            e.event == event.event and e.trigger.type == "page_view" for e in events
        ):
            continue
        if event.trigger.type == "page_view" and click is not None:
            merged[click.kind] = [event.kind, click.kind]
            event = event.model_copy(
                update={
                    "kind": click.kind,
                    "title": click.title,
                    "why": click.why,
                    "funnel_stage": click.funnel_stage,
                    "pages": sorted(set(event.pages) | set(click.pages)),
                    "findings": event.findings + click.findings,
                    "selectors": click.selectors,
                }
            )
        out.append(event)
    return out, merged
