"""Fixture pages carry their expected answers (data-expect, data-expect-not, data-expect-todo,
data-expect-page on <body>): each page is checked both ways, for missed and for unexpected
findings, by one parametrised test."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.classify import classify_page
from scanner.crawl import CrawlOptions, crawl
from scanner.models import Page, ScanSettings, Site
from scanner.rules import RuleSet
from scanner.serve import serve_directory
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser
SITES = ("demo", "kinds")


def page_path(html: Path, site_dir: Path) -> str:
    """URL path of a fixture file as the server exposes it (index.html is its directory)."""
    relative = html.relative_to(site_dir).as_posix()
    return "/" + relative.removesuffix("index.html")


FIXTURE_PAGES = [
    (site, page_path(html, FIXTURES / site))
    for site in SITES
    for html in sorted((FIXTURES / site).rglob("*.html"))
]


@pytest.fixture(scope="session")
def fixture_sites() -> dict[str, Site]:
    """Every fixture site crawled once, each of its pages given as a start URL (depth 0)."""
    crawled = {}
    for site in SITES:
        with serve_directory(FIXTURES / site) as base:
            urls = [base + path.lstrip("/") for name, path in FIXTURE_PAGES if name == site]
            options = CrawlOptions(max_pages=len(urls), depth=0, block_third_party=True)
            crawled[site] = crawl(urls, options, ScanSettings()).site
    return crawled


def expectation_report(page: Page, rules: RuleSet) -> dict[str, list[str]]:
    findings = classify_page(page, rules)
    found = {(f.selector, f.kind) for f in findings if f.target != "page"}
    found_pages = {f.kind for f in findings if f.target == "page"}
    expected = {(e.selector, k) for e in page.expectations.elements for k in e.expect}
    todo = {(e.selector, k) for e in page.expectations.elements for k in e.expect_todo}
    return {
        "missed": sorted(f"{k} at {s}" for s, k in expected - found)
        + sorted(f"page {k}" for k in set(page.expectations.page) - found_pages),
        "unexpected": sorted(f"{k} at {s}" for s, k in found - expected - todo)
        + sorted(f"page {k}" for k in found_pages - set(page.expectations.page)),
        "todo": sorted(f"{k} at {s}" for s, k in todo - found),
    }


@pytest.mark.parametrize(("site", "path"), FIXTURE_PAGES, ids=[f"{s}{p}" for s, p in FIXTURE_PAGES])
def test_fixture_page_findings_match_annotations(
    site: str, path: str, fixture_sites: dict[str, Site], rules: RuleSet
) -> None:
    pages = [p for p in fixture_sites[site].pages if p.requested_url.endswith(path)]
    assert pages, f"{site}{path} was not crawled: {fixture_sites[site].errors}"
    report = expectation_report(pages[0], rules)
    if report["todo"]:
        print(f"known gaps (data-expect-todo) on {site}{path}: {report['todo']}")
    assert report["missed"] == [], f"missed on {site}{path}"
    assert report["unexpected"] == [], f"unexpected on {site}{path}"


def test_demo_site_is_crawled_completely_by_following_links(demo_site: Site) -> None:
    paths = {page.url.split("/", 3)[3] for page in demo_site.pages}
    assert {
        "",
        "cart.html",
        "checkout.html",
        "contact.html",
        "plans.html",
        "account.html",
        "blog/",
        "blog/pour-over-guide.html",
        "products/speckled-mug.html",
        "shop/",
        "stores.html",
    } <= paths
    assert demo_site.errors == []


def test_annotations_never_reach_the_rules(fixture_sites: dict[str, Site]) -> None:
    """The collector strips data-expect* from attributes and snippets."""
    for site in fixture_sites.values():
        for page in site.pages:
            for element in page.elements:
                assert not any(name.startswith("data-expect") for name in element.attrs)
                assert "data-expect" not in element.snippet
            for form in page.forms:
                assert "data-expect" not in form.snippet
