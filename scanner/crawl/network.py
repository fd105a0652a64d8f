"""What the browser may send. Analytics hits never leave: hosts that only collect do not even
resolve (so workers, WebSockets, redirects and beacons sent as a tab closes are stopped too),
each tab's renderer refuses collection paths, and each tab's requests to collection addresses
(its workers' included) are paused and failed; each tab records what it tried to send. Every
navigation of a tab, each redirect hop, is checked before it is followed. Only those requests
wait for the crawl: the rest go straight to the network, through the browser's cache, which
Playwright's routes would turn off. Images, fonts and media are not downloaded; other sites do
not resolve when third parties are blocked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import BrowserContext, Error, Page, Request, WebSocketRoute

from scanner.crawl.inventory import (
    COLLECTION_HOSTS,
    COLLECTION_URL_PATTERNS,
    hit_events,
    hit_label,
    is_hit,
)
from scanner.crawl.read import TabSession, open_session
from scanner.crawl.scope import Scope

MAX_REDIRECTS = 10
NOT_DOWNLOADED = ("Font", "Media")  # images are off in the renderer (browser.py)
# The requests a tab pauses for the crawl to answer: collection addresses (its workers' too),
# fonts and media (failed), and documents, before they are sent and again at their answer (a
# redirect is checked before it is followed). Nothing else waits.
PAUSED = [
    *({"urlPattern": pattern, "requestStage": "Request"} for pattern in COLLECTION_URL_PATTERNS),
    *(
        {"urlPattern": "*", "resourceType": kind, "requestStage": "Request"}
        for kind in ("Document", *NOT_DOWNLOADED)
    ),
    {"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"},
]
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
# A tab is closed after this many visits: its renderer's caches and heaps grow with every page
# (to about 120 MB each over a few hundred), and a new tab starts from nothing.
TAB_VISITS = 40
# A tab's every COLLECT_EVERY-th visit ends with a garbage collection in its renderer: the
# renderers the tabs share stay near the size of their pages (peak memory of a 1,000-page crawl
# 0.7 GiB instead of 1 GiB), at a fraction of the CPU one after every visit would take.
COLLECT_EVERY = 8
CLOSE_TAB_S = 3.0
# Answers that leave the tab on the page it shows: to a navigation before it is sent, and to
# one the network failed (an aborted navigation shows no error page).
NO_CONTENT: tuple[str, dict[str, Any]] = (
    "Fetch.fulfillRequest",
    {"responseCode": 204, "responseHeaders": []},
)
STAY: tuple[str, dict[str, Any]] = ("Fetch.failRequest", {"errorReason": "Aborted"})


def resolver_rules(site_only: Scope | None = None) -> str:
    """Chromium's --host-resolver-rules: the collection-only hosts (and their trailing-dot
    spellings) resolve nowhere, whatever part of the browser asks; with `site_only`, no host
    but the site's does."""
    rules = [f"MAP {host}{dot} ~NOTFOUND" for host in COLLECTION_HOSTS for dot in ("", ".")]
    if site_only is not None:
        rules.append("MAP * ~NOTFOUND")
        names = set(site_only.hosts)
        if not site_only.same_host:
            names |= {f"{prefix}{site}" for site in site_only.sites for prefix in ("", "*.")}
        rules += [f"EXCLUDE {name}" for name in sorted(names) if name]
    return ", ".join(rules)


@dataclass(frozen=True)
class Refused:
    """Where a redirect would have led, and why the crawl did not go there (a page that
    navigates itself off the site just stays put)."""

    target: str
    why: str  # "another site", "disallowed by robots.txt", "an analytics endpoint"...


@dataclass
class TabGuard:
    """Answers the requests a tab pauses (PAUSED): hits and unwanted downloads fail, a
    navigation of the tab goes on only to an address `may_load` allows ('' when it may), hop by
    hop; one refused gets 204 No Content, so the tab stays where it was, and so does one the
    page makes itself once the visit's page has answered, when the network fails it (a script
    that moves an http page to an https address nothing answers on would leave only Chromium's
    error page to read)."""

    session: TabSession  # the tab's, for its lifetime
    may_load: Callable[[str], str]
    hops: dict[str, list[str]] = field(default_factory=dict)  # per navigation, so far
    refused: Refused | None = None  # the first redirect refused during the visit
    landed: bool = False  # a document of the visit answered (not with a redirect)
    stayed: bool = False  # then one the page made itself failed, and the tab stayed
    visits: int = 0  # visits made in the tab
    pending: set[asyncio.Task[None]] = field(default_factory=set)

    def paused(self, event: dict[str, Any]) -> None:
        _in_background(self._answer(event), self.pending)

    async def _answer(self, event: dict[str, Any]) -> None:
        try:
            method, params = self.decide(event)
        except Exception:  # a malformed event: never let the request through unchecked
            method, params = "Fetch.failRequest", {"errorReason": "BlockedByClient"}
        with suppress(Error):  # the tab closed while its request was paused
            await self.session.cdp.send(method, {"requestId": event["requestId"], **params})

    def decide(self, event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The Fetch command that answers a paused request, and its parameters."""
        url, kind = event["request"]["url"], event.get("resourceType", "")
        status = event.get("responseStatusCode")
        if is_hit(url) or (kind in NOT_DOWNLOADED and status is None):
            return "Fetch.failRequest", {"errorReason": "BlockedByClient"}
        if kind != "Document" or event.get("frameId") != self.session.frame:
            return "Fetch.continueRequest", {}
        if event.get("responseErrorReason"):  # the network failed it: no answer came
            if not self.landed:
                return "Fetch.continueRequest", {}
            self.stayed = True
            return STAY
        hops = self.hops.setdefault(str(event.get("networkId", "")), [])
        if status is None:
            return self._go_on(url, self.may_load(url), hops)
        location = _header(event.get("responseHeaders") or [], "location")
        if not (300 <= status < 400 and location):
            self.landed = True
            return "Fetch.continueRequest", {}
        hops.append(url)
        target = urljoin(url, location)
        why = "a redirect loop" if len(hops) > MAX_REDIRECTS else self.may_load(target)
        return self._go_on(target, why, hops)

    def _go_on(self, target: str, why: str, hops: list[str]) -> tuple[str, dict[str, Any]]:
        if not why:
            return "Fetch.continueRequest", {}
        if hops and self.refused is None:
            self.refused = Refused(target, why)
        return NO_CONTENT

    def reset(self) -> None:
        self.hops.clear()
        self.refused = None
        self.landed = False
        self.stayed = False

    async def scripts(self, enabled: bool) -> None:
        await self.session.cdp.send("Emulation.setScriptExecutionDisabled", {"value": not enabled})

    async def collect_garbage(self) -> None:
        """The pages the tab left are garbage: collected now, instead of when V8 decides."""
        await self.session.cdp.send("HeapProfiler.collectGarbage")


def _in_background(work: Coroutine[Any, Any, None], tasks: set[asyncio.Task[None]]) -> None:
    """Run `work` as a task, kept in `tasks` until it is done (the loop holds tasks weakly)."""
    task = asyncio.ensure_future(work)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def _header(headers: list[dict[str, str]], name: str) -> str:
    return next((h.get("value", "") for h in headers if h.get("name", "").lower() == name), "")


async def _guard_tab(page: Page, may_load: Callable[[str], str]) -> TabGuard:
    """Have the tab's renderer refuse collection addresses itself (it checks every request it
    makes, redirect hops and beacons sent as the tab closes included), and pause PAUSED for
    the tab's guard to answer."""
    session = await open_session(page)
    cdp = session.cdp
    await cdp.send("Network.enable")
    await cdp.send("Network.setBlockedURLs", {"urls": list(COLLECTION_URL_PATTERNS)})
    guard = TabGuard(session, may_load)
    cdp.on("Fetch.requestPaused", guard.paused)
    await cdp.send("Fetch.enable", {"patterns": PAUSED})
    return guard


def _nowhere(_: str) -> str:
    return "a popup"


async def _scripts_off(guard: TabGuard) -> None:
    """No more script of the tab's page runs, its pagehide and unload handlers included."""
    with suppress(Error, asyncio.TimeoutError):
        await asyncio.wait_for(guard.scripts(enabled=False), CLOSE_TAB_S)


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
    """The tabs the crawl opened, each with its guard (any other page of the context is a popup,
    to be closed), those idle between visits, and the hits each records during its visit."""

    may_load: Callable[[str], str]  # why a tab may not go to an address, '' when it may
    guards: dict[Page, TabGuard] = field(default_factory=dict)  # one per tab the crawl opened
    idle: list[Page] = field(default_factory=list)
    recording: dict[Page, Hits] = field(default_factory=dict)
    emptying: set[asyncio.Task[None]] = field(default_factory=set)

    def guard(self, page: Page) -> TabGuard:
        """The guard of a tab taken for a visit (its CDP session, the redirect it refused)."""
        return self.guards[page]

    async def take(self, context: BrowserContext) -> tuple[Page, Hits]:
        """A tab for one visit, and the record of the hits it tries to send during it: an idle
        tab of this context (its renderer already running, which saves most of a page's
        start-up; one being emptied is waited for, so the crawl keeps about as many tabs, and
        renderers, as pages at once), or a new one that refuses hits."""
        page = self._idle_tab(context)
        if page is None and self.emptying:  # one is nearly ready: no renderer more to start
            await asyncio.wait(
                set(self.emptying), timeout=CLOSE_TAB_S, return_when=asyncio.FIRST_COMPLETED
            )
            page = self._idle_tab(context)
        if page is None:
            page = await context.new_page()
            self.guards[page] = await _guard_tab(page, self.may_load)
        hits = Hits()
        self.recording[page] = hits
        page.on("request", hits.add)  # every attempt, redirect hops included
        return page, hits

    def _idle_tab(self, context: BrowserContext) -> Page | None:
        while self.idle:
            page = self.idle.pop()
            if page.context is context and not page.is_closed():
                return page
            self.guards.pop(page, None)
        return None

    async def release(self, page: Page, reusable: bool) -> None:
        """The visit is over: a `reusable` tab is emptied (about:blank stops its scripts,
        timers and unload beacons before the next visit records its own hits) in the
        background, then kept for the next visit, until its TAB_VISITS-th; any other, or one
        that will not empty, is closed."""
        guard = self.guards.get(page)
        if guard is not None:
            guard.reset()
            guard.visits += 1
        hits = self.recording.pop(page, None)
        if hits is not None:
            page.remove_listener("request", hits.add)
        if not reusable:
            await self._close(page)
        elif guard is not None and guard.visits >= TAB_VISITS:
            _in_background(self._close(page), self.emptying)
        else:
            _in_background(self._empty(page), self.emptying)

    async def _empty(self, page: Page) -> None:
        """Leave the page with its scripts off, so its unload handlers send nothing (a beacon
        sent as a page is left goes out from the browser, past the tab's blocking); every
        COLLECT_EVERY-th visit, collect what the pages left."""
        guard = self.guards.get(page)
        with suppress(Error, asyncio.TimeoutError):
            if guard is not None:
                await asyncio.wait_for(guard.scripts(enabled=False), CLOSE_TAB_S)
                await asyncio.wait_for(page.goto("about:blank"), CLOSE_TAB_S)
                if guard.visits % COLLECT_EVERY == 0:
                    await asyncio.wait_for(guard.collect_garbage(), CLOSE_TAB_S)
                await asyncio.wait_for(guard.scripts(enabled=True), CLOSE_TAB_S)
                self.idle.append(page)
                return
        await self._close(page)

    async def close_all(self) -> None:
        """Before the browser closes: the tabs being emptied are emptied, and every other tab
        has its scripts turned off, so no page's pagehide or unload handler runs as it goes
        (a beacon sent then leaves from the browser, past the tab's blocking)."""
        if self.emptying:
            await asyncio.wait(set(self.emptying), timeout=CLOSE_TAB_S)
        busy = [guard for page, guard in self.guards.items() if page not in self.idle]
        await asyncio.gather(*(_scripts_off(guard) for guard in busy))

    async def _close(self, page: Page) -> None:
        """Close a tab, its scripts off first, within CLOSE_TAB_S; one that will not close (a
        page reloading itself without end) has its renderer crashed first."""
        guard = self.guards.pop(page, None)
        if guard is not None:
            await _scripts_off(guard)
        with suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(page.close(), CLOSE_TAB_S)
            return
        with suppress(Error, asyncio.TimeoutError):
            cdp = await asyncio.wait_for(page.context.new_cdp_session(page), CLOSE_TAB_S)
            await asyncio.wait_for(cdp.send("Page.crash"), CLOSE_TAB_S)
        with suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(page.close(), CLOSE_TAB_S)


async def guard_requests(context: BrowserContext, tabs: Tabs) -> None:
    """Refuse the context's WebSockets to collection endpoints, keep pages from opening
    windows, and close every popup a page opens anyway (its navigations refused first)."""

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
            if page not in tabs.guards:  # registered within POPUP_GRACE_S of opening
                # its navigations refused, and no handler of its own runs as it closes
                await _scripts_off(await _guard_tab(page, _nowhere))
                await page.close()

    await context.route_web_socket(is_hit, refuse_socket)
    await context.add_init_script(NO_POPUPS)
    context.on("page", close_popup)
