"""Business type detection from findings and schema.org types, weighted by the rule packs (pure)."""

from __future__ import annotations

from collections import defaultdict

from scanner.analysis.rules import RuleSet
from scanner.models import BusinessTypeGuess, Finding, Site

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
    kind_pages: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        kind_pages[finding.kind].add(finding.page)
    type_pages: dict[str, set[str]] = defaultdict(set)
    for page in site.pages:
        for schema_type in page.jsonld_types:
            type_pages[schema_type].add(page.url)

    scores: dict[str, float] = {}
    evidence: dict[str, list[tuple[float, str]]] = {}
    for business_type, spec in rules.business_types().items():
        parts: list[tuple[float, str]] = []
        for kind, weight in spec.detect.kinds.items():
            pages = len(kind_pages.get(kind, ()))
            if pages:
                parts.append(
                    (weight * min(pages, MAX_PAGES_PER_SIGNAL), f"{kind} on {pages} page(s)")
                )
        for schema_type, weight in spec.detect.jsonld.items():
            pages = len(type_pages.get(schema_type, ()))
            if pages:
                parts.append(
                    (
                        weight * min(pages, MAX_PAGES_PER_SIGNAL),
                        f"schema.org {schema_type} on {pages} page(s)",
                    )
                )
        scores[business_type] = sum(score for score, _ in parts)
        evidence[business_type] = sorted(parts, key=lambda part: (-part[0], part[1]))

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
