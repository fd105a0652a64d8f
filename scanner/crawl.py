"""The crawl stage: visit same-site pages in headless Chromium and record what they render.

Pages are crawled level by level (the start pages, then what they link to, ...). Each level's
addresses are chosen in a fixed order, intent pages first, within the page budget and the
per-template sample, and then loaded in parallel: the set of pages crawled never depends on
which page happened to answer first, so two crawls of one site give the same record.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Error, Route
from protego import Protego

from scanner.browser import open_browser
from scanner.models import (
    Coverage,
    CrawlError,
    Page,
    RobotsReport,
    ScanSettings,
    Site,
    SkippedPage,
    TemplateCoverage,
)
from scanner.sitemaps import parse_sitemap
from scanner.urls import Scope, check_url, intent, normalise, template
from scanner.visit import Loaded, VisitError, load_with_retries

ROBOTS_AGENT = "tracking-plan-scanner"
USER_AGENT_SUFFIX = f"{ROBOTS_AGENT}/0.1 (+https://github.com/tracking-plan-scanner)"
BLOCKED_RESOURCES = frozenset({"image", "media", "font"})
MAX_CRAWL_DELAY = 10.0  # seconds; a longer Crawl-delay is capped (and reported)
MAX_SITEMAPS, MAX_SITEMAP_PAGES = 50, 50_000
SKIPPED_LISTED = 500
FETCH_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 20
    depth: int = 2
    timeout_ms: int = 20_000
    block_third_party: bool = False
    browser: str | None = None
    concurrency: int = 4
    same_host: bool = False
    allowed_hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sample_per_template: int = 3
    ignore_robots: bool = False
    sitemaps: bool = True
    retries: int = 2
    consent: str = "accept"  # accept, reject or none: what to click on a consent banner


@dataclass
class RobotsRules:
    found: bool
    parser: Protego | None
    crawl_delay: float
    sitemaps: list[str]


@dataclass
class CrawlState:
    """Everything gathered so far; survives an interruption."""

    pages: dict[str, Page] = field(default_factory=dict)
    errors: list[CrawlError] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    found: set[str] = field(default_factory=set)
    attempted: set[str] = field(default_factory=set)
    sampled: Counter[str] = field(default_factory=Counter)
    robots: dict[str, RobotsRules] = field(default_factory=dict)
    sitemap_pages: int = 0
    interrupted: bool = False


class Progress:
    """One line on a terminal: pages done and queued, errors, the page just loaded. Silent
    when standard error is not a terminal (CI, pipes, files)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.width = self.done = self.failed = 0

    def show(self, state: CrawlState, url: str, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        if not self.enabled:
            return
        queued = len(state.attempted) - self.done
        line = f"{self.done} done, {queued} queued, {self.failed} errors: {url}"[:110]
        sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


@dataclass(frozen=True)
class CrawlResult:
    site: Site
    interrupted: bool


def crawl(
    start_urls: list[str],
    options: CrawlOptions,
    settings: ScanSettings,
    resume: Site | None = None,
) -> CrawlResult:
    """Crawl from the start URLs; failures are recorded in `Site.errors` and the crawl goes on;
    Ctrl-C stops it and returns what was gathered. With `resume`, the pages of that earlier
    record are kept and the crawl goes on from them (its errors are tried again)."""
    starts = sorted({check_url(url) for url in start_urls})
    scope = Scope.of(
        starts, options.same_host, options.allowed_hosts, options.include, options.exclude
    )
    state = CrawlState()
    for page in resume.pages if resume else []:
        state.pages[page.url] = page
        state.attempted.add(page.requested_url)
        if page.depth > 0:
            state.sampled[template(page.requested_url)] += 1
    if options.ignore_robots:
        print("warning: --ignore-robots: robots.txt rules are not obeyed", file=sys.stderr)
    progress = Progress()
    try:
        asyncio.run(_crawl(starts, scope, options, state, progress))
    except KeyboardInterrupt:
        state.interrupted = True
    finally:
        progress.close()
    return CrawlResult(site=_site(starts, settings, options, state), interrupted=state.interrupted)


async def _crawl(
    starts: list[str], scope: Scope, options: CrawlOptions, state: CrawlState, progress: Progress
) -> None:
    async with open_browser(options.browser) as browser:
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
        await context.route("**/*", lambda route: _filter_request(route, scope, options))
        try:
            await _crawl_levels(context, starts, scope, options, state, progress)
        finally:
            with suppress(Error):  # after Ctrl-C the browser may already be gone
                await context.close()


async def _crawl_levels(
    context: BrowserContext,
    starts: list[str],
    scope: Scope,
    options: CrawlOptions,
    state: CrawlState,
    progress: Progress,
) -> None:
    host_limits: dict[str, asyncio.Semaphore] = {}
    limit = asyncio.Semaphore(options.concurrency)
    level, candidates = 0, list(starts)
    for url in starts:
        await _robots(context, url, options, state)
    if options.sitemaps and options.depth > 0:
        sitemap_pages = await _sitemap_pages(context, starts, scope, state)
    else:
        sitemap_pages = []
    while candidates:
        for origin in sorted({_origin(url) for url in candidates}):
            await _robots(context, origin, options, state)
        chosen = _choose(candidates, level, scope, options, state)
        loads = await asyncio.gather(
            *(_load(context, url, options, state, limit, host_limits, progress) for url in chosen)
        )
        links = {  # what the pages of this level kept from an earlier run link to
            normalise(link)
            for page in list(state.pages.values())
            if page.depth == level and not page.obstacle and page.requested_url not in chosen
            for link in page.links
        }
        for url, loaded in zip(chosen, loads, strict=True):
            page = _record(url, level, loaded, scope, state)
            if page is not None:
                links.update(normalise(link) for link in page.links)
        if level >= options.depth:
            break
        level += 1
        if level == 1:
            links.update(sitemap_pages)
        candidates = sorted(links - state.attempted - set(state.pages))
    for url in candidates:  # what the last level still linked to
        if url not in state.attempted and not scope.why_not(url):
            state.found.add(url)
            state.skipped.setdefault(url, "beyond --depth or --max-pages")


def _choose(
    candidates: list[str], level: int, scope: Scope, options: CrawlOptions, state: CrawlState
) -> list[str]:
    """The addresses of this level to load, in a fixed order, intent pages first."""
    chosen: list[str] = []
    for url in sorted(candidates, key=lambda u: (level > 0 and not intent(u), u)):
        if url in state.attempted:
            continue
        reason = "" if level == 0 else scope.why_not(url)
        if reason:
            if reason != "another site" and reason != "not a web address":
                state.skipped.setdefault(url, reason)
            continue
        state.found.add(url)
        if not _allowed(url, options, state):
            message = "disallowed by robots.txt"
            if level == 0:
                state.errors.append(
                    CrawlError(
                        url=url, error=f"{url} is {message}; use --ignore-robots to scan it anyway."
                    )
                )
                state.attempted.add(url)
            else:
                state.skipped.setdefault(url, message)
            continue
        kind = template(url)
        sample = options.sample_per_template
        if level > 0 and sample and state.sampled[kind] >= sample:
            state.skipped.setdefault(url, f"template {kind} sampled ({sample} pages)")
            continue
        if len(state.attempted) + len(chosen) >= options.max_pages:
            state.skipped.setdefault(url, "beyond --depth or --max-pages")
            continue
        chosen.append(url)
        state.sampled[kind] += 1
    state.attempted.update(chosen)
    for url in chosen:
        state.skipped.pop(url, None)
    return chosen


async def _load(
    context: BrowserContext,
    url: str,
    options: CrawlOptions,
    state: CrawlState,
    limit: asyncio.Semaphore,
    host_limits: dict[str, asyncio.Semaphore],
    progress: Progress,
) -> Loaded | VisitError:
    """Load one page within the global and the per-host limits, waiting out any Crawl-delay."""
    host = urlsplit(url).netloc
    rules = state.robots.get(host)
    delay = rules.crawl_delay if rules else 0.0
    if host not in host_limits:
        host_limits[host] = asyncio.Semaphore(1 if delay else options.concurrency)
    async with host_limits[host], limit:
        result: Loaded | VisitError
        try:
            result = await load_with_retries(
                context, url, options.timeout_ms, options.retries, options.consent
            )
        except VisitError as error:
            result = error
        progress.show(state, url, failed=isinstance(result, VisitError))
        if delay:
            await asyncio.sleep(delay)
        return result


def _record(
    url: str, depth: int, loaded: Loaded | VisitError, scope: Scope, state: CrawlState
) -> Page | None:
    if isinstance(loaded, VisitError):
        state.errors.append(CrawlError(url=url, error=loaded.message))
        return None
    if not scope.on_site(loaded.final_url):
        state.errors.append(
            CrawlError(
                url=url, error=f"{url} redirects off the site, to {loaded.final_url}; not followed."
            )
        )
        return None
    if loaded.final_url in state.pages:
        return None  # a redirect to a page already recorded
    page = Page(
        url=loaded.final_url,
        requested_url=url,
        status=loaded.status,
        depth=depth,
        redirects=loaded.redirects,
        **loaded.data,
    )
    state.pages[page.url] = page
    return None if page.obstacle else page  # a challenge or a login wall: links not followed


async def _filter_request(route: Route, scope: Scope, options: CrawlOptions) -> None:
    request = route.request
    try:
        if request.resource_type in BLOCKED_RESOURCES and not request.is_navigation_request():
            await route.abort()
        elif options.block_third_party and not scope.on_site(request.url):
            await route.abort("blockedbyclient")
        else:
            await route.continue_()
    except Error:
        return  # the page closed while its request was pending


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _allowed(url: str, options: CrawlOptions, state: CrawlState) -> bool:
    rules = state.robots.get(urlsplit(url).netloc)
    if options.ignore_robots or rules is None or rules.parser is None:
        return True
    return bool(rules.parser.can_fetch(url, ROBOTS_AGENT))


async def _robots(
    context: BrowserContext, url: str, options: CrawlOptions, state: CrawlState
) -> None:
    """Fetch and parse a host's robots.txt once."""
    parts = urlsplit(url)
    if parts.netloc in state.robots:
        return
    body = await _fetch(context, f"{parts.scheme}://{parts.netloc}/robots.txt")
    if body is None:
        state.robots[parts.netloc] = RobotsRules(False, None, 0.0, [])
        return
    parser = Protego.parse(body.decode("utf-8", errors="replace"))
    delay = 0.0 if options.ignore_robots else float(parser.crawl_delay(ROBOTS_AGENT) or 0)
    state.robots[parts.netloc] = RobotsRules(
        True, parser, min(delay, MAX_CRAWL_DELAY), sorted(set(parser.sitemaps))
    )


async def _fetch(context: BrowserContext, url: str) -> bytes | None:
    """A small file (robots.txt, sitemap) fetched with the crawl's user agent; None on failure."""
    try:
        response = await context.request.get(url, timeout=FETCH_TIMEOUT_MS, max_redirects=5)
    except Error:
        return None
    if not response.ok:
        return None
    try:
        return await response.body()
    except Error:
        return None


async def _sitemap_pages(
    context: BrowserContext, starts: list[str], scope: Scope, state: CrawlState
) -> list[str]:
    """In-scope page addresses from the sitemaps named in robots.txt and at /sitemap.xml."""
    queue: list[str] = []
    for url in starts:
        parts = urlsplit(url)
        rules = state.robots.get(parts.netloc)
        queue += (rules.sitemaps if rules else []) + [
            f"{parts.scheme}://{parts.netloc}/sitemap.xml"
        ]
    seen: set[str] = set()
    pages: set[str] = set()
    while queue and len(seen) < MAX_SITEMAPS and len(pages) < MAX_SITEMAP_PAGES:
        sitemap = queue.pop(0)
        if sitemap in seen:
            continue
        seen.add(sitemap)
        body = await _fetch(context, sitemap)
        if body is None:
            continue
        content = parse_sitemap(body)
        queue += content.sitemaps
        pages.update(normalise(page) for page in content.pages[:MAX_SITEMAP_PAGES])
    state.sitemap_pages = len(pages)
    return sorted(page for page in pages if not scope.why_not(page))


def _site(
    starts: list[str], settings: ScanSettings, options: CrawlOptions, state: CrawlState
) -> Site:
    found = state.found | set(state.pages)
    by_template: dict[str, list[str]] = defaultdict(list)
    for url in found:
        by_template[template(url)].append(url)
    crawled_templates = Counter(template(page.requested_url) for page in state.pages.values())
    skipped = sorted(state.skipped.items())
    coverage = Coverage(
        pages_found=len(found),
        pages_crawled=len(state.pages),
        sitemap_pages=state.sitemap_pages,
        ignore_robots=options.ignore_robots,
        templates=[
            TemplateCoverage(template=name, found=len(urls), crawled=crawled_templates[name])
            for name, urls in sorted(by_template.items())
        ],
        robots=[
            RobotsReport(
                host=host, found=rules.found, crawl_delay=rules.crawl_delay, sitemaps=rules.sitemaps
            )
            for host, rules in sorted(state.robots.items())
        ],
        skipped_total=len(skipped),
        skipped=[SkippedPage(url=url, reason=reason) for url, reason in skipped[:SKIPPED_LISTED]],
    )
    return Site(
        start_urls=starts,
        settings=settings,
        pages=sorted(state.pages.values(), key=lambda page: page.url),
        errors=sorted(state.errors, key=lambda error: error.url),
        coverage=coverage,
    )
