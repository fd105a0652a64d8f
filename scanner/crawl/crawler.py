"""The crawl: same-site pages visited level by level in headless Chromium, several at a time.

The start pages, then what they link to (and, at the first level, what the sitemaps list), and
so on to `depth`. Each level is chosen by the frontier before it is loaded, so two crawls of one
site give the same record whatever the timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Error

from scanner.crawl.browser import open_browser
from scanner.crawl.collector import Recorded
from scanner.crawl.frontier import CrawlState
from scanner.crawl.network import filter_requests
from scanner.crawl.options import CrawlOptions
from scanner.crawl.robots import ROBOTS_AGENT, Robots
from scanner.crawl.scope import Scope, check_url, normalise
from scanner.crawl.sitemaps import sitemap_pages
from scanner.crawl.visit import VisitError, visit
from scanner.models import CrawlError, Site

USER_AGENT_SUFFIX = f"{ROBOTS_AGENT}/0.1 (+https://github.com/tracking-plan-scanner)"


@dataclass(frozen=True)
class CrawlProgress:
    """Where a crawl stands, after each page it loaded or failed to load."""

    done: int
    queued: int
    failed: int
    url: str


Progress = Callable[[CrawlProgress], None]


@dataclass(frozen=True)
class CrawlResult:
    site: Site
    interrupted: bool  # Ctrl-C stopped the crawl; `site` holds what was gathered


def crawl(
    start_urls: list[str],
    options: CrawlOptions,
    progress: Progress | None = None,
    resume: Site | None = None,
) -> CrawlResult:
    """Crawl from the start URLs; a page that fails is recorded in `Site.errors` and the crawl
    goes on; Ctrl-C stops it and returns what was gathered. With `resume`, the pages of that
    earlier record are kept and the crawl goes on from them."""
    starts = sorted({check_url(url) for url in start_urls})
    scope = Scope.of(
        starts, options.same_host, options.allowed_hosts, options.include, options.exclude
    )
    state = CrawlState.resuming(resume)
    robots = Robots(ignore=options.ignore_robots)
    interrupted = False
    try:
        asyncio.run(Crawler(scope, options, state, robots, progress or _silent).run(starts))
    except KeyboardInterrupt:
        interrupted = True
    return CrawlResult(site=state.site(starts, robots), interrupted=interrupted)


def _silent(_: CrawlProgress) -> None:
    """No progress reports."""


class Crawler:
    """One crawl: the browser, then the levels, within the global and per-host limits."""

    def __init__(
        self,
        scope: Scope,
        options: CrawlOptions,
        state: CrawlState,
        robots: Robots,
        progress: Progress,
    ) -> None:
        self.scope, self.options, self.state = scope, options, state
        self.robots, self.progress = robots, progress
        self.limit = asyncio.Semaphore(options.concurrency)
        self.host_limits: dict[str, asyncio.Semaphore] = {}
        self.done = self.failed = 0

    async def run(self, starts: list[str]) -> None:
        async with open_browser(self.options.browser) as browser:
            probe = await browser.new_page()
            user_agent = (await probe.evaluate("navigator.userAgent")).replace(
                "HeadlessChrome", "Chrome"
            )
            await probe.close()
            context = await browser.new_context(
                user_agent=f"{user_agent} {USER_AGENT_SUFFIX}",
                viewport={"width": 1280, "height": 900},
                service_workers="block",
            )
            await filter_requests(context, self.scope, self.options.block_third_party)
            try:
                await self._levels(context, starts)
            finally:
                with suppress(Error):  # after Ctrl-C the browser may already be gone
                    await context.close()

    async def _levels(self, context: BrowserContext, starts: list[str]) -> None:
        state, options = self.state, self.options
        for url in starts:
            await self.robots.learn(context, url)
        listed: list[str] = []
        if options.sitemaps and options.depth > 0:
            sitemaps = await sitemap_pages(context, starts, self.robots, self.scope)
            listed, state.sitemap_pages = sitemaps.in_scope, sitemaps.listed
        level, candidates = 0, list(starts)
        while candidates:
            for origin in sorted({_origin(url) for url in candidates if self.scope.on_site(url)}):
                await self.robots.learn(context, origin)  # never for hosts out of scope
            chosen = state.choose(candidates, level, self.scope, self.robots, options)
            results = await asyncio.gather(*(self._load(context, url, level) for url in chosen))
            links = {normalise(link) for link in state.links_kept(level, chosen)}
            for url, result in zip(chosen, results, strict=True):
                page = state.record(url, result, self.scope)
                if page is not None:
                    links.update(normalise(link) for link in page.links)
            if level >= options.depth:
                break
            level += 1
            if level == 1:
                links.update(listed)
            candidates = sorted(links - state.attempted - set(state.pages))
        state.left_over(candidates, self.scope)

    async def _load(self, context: BrowserContext, url: str, depth: int) -> Recorded | CrawlError:
        """Visit one page within the limits, waiting out the host's Crawl-delay."""
        host = urlsplit(url).netloc
        delay = self.robots.crawl_delay(host)
        if host not in self.host_limits:
            self.host_limits[host] = asyncio.Semaphore(1 if delay else self.options.concurrency)
        async with self.host_limits[host], self.limit:
            result: Recorded | CrawlError
            try:
                result = await visit(context, url, depth, self.options.visit())
            except VisitError as error:
                result = CrawlError(url=url, error=error.message)
            self._report(url, failed=isinstance(result, CrawlError))
            if delay:
                await asyncio.sleep(delay)
            return result

    def _report(self, url: str, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        queued = len(self.state.attempted) - self.done
        self.progress(CrawlProgress(self.done, queued, self.failed, url))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
