"""report.html: the plan for people to read and forward, one file that opens from disk and
makes no request (inline CSS, script and SVG; screenshots linked from shots/ beside it).

Rendered by templates/report.html.j2 with Jinja2's autoescaping: every text taken from a page is
hostile input and reaches the page as text. A Content-Security-Policy allows only the report's
own script (by its hash), inline styles and images beside the file: nothing is fetched, and
markup that escaped anyway could not run."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from scanner.models import Analysis, Finding, Plan, PlannedEvent, TagCheck, Verification
from scanner.outputs.gtm.container import TAGGED_TIERS
from scanner.outputs.gtm.triggers import labels
from scanner.outputs.markdown import BIDI_CONTROLS
from scanner.outputs.prose import limitations, selection, trigger_description
from scanner.resources import resource_dir

EVIDENCE_SHOWN = 6  # controls shown per event (the plan lists every page)
SKIPPED_SHOWN = 50
FUNNEL_WIDTH, STEP_HEIGHT, STEP_GAP = 760, 58, 8


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel picture: a centred band, narrower at each step."""

    name: str
    events: str
    x: float
    y: float
    width: float


def render(analysis: Analysis) -> str:
    plan, site = analysis.plan, analysis.site
    shots = {
        (page.url, selector): name for page in site.pages for selector, name in page.shots.items()
    }
    tagged = [
        event
        for event in plan.events
        if not event.collected_by_enhanced_measurement
        and event.tier in TAGGED_TIERS[plan.container_events]
    ]
    tagged_kinds = {event.kind for event in tagged}
    checks = _tag_checks(analysis.verification, tagged)
    script = _script()
    return (
        templates()
        .get_template("report.html.j2")
        .render(
            plan=plan,
            site=site,
            tagged=tagged_kinds,
            rows=[
                _row(event, checks, analysis.verification, event.kind in tagged_kinds)
                for event in plan.events
            ],
            evidence={
                event.kind: _evidence(event, analysis.findings, shots) for event in plan.events
            },
            funnel=_funnel(plan),
            funnel_height=len(plan.funnel) * (STEP_HEIGHT + STEP_GAP),
            funnel_width=FUNNEL_WIDTH,
            step_height=STEP_HEIGHT,
            skipped_reasons=Counter(skip.reason for skip in site.coverage.skipped).most_common(),
            skipped_shown=site.coverage.skipped[:SKIPPED_SHOWN],
            sampled=[t for t in site.coverage.templates if t.crawled < t.found],
            consent=sorted({page.consent for page in site.pages if page.consent}),
            verification=analysis.verification,
            validation=analysis.validation,
            script=Markup(script),
            script_hash=base64.b64encode(hashlib.sha256(script.encode()).digest()).decode(),
        )
    )


def _tag_checks(
    verification: Verification | None, tagged: list[PlannedEvent]
) -> dict[str, TagCheck]:
    """The verification of each tagged event's GA4 tag, by kind (the container names it
    `GA4 - <label>`; a container edited by hand is matched on the event name)."""
    if verification is None:
        return {}
    by_name = {check.tag: check for check in verification.tags}
    names = labels(tagged)
    found: dict[str, TagCheck] = {}
    for event in tagged:
        check = by_name.get(f"GA4 - {names[event.kind]}") or next(
            (c for c in verification.tags if c.event == event.event), None
        )
        if check is not None:
            found[event.kind] = check
    return found


def _row(
    event: PlannedEvent,
    checks: dict[str, TagCheck],
    verification: Verification | None,
    tagged: bool,
) -> dict[str, Any]:
    destinations = ["GA4"]
    if event.destinations.meta:
        destinations.append(f"Meta {event.destinations.meta}")
    if event.destinations.google_ads:
        destinations.append(f"Google Ads {event.destinations.google_ads}")
    check = checks.get(event.kind)
    return {
        "event": event,
        "trigger": _codes(trigger_description(event)),
        "destinations": ", ".join(destinations),
        "verified": _verdict(event, check, verification)
        if tagged or event.collected_by_enhanced_measurement
        else f"not in the container ({event.tier})",
        "status": check.status if check else "",
    }


def _verdict(event: PlannedEvent, check: TagCheck | None, verification: Verification | None) -> str:
    if event.collected_by_enhanced_measurement:
        return "collected by GA4"
    if verification is None:
        return "not verified"
    if check is None:
        return "no tag in the container"
    if check.status == "not checkable":
        return f"not checkable: {check.note}"
    parts = [f"fires on {len(check.fires)} of {len(check.fires) + len(check.misses)} planned"]
    if check.unrelated:
        parts.append(f"{len(check.unrelated)} unrelated")
    return ", ".join(parts)


def _evidence(
    event: PlannedEvent, findings: list[Finding], shots: dict[tuple[str, str], str]
) -> dict[str, Any]:
    """The first controls of the event's kind (one per page and selector), with their shot."""
    seen: dict[tuple[str, str], Finding] = {}
    for finding in sorted(findings, key=lambda f: (f.page, f.selector)):
        if finding.kind == event.kind:
            seen.setdefault((finding.page, finding.selector), finding)
    shown = list(seen.values())
    shown.sort(key=lambda f: (not shots.get((f.page, f.selector)), f.page, f.selector))
    return {
        "selection": _codes(selection(event)),
        "limitations": limitations(event),
        "shown": [
            {"finding": f, "shot": shots.get((f.page, f.selector), "")}
            for f in shown[:EVIDENCE_SHOWN]
        ],
        "more": max(0, len(shown) - EVIDENCE_SHOWN),
    }


def _funnel(plan: Plan) -> list[FunnelStep]:
    steps = plan.funnel
    out = []
    for index, step in enumerate(steps):
        shrink = 0.45 * index / max(1, len(steps) - 1)
        width = FUNNEL_WIDTH * (1 - shrink)
        out.append(
            FunnelStep(
                name=f"{index + 1}. {step.name}",
                events=" or ".join(step.events),
                x=(FUNNEL_WIDTH - width) / 2,
                y=index * (STEP_HEIGHT + STEP_GAP),
                width=width,
            )
        )
    return out


def _codes(text: str) -> Markup:
    """Prose whose `code spans` become <code>, everything escaped."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no code spans
        return escape(text)
    return Markup("").join(
        Markup("<code>%s</code>") % piece if index % 2 else escape(piece)
        for index, piece in enumerate(pieces)
    )


@cache
def _script() -> str:
    return (resource_dir("templates") / "report.js").read_text(encoding="utf-8")


@cache
def templates() -> Environment:
    """The HTML templates: every printed value escaped unless it is Markup."""
    environment = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_without_bidi_controls,
    )
    environment.tests["web_address"] = web_address
    return environment


def _without_bidi_controls(value: object) -> object:
    """No printed value may reorder what a reader sees (U+202E turns 'txt.exe' into 'exe.txt')."""
    if isinstance(value, Markup):
        return Markup(BIDI_CONTROLS.sub("", value))
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


def web_address(url: str) -> bool:
    """Only web addresses become links (a page may name javascript: or data: ones)."""
    return url.startswith(("http://", "https://"))
