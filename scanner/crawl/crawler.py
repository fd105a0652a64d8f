"""The crawl: same-site pages visited level by level in headless Chromium, several at a time.

The start pages, then what they link to (and, at the first level, what the sitemaps list), and
so on to `depth`. Each level is chosen by the frontier before it is loaded, so two crawls of one
site give the same record whatever the timing.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Browser, Error, async_playwright

from scanner.crawl.browser import launch
from scanner.crawl.collector import Recorded
from scanner.crawl.fetch import Fetcher
from scanner.crawl.frontier import CrawlState
from scanner.crawl.inventory import is_hit
from scanner.crawl.network import Tabs, guard_requests
from scanner.crawl.options import CrawlOptions
from scanner.crawl.read import first_line
from scanner.crawl.robots import ROBOTS_AGENT, Robots
from scanner.crawl.scope import Scope, check_url, normalise
from scanner.crawl.sitemaps import sitemap_pages
from scanner.crawl.slots import MOST, Slots
from scanner.crawl.visit import MUTATION_CLOCK, BrowserGone, VisitError, visit
from scanner.errors import BrowserUnavailable
from scanner.models import CrawlError, Site
from scanner.url_templates import split_url

MAX_RESTARTS = 3  # browser restarts in one crawl before it gives up
CLOSE_TIMEOUT_S = 5.0  # for closing the browser and its driver, which may be dying
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
    shots: dict[str, bytes]  # screenshots by file name, for OUT/shots/


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
    crawler = Crawler(scope, options, state, robots, progress or _silent)
    try:
        interrupted = asyncio.run(_until_stopped(crawler.run(starts)))
    except KeyboardInterrupt:
        interrupted = True
    return CrawlResult(state.site(starts, robots), interrupted, state.shots)


async def _until_stopped(crawl: Coroutine[Any, Any, None]) -> bool:
    """Run the crawl; Ctrl-C or SIGTERM stops it (True). A terminal's Ctrl-C reaches the whole
    process group, so the browser's driver may die with it: its errors then end the crawl too,
    and what was gathered stays."""
    task = asyncio.ensure_future(crawl)
    stopped = False

    def stop() -> None:
        nonlocal stopped
        stopped = True
        task.cancel()

    loop = asyncio.get_running_loop()
    handled = threading.current_thread() is threading.main_thread()
    for signal_number in (signal.SIGINT, signal.SIGTERM) if handled else ():
        loop.add_signal_handler(signal_number, stop)
    try:
        await task
    except (asyncio.CancelledError, Error):
        if not stopped:
            raise
    finally:
        for signal_number in (signal.SIGINT, signal.SIGTERM) if handled else ():
            loop.remove_signal_handler(signal_number)
    return stopped


def _browser_died(url: str, error: str) -> str:
    why = f" ({first_line(error)})" if error else ""
    return (
        f"{url}: the browser died while loading it{why}; it was restarted "
        f"(at most {MAX_RESTARTS} times a crawl). If it keeps dying, lower --concurrency or "
        "free some memory."
    )


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
        self.limit = Slots(options.concurrency)
        self.host_limits: dict[str, asyncio.Semaphore] = {}
        self.done = self.failed = 0
        self.tabs = Tabs(self._why_not_load)
        self.restarts = 0
        self.restarting = asyncio.Lock()

    async def run(self, starts: list[str]) -> None:
        self.playwright = await async_playwright().start()
        try:
            try:
                await self._start_browser()
            except Error as error:
                raise BrowserUnavailable(
                    f"The browser closed as it started ({first_line(str(error))}). "
                    "Try again; if it keeps failing, check the machine's memory."
                ) from None
            await self._levels(self.fetcher, starts)
        finally:
            await self.limit.close()
            # After Ctrl-C the browser, or Playwright's driver, may be gone or never answer.
            with suppress(Error, asyncio.TimeoutError):
                if hasattr(self, "browser"):
                    await self.tabs.close_all()  # within 2 * CLOSE_TAB_S
                    await asyncio.wait_for(self.browser.close(), CLOSE_TIMEOUT_S)
            with suppress(Error, asyncio.TimeoutError):
                await asyncio.wait_for(self.playwright.stop(), CLOSE_TIMEOUT_S)

    async def _start_browser(self) -> None:
        """Launch the browser and open the crawl's context, its requests guarded."""
        third_parties = self.scope if self.options.block_third_party else None
        self.browser = await launch(self.playwright, self.options.browser, third_parties)
        probe = await self.browser.new_page()
        user_agent = (await probe.evaluate("navigator.userAgent")).replace(
            "HeadlessChrome", "Chrome"
        )
        await probe.close()
        user_agent = f"{user_agent} {USER_AGENT_SUFFIX}"
        self.context = await self.browser.new_context(
            user_agent=user_agent, viewport={"width": 1280, "height": 900}, service_workers="block"
        )
        await guard_requests(self.context, self.tabs)
        await self.context.add_init_script(MUTATION_CLOCK)
        self.fetcher = Fetcher(user_agent, self._may_fetch)

    async def _restart_browser(self, dead: Browser) -> bool:
        """A browser that died (crashed, killed, out of memory) is started again, once for all
        the pages that were loading in it; False past MAX_RESTARTS: the pages left fail."""
        async with self.restarting:
            if self.browser is not dead:
                return True  # another page already restarted it
            if self.restarts == MAX_RESTARTS:
                return False
            self.restarts += 1
            with suppress(Error, asyncio.TimeoutError):
                await asyncio.wait_for(dead.close(), CLOSE_TIMEOUT_S)
            try:
                await self._start_browser()
            except (Error, BrowserUnavailable):
                return False
            return True

    def _why_not_contact(self, url: str) -> str:
        """Why the crawl may not ask anything of `url` (robots.txt and sitemaps included), ''
        when it may: only the site's own addresses, never an analytics endpoint."""
        if not self.scope.on_site(url):
            return "another site"
        return "an analytics endpoint" if is_hit(url) else ""

    def _why_not_load(self, url: str) -> str:
        """Why a tab may not go to `url` (a redirect, a script navigation), '' when it may."""
        why = self._why_not_contact(url)
        return why or ("" if self.robots.allows(url) else "disallowed by robots.txt")

    def _may_fetch(self, url: str) -> bool:
        return not self._why_not_contact(url)

    async def _levels(self, fetcher: Fetcher, starts: list[str]) -> None:
        state, options = self.state, self.options
        await self.robots.learn(fetcher, starts)
        listed: list[str] = []
        if options.sitemaps and options.depth > 0:
            sitemaps = await sitemap_pages(fetcher, starts, self.robots, self.scope)
            listed, state.sitemap_pages = sitemaps.in_scope, sitemaps.listed
            state.cuts += sitemaps.cuts
        level, candidates = 0, list(starts)
        # a resumed crawl walks again through the levels it already recorded, to their links
        deepest = max((page.depth for page in state.pages.values()), default=-1)
        while candidates or level <= deepest:
            # never for hosts out of scope
            await self.robots.learn(fetcher, [url for url in candidates if self.scope.on_site(url)])
            chosen = state.choose(candidates, level, self.scope, self.robots, options)
            finished: dict[str, Recorded | CrawlError] = {}
            try:
                await asyncio.gather(*(self._load(url, level, finished) for url in chosen))
            finally:  # pages finished before an interruption are kept, in a fixed order
                pages = [
                    state.record(url, finished[url], self.scope)
                    for url in chosen
                    if url in finished
                ]
            links = {normalise(link) for link in state.links_kept(level, chosen)}
            for page in pages:
                if page is not None:
                    links.update(normalise(link) for link in page.links)
            if level >= options.depth:
                break
            level += 1
            if level == 1:
                links.update(listed)
            candidates = sorted(links - state.attempted - set(state.pages))
        state.left_over(candidates, self.scope)

    async def _load(self, url: str, depth: int, finished: dict[str, Recorded | CrawlError]) -> None:
        """Visit one page within the limits, waiting out the host's Crawl-delay; the page is
        tried again in a new browser when the browser died under it."""
        host = split_url(url).netloc
        delay = self.robots.crawl_delay(host)
        if host not in self.host_limits:
            self.host_limits[host] = asyncio.Semaphore(1 if delay else MOST)
        async with self.host_limits[host], self.limit:
            started = asyncio.get_running_loop().time()
            result: Recorded | CrawlError
            for attempt in range(2):
                browser = self.browser
                try:
                    result = await visit(self.context, url, depth, self.options.visit(), self.tabs)
                    break
                except VisitError as error:
                    result = CrawlError(url=url, error=error.message)
                    break
                except (BrowserGone, Error) as error:  # the browser died
                    result = CrawlError(url=url, error=_browser_died(url, str(error)))
                    if attempt or not await self._restart_browser(browser):
                        break
            finished[url] = result
            self.limit.took(asyncio.get_running_loop().time() - started)
            self._report(url, failed=isinstance(result, CrawlError))
            if delay:
                await asyncio.sleep(delay)

    def _report(self, url: str, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        queued = len(self.state.attempted) - self.done
        self.progress(CrawlProgress(self.done, queued, self.failed, url))
