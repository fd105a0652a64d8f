"""The frontier: which addresses each level loads, in a fixed order, and what the crawl gathered.

Each level's addresses are chosen in a fixed order, intent pages first, within the page budget
and the per-template sample, before any of them is loaded: the set of pages crawled never
depends on which page happened to answer first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scanner.crawl.collector import Recorded
from scanner.crawl.options import CrawlOptions
from scanner.crawl.robots import Robots
from scanner.crawl.scope import Scope, intent
from scanner.models import (
    Coverage,
    CrawlError,
    Page,
    PageAnnotations,
    Site,
    SkippedPage,
    TemplateCoverage,
)
from scanner.url_templates import template

SKIPPED_LISTED = 500
BEYOND_BUDGET = "beyond --depth or --max-pages"


@dataclass
class CrawlState:
    """Everything gathered so far; survives an interruption."""

    pages: dict[str, Page] = field(default_factory=dict)
    annotations: dict[str, PageAnnotations] = field(default_factory=dict)
    errors: list[CrawlError] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    found: set[str] = field(default_factory=set)
    attempted: set[str] = field(default_factory=set)
    sampled: Counter[str] = field(default_factory=Counter)
    sitemap_pages: int = 0
    cuts: list[str] = field(default_factory=list)  # inputs read only in part, and why
    shots: dict[str, bytes] = field(default_factory=dict)  # screenshots by file name

    @staticmethod
    def resuming(previous: Site | None) -> CrawlState:
        """A state holding the pages of an earlier record (its errors are tried again)."""
        state = CrawlState()
        if previous is None:
            return state
        for page in previous.pages:
            state.pages[page.url] = page
            state.attempted.add(page.requested_url)
            if page.depth > 0:
                state.sampled[template(page.requested_url)] += 1
        state.annotations = {item.url: item for item in previous.annotations}
        return state

    def choose(
        self,
        candidates: list[str],
        level: int,
        scope: Scope,
        robots: Robots,
        options: CrawlOptions,
    ) -> list[str]:
        """The addresses of this level to load, in a fixed order, intent pages first."""
        chosen: list[str] = []
        for url in sorted(candidates, key=lambda u: (level > 0 and not intent(u), u)):
            if url in self.attempted:
                continue
            reason = "" if level == 0 else scope.why_not(url)
            if reason:
                if reason not in ("another site", "not a web address"):
                    self.skipped.setdefault(url, reason)
                continue
            self.found.add(url)
            kind = template(url)
            sample = options.sample_per_template
            if level > 0 and sample and self.sampled[kind] >= sample:
                self.skipped.setdefault(url, f"template {kind} sampled ({sample} pages)")
                continue
            if level > 0 and len(self.attempted) + len(chosen) >= options.max_pages:
                self.skipped.setdefault(url, BEYOND_BUDGET)  # never a page the user named
                continue
            # last: robots.txt rules can be slow to match (a huge file of wildcards), so only
            # the addresses that would be loaded are asked about
            if not robots.allows(url):
                self._disallowed(url, level)
                continue
            chosen.append(url)
            self.sampled[kind] += 1
        self.attempted.update(chosen)
        for url in chosen:
            self.skipped.pop(url, None)
        return chosen

    def _disallowed(self, url: str, level: int) -> None:
        message = "disallowed by robots.txt"
        if level == 0:
            self.errors.append(
                CrawlError(
                    url=url, error=f"{url} is {message}; use --ignore-robots to scan it anyway."
                )
            )
            self.attempted.add(url)
        else:
            self.skipped.setdefault(url, message)

    def links_kept(self, level: int, chosen: list[str]) -> set[str]:
        """What the pages of this level that an earlier run recorded link to."""
        return {
            link
            for page in list(self.pages.values())
            if page.depth == level and not page.obstacle and page.requested_url not in chosen
            for link in page.links
        }

    def record(self, url: str, result: Recorded | CrawlError, scope: Scope) -> Page | None:
        """Keep a visit's page (or its error); the page when its links are worth following.
        (Navigations off the site or to a disallowed page are refused before the browser makes
        them; a page found off the site anyway is not kept.)"""
        if isinstance(result, CrawlError):
            self.errors.append(result)
            return None
        page = result.page
        if not scope.on_site(page.url):
            self.errors.append(
                CrawlError(
                    url=url, error=f"{url} redirects off the site, to {page.url}; not followed."
                )
            )
            return None
        if page.url in self.pages:
            return None  # a redirect to a page already recorded
        self.pages[page.url] = page
        self.cuts += result.cuts
        self.shots.update(result.shots)
        if result.annotations is not None:
            self.annotations[page.url] = result.annotations
        return None if page.obstacle else page  # a challenge or a login wall: links not followed

    def left_over(self, candidates: list[str], scope: Scope) -> None:
        """What the last level still linked to: found, and skipped for the budget."""
        for url in candidates:
            if url not in self.attempted and not scope.why_not(url):
                self.found.add(url)
                self.skipped.setdefault(url, BEYOND_BUDGET)

    def site(self, starts: list[str], robots: Robots) -> Site:
        found = self.found | set(self.pages)
        by_template: dict[str, list[str]] = defaultdict(list)
        for url in found:
            by_template[template(url)].append(url)
        crawled_templates = Counter(template(page.requested_url) for page in self.pages.values())
        skipped = sorted(self.skipped.items())
        coverage = Coverage(
            pages_found=len(found),
            pages_crawled=len(self.pages),
            sitemap_pages=self.sitemap_pages,
            ignore_robots=robots.ignore,
            templates=[
                TemplateCoverage(template=name, found=len(urls), crawled=crawled_templates[name])
                for name, urls in sorted(by_template.items())
            ],
            robots=robots.reports(),
            cuts=sorted({*self.cuts, *robots.cuts}),
            skipped_total=len(skipped),
            skipped=[
                SkippedPage(url=url, reason=reason) for url, reason in skipped[:SKIPPED_LISTED]
            ],
        )
        return Site(
            start_urls=starts,
            pages=sorted(self.pages.values(), key=lambda page: page.url),
            errors=sorted(self.errors, key=lambda error: error.url),
            coverage=coverage,
            annotations=[self.annotations[url] for url in sorted(self.annotations)],
        )
