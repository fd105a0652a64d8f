"""The crawl stage: visit same-site pages in headless Chromium and record what they render."""

from __future__ import annotations

import re
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urldefrag, urlsplit, urlunsplit

from playwright.sync_api import BrowserContext, Error, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from scanner.browser import open_browser
from scanner.errors import EXIT_SITE, EXIT_USAGE, ScannerError
from scanner.models import CrawlError, Page, ScanSettings, Site

USER_AGENT_SUFFIX = "tracking-plan-scanner/0.1 (+https://github.com/tracking-plan-scanner)"
BLOCKED_RESOURCES = frozenset({"image", "media", "font"})
LOAD_GRACE_MS = 5_000
# Links to these are recorded (file_download) but never opened as pages.
NOT_PAGES = re.compile(
    r"\.(pdf|zip|gz|rar|7z|dmg|exe|msi|docx?|xlsx?|pptx?|csv|txt|xml|json|jpe?g|png|gif|svg|"
    r"webp|mp4|mov|avi|mp3|wav|ics)$",
    re.IGNORECASE,
)
NETWORK_ERRORS = {
    "ERR_CONNECTION_REFUSED": "connection refused; is the server running and the address right?",
    "ERR_NAME_NOT_RESOLVED": "the host name does not resolve; check the address",
    "ERR_ADDRESS_UNREACHABLE": "the address is unreachable; check the address and the network",
    "ERR_CONNECTION_RESET": "the connection was reset; try again later",
    "ERR_CERT": "its TLS certificate is not valid",
    "ERR_TOO_MANY_REDIRECTS": "it redirects in a loop",
    "ERR_ABORTED": "the browser aborted the navigation (a download or a blocked address?)",
}


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 20
    depth: int = 2
    timeout_ms: int = 20_000
    block_third_party: bool = False
    browser: str | None = None


@dataclass
class CrawlState:
    pages: dict[str, Page] = field(default_factory=dict)
    errors: list[CrawlError] = field(default_factory=list)
    interrupted: bool = False


@dataclass(frozen=True)
class CrawlResult:
    site: Site
    interrupted: bool


def check_url(url: str) -> str:
    """The URL without its fragment, or a ScannerError if it is not an http(s) address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScannerError(
            f"'{url}' is not a web address; give a full URL such as https://example.com/.",
            EXIT_USAGE,
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ScannerError(f"'{url}' has an invalid port number.", EXIT_USAGE) from None
    return normalise(url.strip())


def normalise(url: str) -> str:
    """Drop the fragment and give an empty path a slash, so one page has one address."""
    parts = urlsplit(urldefrag(url)[0])
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def site_key(url: str) -> str:
    """Host without a leading www., the unit of 'same site'."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def crawlable(url: str, sites: set[str]) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and site_key(url) in sites
        and not NOT_PAGES.search(parts.path)
    )


def crawl(start_urls: list[str], options: CrawlOptions, settings: ScanSettings) -> CrawlResult:
    """Breadth-first crawl from the start URLs, at most `max_pages` pages and `depth` links deep.

    Failures are recorded in `Site.errors` and the crawl goes on; Ctrl-C stops it and returns
    what was gathered.
    """
    starts = sorted(set(check_url(url) for url in start_urls))
    sites = {site_key(url) for url in starts}
    state = CrawlState()
    with open_browser(options.browser) as browser:
        user_agent = browser.new_page().evaluate("navigator.userAgent")
        context = browser.new_context(
            user_agent=f"{user_agent.replace('HeadlessChrome', 'Chrome')} {USER_AGENT_SUFFIX}",
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        context.route("**/*", lambda route: _filter_request(route, sites, options))
        try:
            _crawl_queue(context, starts, sites, options, state)
        except KeyboardInterrupt:
            state.interrupted = True
        finally:
            with suppress(Error):  # after Ctrl-C the browser may already be gone
                context.close()
    site = Site(
        start_urls=starts,
        settings=settings,
        pages=sorted(state.pages.values(), key=lambda page: page.url),
        errors=sorted(state.errors, key=lambda error: error.url),
    )
    return CrawlResult(site=site, interrupted=state.interrupted)


def _filter_request(route: Route, sites: set[str], options: CrawlOptions) -> None:
    request = route.request
    if request.resource_type in BLOCKED_RESOURCES and not request.is_navigation_request():
        route.abort()
    elif options.block_third_party and site_key(request.url) not in sites:
        route.abort("blockedbyclient")
    else:
        route.continue_()


def _crawl_queue(
    context: BrowserContext,
    starts: list[str],
    sites: set[str],
    options: CrawlOptions,
    state: CrawlState,
) -> None:
    queue: deque[tuple[str, int]] = deque((url, 0) for url in starts)
    queued = set(starts)
    page = context.new_page()
    while queue and len(state.pages) < options.max_pages:
        url, depth = queue.popleft()
        try:
            record = _visit(page, url, depth, options, starts)
        except ScannerError as error:
            state.errors.append(CrawlError(url=url, error=error.message))
            continue
        if record.url in state.pages:
            continue
        state.pages[record.url] = record
        if depth >= options.depth:
            continue
        for link in record.links:
            target = normalise(link)
            if target not in queued and crawlable(target, sites):
                queued.add(target)
                queue.append((target, depth + 1))


def _visit(page: Any, url: str, depth: int, options: CrawlOptions, starts: list[str]) -> Page:
    """Load one page and run the collector on it."""
    try:
        response = page.goto(url, wait_until="domcontentloaded", timeout=options.timeout_ms)
    except PlaywrightTimeout:
        raise ScannerError(
            f"{url} did not finish loading within {options.timeout_ms // 1000} s.", EXIT_SITE
        ) from None
    except Error as error:
        raise ScannerError(_network_message(url, str(error)), EXIT_SITE) from None
    if response is None:
        raise ScannerError(f"{url} gave no response.", EXIT_SITE)
    if response.status >= 400:
        raise ScannerError(f"{url} answered HTTP {response.status}; check the address.", EXIT_SITE)
    content_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in ("text/html", "application/xhtml+xml"):
        raise ScannerError(
            f"{url} is not an HTML page (it is {content_type}); give the address of a web page.",
            EXIT_SITE,
        )
    final_url = normalise(page.url)
    if site_key(final_url) not in {site_key(start) for start in starts}:
        raise ScannerError(
            f"{url} redirects off the site, to {final_url}; not followed.", EXIT_SITE
        )
    # Some pages never fire load (endless scripts, stalled requests): snapshot them anyway.
    with suppress(PlaywrightTimeout):
        page.wait_for_load_state("load", timeout=LOAD_GRACE_MS)
    data = page.evaluate(_collector_source())
    return Page(url=final_url, requested_url=url, status=response.status, depth=depth, **data)


def _network_message(url: str, error: str) -> str:
    for code, meaning in NETWORK_ERRORS.items():
        if code in error:
            return f"Could not load {url}: {meaning}."
    first_line = error.strip().splitlines()[0] if error.strip() else "unknown error"
    return f"Could not load {url}: {first_line}."


@cache
def _collector_source() -> str:
    return files("scanner").joinpath("snapshot.js").read_text(encoding="utf-8")
