"""Business type detection from findings, schema.org types and cues, weighted by the rule packs
(pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from scanner.analysis.classify import element_forms
from scanner.analysis.matchers import Subject
from scanner.analysis.rules import Cue, RuleSet
from scanner.models import BusinessTypeGuess, Finding, Page, Site

FALLBACK_TYPE = "leadgen"
# A second business type is reported when its signals weigh at least this share of the first's.
SECONDARY_SHARE = 0.4
# A signal seen on many pages counts, but not linearly: three pages say as much as thirty.
MAX_PAGES_PER_SIGNAL = 3


def detect_business_type(
    site: Site, findings: list[Finding], rules: RuleSet, forced: str = "auto"
) -> BusinessTypeGuess:
    """The business type whose pack's signals weigh most, unless one is `forced`."""
    if forced != "auto":
        return BusinessTypeGuess(type=forced, confidence=1.0, evidence=["set with --type"])
    evidence = type_evidence(site, findings, rules)
    scores = {name: sum(score for score, _ in parts) for name, parts in evidence.items()}
    total = sum(scores.values())
    if total == 0:
        return BusinessTypeGuess(
            type=FALLBACK_TYPE,
            confidence=0.0,
            evidence=["no business-type signal found; assumed a lead-generation site"],
        )
    ranked = sorted(scores, key=lambda name: (-scores[name], name))
    best = ranked[0]
    return BusinessTypeGuess(
        type=best,
        confidence=round(scores[best] / total, 2),
        evidence=[text for _, text in evidence[best][:6]],
        also=[name for name in ranked[1:] if scores[name] >= SECONDARY_SHARE * scores[best]],
    )


def type_evidence(
    site: Site, findings: list[Finding], rules: RuleSet
) -> dict[str, list[tuple[float, str]]]:
    """Each business type's weighed signals, strongest first: the kinds found, the schema.org
    types of the pages and the pack's cues, each counted on at most MAX_PAGES_PER_SIGNAL pages.

    A schema.org entry may name synonyms ("Article|BlogPosting"): a page that says several of
    them is one page of that signal, as a blog post that says both is one article. Controls
    hidden at load (a blog's leftover wishlist overlays, a drawer) do not say what the business
    is: only what a visitor sees does."""
    kind_pages: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        if not (finding.hidden and finding.target == "element"):
            kind_pages[finding.kind].add(finding.page)
    evidence: dict[str, list[tuple[float, str]]] = {}
    for business_type, spec in rules.business_types().items():
        parts: list[tuple[float, str]] = []
        for kind, weight in spec.detect.kinds.items():
            pages = len(kind_pages.get(kind, ()))
            if pages:
                parts.append(
                    (weight * min(pages, MAX_PAGES_PER_SIGNAL), f"{kind} on {pages} page(s)")
                )
        for entry, weight in spec.detect.jsonld.items():
            pages, seen = _schema_pages(site, entry)
            if pages:
                parts.append(
                    (
                        weight * min(pages, MAX_PAGES_PER_SIGNAL),
                        f"schema.org {'/'.join(seen)} on {pages} page(s)",
                    )
                )
        for cue in rules.cues.get(business_type, ()):
            pages = sum(1 for page in site.pages if _shows(page, cue))
            if pages:
                parts.append(
                    (
                        cue.weight * min(pages, MAX_PAGES_PER_SIGNAL),
                        f"{cue.name} on {pages} page(s)",
                    )
                )
        evidence[business_type] = sorted(parts, key=lambda part: (-part[0], part[1]))
    return evidence


def _schema_pages(site: Site, entry: str) -> tuple[int, list[str]]:
    """How many pages say one of the schema.org types of `entry` (synonyms joined by |), and
    which of them were seen."""
    synonyms = entry.split("|")
    pages = 0
    seen: set[str] = set()
    for page in site.pages:
        found = set(synonyms).intersection(page.jsonld_types)
        if found:
            pages += 1
            seen |= found
    return pages, [name for name in synonyms if name in seen]


def _shows(page: Page, cue: Cue) -> bool:
    """Whether a control or an embed of the page (not behind an obstacle) fits the cue."""
    if page.obstacle:
        return False
    return any(
        check(subject) is not None
        for target, check in cue.checks
        for subject in _subjects(page, target)
    )


def _subjects(page: Page, target: str) -> Iterator[Subject]:
    if target == "frame":
        yield from (Subject("frame", page, frame=frame) for frame in page.frames)
        return
    for element, form in zip(page.elements, element_forms(page), strict=True):
        yield Subject("element", page, element=element, form=form)
