"""Visiting one page: navigate, check the answer, wait until it is ready, dismiss the consent
banner, collect, and turn what was collected into the page record. Each step is a small function
driven by one `VisitOptions`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Literal

from playwright.async_api import Browser, BrowserContext, Error, Page, Response
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scanner.crawl.collector import Collected, Recorded, Visit, datalayer_source, page_record
from scanner.crawl.consent import CONSENT_TIMEOUT_S, dismiss_consent
from scanner.crawl.network import Refused, Tabs
from scanner.crawl.read import (
    READ_BUDGET_S,
    Unreadable,
    first_line,
    read_settled,
    read_without_scripts,
    run_until,
)
from scanner.crawl.scope import normalise
from scanner.crawl.shots import ShotChooser, take_shots

LOAD_GRACE_MS = 5_000  # pages that never fire load are snapshotted anyway after this
READY_ASK_S = 0.25  # how long one question to the document about its loading may wait
QUIET_MS, QUIET_LIMIT_MS = 200, 1_500  # a still page (MUTATION_CLOCK), the most we wait for it
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
CHALLENGE_STATUS = frozenset({403, 429, 503})  # bot challenges answer with these: look first
HTML_TYPES = ("text/html", "application/xhtml+xml")
DATALAYER_TEXT = 500  # characters kept of each dataLayer entry
NETWORK_ERRORS = {
    "ERR_CONNECTION_REFUSED": "connection refused; is the server running and the address right?",
    "ERR_NAME_NOT_RESOLVED": "the host name does not resolve; check the address",
    "ERR_ADDRESS_UNREACHABLE": "the address is unreachable; check the address and the network",
    "ERR_CONNECTION_RESET": "the connection was reset; try again later",
    "ERR_CERT": "its TLS certificate is not valid",
    "ERR_TOO_MANY_REDIRECTS": "it redirects in a loop",
    "ERR_ABORTED": "the browser aborted the navigation (a download or a blocked address?)",
}
TRANSIENT_ERRORS = ("ERR_CONNECTION_RESET", "ERR_TIMED_OUT", "ERR_NETWORK_CHANGED", "timeout")

LoadState = Literal["domcontentloaded", "load"]
# Resolve once the document is parsed (DOMContentLoaded), or loaded (the load event), on the
# document's own events: no timer a page could have replaced.
READY: dict[LoadState, str] = {
    "domcontentloaded": """document.readyState !== "loading" || new Promise((resolve) =>
  document.addEventListener("DOMContentLoaded", () => resolve(true), {once: true}))""",
    "load": """document.readyState === "complete" || new Promise((resolve) =>
  window.addEventListener("load", () => resolve(true), {once: true}))""",
}

# Run in every document before its own scripts: how long the page has been still, no node or
# text of its content added, removed or changed (attributes move with every animation) and no
# fetch or XMLHttpRequest of its own in flight (0 while one is).
MUTATION_CLOCK = """(() => {
  let last = performance.now(), pending = 0;
  const moved = () => { last = performance.now(); };
  new MutationObserver((records) => {  // what <head> gains (scripts, styles) is no content
    const head = document.head;
    if (records.some((record) => !(head && head.contains(record.target)))) moved();
  }).observe(document, {subtree: true, childList: true, characterData: true});
  const fetch = window.fetch;
  if (typeof fetch === "function") {
    window.fetch = function (...args) {
      pending++;
      const answer = fetch.apply(this, args);
      answer.then(() => {}, () => {}).finally(() => { pending--; moved(); });
      return answer;
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    pending++;
    this.addEventListener("loadend", () => { pending--; moved(); }, {once: true});
    try { return send.apply(this, args); } catch (error) { pending--; throw error; }
  };
  Object.defineProperty(window, "__scannerQuietMs",
    {value: () => (pending > 0 ? 0 : performance.now() - last)});
})();"""
# Resolves once the page has been still for `quiet` ms (counted from its last change, so a page
# already still is read at once), or after `limit` ms; at once when nothing in the document can
# change it (no script it runs, no handler of the events a loaded page still gets).
WAIT_FOR_QUIET_DOM = """([quiet, limit]) => new Promise((resolve) => {
  const runs = 'script:not([type]), script[type=""], script[type="module"], ' +
    'script[type*="javascript" i], script[type*="ecmascript" i], ' +
    '[onload], [onerror], [onpageshow], [onanimationend], [ontransitionend]';
  if (!document.querySelector(runs)) { resolve(true); return; }
  const started = performance.now();
  const clock = typeof window.__scannerQuietMs === "function"
    ? window.__scannerQuietMs : () => performance.now() - started;  // a document without it
  const check = () => {
    const waited = performance.now() - started, still = clock();
    if (still >= quiet || waited >= limit) resolve(true);
    else setTimeout(check, Math.min(quiet - still, limit - waited) + 5);
  };
  check();
})"""


@dataclass(frozen=True)
class VisitOptions:
    timeout_ms: int = 20_000  # for the navigation itself
    retries: int = 2  # more attempts after a transient error
    consent: str = "accept"  # accept, reject or none: what to click on a consent banner
    shots: ShotChooser | None = None  # which elements to photograph (shots.py); None: none

    def deadline_s(self) -> float:
        """The most a whole attempt may take: scripts can keep a page from ever answering, and
        each step is bounded (a read given up falls back to the HTML without scripts)."""
        waits = LOAD_GRACE_MS / 1000 + CONSENT_TIMEOUT_S + QUIET_LIMIT_MS / 1000
        return self.timeout_ms / 1000 + waits + READ_BUDGET_S + 5  # and closing the tab


class VisitError(Exception):
    """The page could not be recorded; `transient` errors are worth a retry."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


class BrowserGone(Exception):
    """The browser died (crashed, killed, out of memory) while the page was loading."""


async def visit(
    context: BrowserContext, url: str, depth: int, options: VisitOptions, tabs: Tabs
) -> Recorded:
    """Record `url`, tried again after 0.5 s, 1 s... when the error is transient; BrowserGone
    when the browser died under it (the crawl restarts the browser)."""
    browser = context.browser
    assert browser is not None  # the crawl's contexts belong to the browser it launched
    attempt = 0
    while True:
        try:
            return await _until_deadline(
                _attempt(context, url, depth, options, tabs), options.deadline_s(), browser
            )
        except asyncio.TimeoutError:
            raise VisitError(
                f"{url} stopped responding (after {options.deadline_s():.0f} s)."
            ) from None
        except VisitError as error:
            if not browser.is_connected():
                raise BrowserGone() from None
            if not error.transient or attempt == options.retries:
                raise
        except Error as error:
            if not browser.is_connected():
                raise BrowserGone() from None
            if attempt == options.retries:  # the tab crashed, or the page broke a step
                raise VisitError(f"{url}: the tab failed ({first_line(str(error))}).") from None
        await asyncio.sleep(0.5 * 2**attempt)
        attempt += 1


async def _until_deadline(
    attempt: Coroutine[Any, Any, Recorded], deadline_s: float, browser: Browser
) -> Recorded:
    """The attempt's record, or TimeoutError past the deadline, or BrowserGone as soon as the
    browser disconnects (calls to a dead browser may never answer)."""
    gone = asyncio.Event()

    def disconnected(_: Browser) -> None:
        gone.set()

    browser.on("disconnected", disconnected)
    try:
        recorded = await run_until(attempt, gone, deadline_s)
    finally:
        browser.remove_listener("disconnected", disconnected)
    if recorded is None:
        raise BrowserGone()
    return recorded


async def _attempt(
    context: BrowserContext, url: str, depth: int, options: VisitOptions, tabs: Tabs
) -> Recorded:
    """One attempt in a tab of its own for the time of the visit. Analytics hits are
    intercepted, never sent."""
    page, hits = await tabs.take(context)
    guard = tabs.guard(page)
    reusable = False  # only a tab whose visit ended normally serves the next one
    try:
        try:
            response = await _navigate(page, url, options.timeout_ms)
        except VisitError:  # a redirect the crawl refused ends the navigation too
            _check_refused(url, guard.refused)
            raise
        _check_answer(url, response)
        await _wait_for_load(page)
        clicked = await dismiss_consent(page, options.consent)
        await wait_for_quiet_dom(page)
        target = page.url if page.url.startswith(("http://", "https://")) else url
        try:
            collected = await read_settled(page, guard.session, _settle)
            datalayer = await _datalayer(page)
            reusable = True
        except Unreadable as problem:  # its scripts will not let it be read: read its HTML
            collected = await _read_unscripted(context, target, problem.message)
            datalayer = []
        if guard.stayed and reusable:
            collected = await _unless_stopped(collected, context, target)
        recorded = page_record(
            collected,
            Visit(
                requested_url=url,
                final_url=normalise(page.url),
                status=response.status,
                depth=depth,
                redirects=_redirect_chain(response),
                consent=f"{options.consent}: {clicked}" if clicked else "",
                blocked_hits=hits.labels,
                hit_events=hits.events,
                datalayer=datalayer,
            ),
        )
        if response.status >= 400 and not recorded.page.obstacle:
            raise _http_error(url, response.status)
        shots = options.shots if reusable else None
        return await take_shots(page, guard.session.cdp, recorded, shots)
    finally:
        await tabs.release(page, reusable)


async def _navigate(page: Page, url: str, timeout_ms: int) -> Response:
    """Go to `url` and wait for its DOM; network failures become VisitErrors that say why."""
    deadline = asyncio.get_running_loop().time() + timeout_ms / 1000
    late = VisitError(
        f"{url} did not finish loading within {timeout_ms // 1000} s.", transient=True
    )
    try:
        response = await page.goto(url, wait_until="commit", timeout=timeout_ms)
    except PlaywrightTimeout:
        raise late from None
    except Error as error:
        text = str(error)
        raise VisitError(
            network_message(url, text), transient=any(code in text for code in TRANSIENT_ERRORS)
        ) from None
    if response is None:
        raise VisitError(f"{url} gave no response.")
    if not await _reaches(page, "domcontentloaded", deadline):
        raise late
    return response


async def _reaches(page: Page, state: LoadState, deadline: float) -> bool:
    """Whether the tab's document gets to `state` before `deadline` (loop time): as the browser
    reports it (which needs nothing of a page whose scripts keep its main thread busy) or as the
    document itself tells, whichever comes first. A navigation the page starts and the crawl
    refuses (a download link it clicks on load) leaves the browser's lifecycle events for the
    first one unsent: waiting for them alone would time out on a page that loaded in a second."""
    left_ms = (deadline - asyncio.get_running_loop().time()) * 1000
    asks = [_lifecycle(page, state, left_ms), _document_reaches(page, READY[state], deadline)]
    tasks = [asyncio.ensure_future(ask) for ask in asks]
    try:
        for answer in asyncio.as_completed(tasks):
            if await answer:
                return True
        return False
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _lifecycle(page: Page, state: LoadState, left_ms: float) -> bool:
    try:
        await page.wait_for_load_state(state, timeout=max(left_ms, 1))
    except Error:  # a timeout, or the tab closed
        return False
    return True


async def _document_reaches(page: Page, ready: str, deadline: float) -> bool:
    """Whether the document says it got to `ready` before `deadline`. Its own events can be
    lost too, so it is asked again every READY_ASK_S, and again when the page replaces it."""
    loop = asyncio.get_running_loop()
    while (left := deadline - loop.time()) > 0:
        try:
            return bool(await asyncio.wait_for(page.evaluate(ready), min(left, READY_ASK_S)))
        except asyncio.TimeoutError:
            continue
        except Error:  # the document went away under the question: ask the next one
            if page.is_closed():
                raise
            await asyncio.sleep(min(READY_ASK_S / 5, left))
    return False


def _check_refused(url: str, refused: Refused | None) -> None:
    """A redirect the crawl did not follow (checked before the browser made it)."""
    if refused is None:
        return
    if refused.why == "another site":
        raise VisitError(f"{url} redirects off the site, to {refused.target}; not followed.")
    raise VisitError(f"{url} redirects to {refused.target} ({refused.why}); not followed.")


def _check_answer(url: str, response: Response) -> None:
    """An HTML page, or an error status that may still be a bot challenge (read it first)."""
    if response.status >= 400 and response.status not in CHALLENGE_STATUS:
        raise _http_error(url, response.status)
    content_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        raise VisitError(
            f"{url} is not an HTML page (it is {content_type}); give the address of a web page."
        )


def _http_error(url: str, status: int) -> VisitError:
    return VisitError(
        f"{url} answered HTTP {status}; check the address.", transient=status in TRANSIENT_STATUS
    )


def _redirect_chain(response: Response) -> list[str]:
    """The addresses redirected from, first to last."""
    chain: list[str] = []
    request = response.request.redirected_from
    while request is not None:
        chain.insert(0, normalise(request.url))
        request = request.redirected_from
    return chain


async def _wait_for_load(page: Page) -> None:
    """The load event, for at most LOAD_GRACE_MS: some pages never fire it."""
    await _reaches(page, "load", asyncio.get_running_loop().time() + LOAD_GRACE_MS / 1000)


async def wait_for_quiet_dom(page: Page) -> None:
    """A short quiet DOM, bounded from here too: a page may have replaced setTimeout or
    MutationObserver."""
    with suppress(Error, asyncio.TimeoutError):
        await asyncio.wait_for(
            page.evaluate(WAIT_FOR_QUIET_DOM, [QUIET_MS, QUIET_LIMIT_MS]),
            QUIET_LIMIT_MS / 1000 + 1,
        )


async def _settle(page: Page) -> None:
    """After a page navigated on its own: the new page loaded and quiet."""
    await _wait_for_load(page)
    await wait_for_quiet_dom(page)


async def _unless_stopped(collected: Collected, context: BrowserContext, url: str) -> Collected:
    """The page as read, unless it holds nothing: a page that sends itself to an address nothing
    answers on (a saved http copy upgrading itself to https) stops its own parser as it leaves
    and stays with what was parsed; then its HTML read without its scripts, if that has controls."""
    if collected.elements or collected.forms:
        return collected
    with suppress(VisitError):
        unscripted = await _read_unscripted(
            context, url, "it sent itself to an address that did not answer while it loaded"
        )
        if unscripted.elements:
            return unscripted
    return collected


async def _read_unscripted(context: BrowserContext, url: str, problem: str) -> Collected:
    try:
        collected = await read_without_scripts(context, url)
    except Unreadable as second:
        raise VisitError(
            f"{url}: the page could not be read ({problem}; {second.message})."
        ) from None
    note = f"read without its scripts ({problem})"
    return collected.model_copy(update={"cuts": [*collected.cuts, note]})


async def _datalayer(page: Page) -> list[str]:
    """The page's dataLayer entries (its own variable, so read in its own world); [] when the
    page will not tell."""
    try:
        entries = await asyncio.wait_for(page.evaluate(datalayer_source()), 5)
    except (Error, asyncio.TimeoutError):
        return []
    if not isinstance(entries, list):
        return []
    return [" ".join(str(entry).split())[:DATALAYER_TEXT] for entry in entries]


def network_message(url: str, error: str) -> str:
    for code, meaning in NETWORK_ERRORS.items():
        if code in error:
            return f"Could not load {url}: {meaning}."
    return f"Could not load {url}: {first_line(error)}."
