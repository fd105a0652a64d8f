"""What the browser may send. Analytics hits never leave: hosts that only collect do not even
resolve (so workers, WebSockets, redirects and beacons sent as a tab closes are stopped too),
each tab's renderer refuses collection paths, and every request of the context, popups
included, is checked against the collection endpoints and aborted; each tab records what it
tried to send. Images, fonts and media are not downloaded; other sites are blocked on request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

from playwright.async_api import BrowserContext, Error, Page, Request, Route, WebSocketRoute

from scanner.crawl.inventory import (
    COLLECTION_HOSTS,
    COLLECTION_URL_PATTERNS,
    hit_events,
    hit_label,
    is_hit,
)
from scanner.crawl.redirects import Refused, follow_checked
from scanner.crawl.scope import Scope

BLOCKED_RESOURCES = frozenset({"image", "media", "font"})
# Pages open no windows: window.open opens nothing, and links and forms aimed at another window
# do not follow (the consent click is the only click the crawl makes). The popup blocker and
# closing what still opens are the layers behind this one.
NO_POPUPS = """
window.open = function open() { return null; };
const aimedAway = (target) => target && !["_self", "_top", "_parent"].includes(target);
addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[target], area[target]");
  if (link && aimedAway(link.target)) event.preventDefault();
}, true);
addEventListener("submit", (event) => {
  if (aimedAway(event.target.target)) event.preventDefault();
}, true);
HTMLFormElement.prototype.submit = new Proxy(HTMLFormElement.prototype.submit, {
  apply(submit, form, args) { if (!aimedAway(form.target)) return submit.apply(form, args); },
});
"""
POPUP_GRACE_S = 2.0  # a tab the crawl opens is registered well within this
CLOSE_TAB_S = 3.0


def resolver_rules() -> str:
    """Chromium's --host-resolver-rules: the collection-only hosts (and their trailing-dot
    spellings) resolve nowhere, whatever part of the browser asks."""
    return ", ".join(f"MAP {host}{dot} ~NOTFOUND" for host in COLLECTION_HOSTS for dot in ("", "."))


async def _block_hits_in_tab(page: Page) -> None:
    """Have the tab's renderer refuse collection addresses itself: it checks every request it
    makes, redirect hops and beacons sent as the tab closes included, which routes miss."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.setBlockedURLs", {"urls": list(COLLECTION_URL_PATTERNS)})


@dataclass
class Hits:
    """The analytics hits a tab tried to send: their host and path, and the events they sent."""

    labels: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def add(self, request: Request) -> None:
        if not is_hit(request.url):
            return
        self.labels.append(hit_label(request.url))
        try:
            body = request.post_data or ""
        except (Error, UnicodeDecodeError):
            body = ""
        self.events += hit_events(request.url, body)


@dataclass
class Tabs:
    """The tabs the crawl opened (any other page of the context is a popup, to be closed), and
    where their navigations were redirected or refused."""

    open: set[Page] = field(default_factory=set)
    redirects: dict[Page, list[str]] = field(default_factory=dict)
    refused: dict[Page, Refused] = field(default_factory=dict)

    def navigated(self, page: Page, outcome: list[str] | Refused) -> None:
        if isinstance(outcome, Refused):
            if outcome.redirected:
                self.refused.setdefault(page, outcome)
        elif outcome:
            self.redirects[page] = outcome

    async def new(self, context: BrowserContext) -> tuple[Page, Hits]:
        """A new tab that refuses hits, and the record of those it tried to send."""
        page = await context.new_page()
        self.open.add(page)
        await _block_hits_in_tab(page)
        hits = Hits()
        page.on("request", hits.add)  # every attempt, redirect hops included
        return page, hits

    async def close(self, page: Page) -> None:
        """Close a tab, within CLOSE_TAB_S; one that will not close (a page reloading itself
        without end) has its renderer crashed first."""
        self.open.discard(page)
        self.redirects.pop(page, None)
        self.refused.pop(page, None)
        with suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(page.close(), CLOSE_TAB_S)
            return
        with suppress(Error, asyncio.TimeoutError):
            cdp = await asyncio.wait_for(page.context.new_cdp_session(page), CLOSE_TAB_S)
            await asyncio.wait_for(cdp.send("Page.crash"), CLOSE_TAB_S)
        with suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(page.close(), CLOSE_TAB_S)


def _in_a_popup(request: Request, tabs: Tabs) -> bool:
    """A popup's page (a tab the crawl did not open) runs nothing: no script, no worker, no
    beacon as it closes."""
    if not request.is_navigation_request():
        return False
    try:
        return request.frame.page not in tabs.open
    except Error:
        return False


def _tab_navigation(request: Request) -> bool:
    """A navigation of a tab's page itself (not of a frame in it)."""
    if not request.is_navigation_request():
        return False
    try:
        return request.frame.parent_frame is None
    except Error:
        return False


async def guard_requests(
    context: BrowserContext,
    scope: Scope,
    block_third_party: bool,
    tabs: Tabs,
    may_load: Callable[[str], str],
) -> None:
    """Route every request and WebSocket of the context (its tabs and their popups) through the
    crawl's filter, check every navigation of a tab before it is made (`may_load` says why an
    address may not be loaded, '' when it may), and close every popup a page opens."""

    async def decide(route: Route) -> None:
        request = route.request
        try:
            if is_hit(request.url):
                await route.abort("blockedbyclient")
            elif _in_a_popup(request, tabs):
                await route.fulfill(status=204)  # a popup loads nothing: it is about to close
            elif request.resource_type in BLOCKED_RESOURCES and not request.is_navigation_request():
                await route.abort()
            elif _tab_navigation(request):
                outcome = await follow_checked(route, may_load)
                tabs.navigated(request.frame.page, outcome)
            elif block_third_party and not scope.on_site(request.url):
                await route.abort("blockedbyclient")
            else:
                await route.continue_()
        except Error:
            return  # the page closed while its request was pending

    async def refuse_socket(socket: WebSocketRoute) -> None:
        with suppress(Error):
            await socket.close(code=1008, reason="analytics hits are not sent while scanning")

    async def close_popup(page: Page) -> None:
        """Only the crawl opens tabs. The browser's popup blocker stops the windows scripts
        open; one that opens anyway (after the consent click) is closed once it is clear the
        crawl did not open it."""
        with suppress(Error):
            if await page.opener() is None:
                await asyncio.sleep(POPUP_GRACE_S)
            if page not in tabs.open:
                await _block_hits_in_tab(page)  # its beacons on closing are refused too
                await page.close()

    await context.route("**/*", decide)
    await context.route_web_socket(is_hit, refuse_socket)
    await context.add_init_script(NO_POPUPS)
    context.on("page", close_popup)
