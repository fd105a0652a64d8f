"""Fixture pages carry their expected answers (data-expect, data-expect-not, data-expect-todo,
data-expect-page on <body>): each annotated page of the recorded fixture crawls is checked both
ways, for missed and for unexpected findings, without a browser. And every rule must be the
winning rule for at least one annotated element or page, so no rule goes unproven."""

from __future__ import annotations

import pytest

from scanner.analysis.classify import classify_page
from scanner.analysis.rules import RuleSet
from scanner.models import Finding, PageAnnotations
from tests.golden import SITES, GoldenSite, fixture_paths, recording

ANNOTATED = [
    (site.name, annotations) for site in SITES for annotations in recording(site.name).annotations
]


def expectation_report(
    findings: list[Finding], annotations: PageAnnotations
) -> dict[str, list[str]]:
    found = {(f.selector, f.kind) for f in findings if f.target != "page"}
    found_pages = {f.kind for f in findings if f.target == "page"}
    expected = {(e.selector, k) for e in annotations.elements for k in e.expect}
    todo = {(e.selector, k) for e in annotations.elements for k in e.expect_todo}
    return {
        "missed": sorted(f"{k} at {s}" for s, k in expected - found)
        + sorted(f"page {k}" for k in set(annotations.page) - found_pages),
        "unexpected": sorted(f"{k} at {s}" for s, k in found - expected - todo)
        + sorted(f"page {k}" for k in found_pages - set(annotations.page)),
        "todo": sorted(f"{k} at {s}" for s, k in todo - found),
    }


def proven_findings(findings: list[Finding], annotations: PageAnnotations) -> list[Finding]:
    """The findings an annotation asks for."""
    expected = {(e.selector, k) for e in annotations.elements for k in e.expect}
    return [
        f
        for f in findings
        if (f.target == "page" and f.kind in annotations.page)
        or (f.target != "page" and (f.selector, f.kind) in expected)
    ]


def findings_of(site: str, annotations: PageAnnotations, rules: RuleSet) -> list[Finding]:
    page = next(p for p in recording(site).pages if p.url == annotations.url)
    return classify_page(page, rules)


@pytest.mark.parametrize(
    ("site", "annotations"), ANNOTATED, ids=[f"{s}:{a.url.split('/', 3)[3]}" for s, a in ANNOTATED]
)
def test_fixture_page_findings_match_annotations(
    site: str, annotations: PageAnnotations, rules: RuleSet
) -> None:
    report = expectation_report(findings_of(site, annotations, rules), annotations)
    if report["todo"]:
        print(f"known gaps (data-expect-todo) on {annotations.url}: {report['todo']}")
    assert report["missed"] == [], f"missed on {annotations.url}"
    assert report["unexpected"] == [], f"unexpected on {annotations.url}"


@pytest.mark.parametrize("site", SITES, ids=[site.name for site in SITES])
def test_every_fixture_page_is_in_the_recording(site: GoldenSite) -> None:
    """A page added to a fixture site needs a new recording (UPDATE_GOLDEN=1, with a browser)."""
    recorded = {
        page.requested_url.split("/", 3)[3].split("?")[0] for page in recording(site.name).pages
    }
    assert [p for p in fixture_paths(site.root) if p.lstrip("/") not in recorded] == []
    assert recording(site.name).errors == []


def test_annotations_never_reach_the_pages() -> None:
    """The collector strips data-expect* from attributes and snippets; they are kept apart."""
    for site in SITES:
        text = recording(site.name).model_dump_json(exclude={"annotations"})
        assert "data-expect" not in text and "expect_not" not in text
