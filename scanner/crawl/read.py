"""Reading a loaded page: the collector run in an isolated world, once the page has settled
(a page that navigates itself away is read where it lands), and, for a page whose scripts never
let it be read (a busy loop, endless alerts, reloading itself), its HTML read again without
them, in a tab that runs no script and sends nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from playwright.async_api import BrowserContext, CDPSession, Error, Frame, Page, Route
from pydantic import ValidationError

from scanner.crawl.collector import Collected, collector_source

COLLECT_TIMEOUT_S = 10.0  # a page that keeps its thread busy longer is read without scripts
SETTLE_TRIES = 2  # navigations followed after load (script redirects, meta refresh)
UNSCRIPTED_LOAD_MS = 10_000
NAVIGATED = ("Execution context was destroyed", "Cannot find context", "navigated", "detached")
CANCEL_GRACE_S = 5.0  # for work given up to clean up (close its tab, detach its session)
SETTLED_BUDGET_S = 30.0  # for the reads of a page and its settling, all told
UNSCRIPTED_BUDGET_S = 40.0  # for reading its HTML without scripts, all told
READ_BUDGET_S = SETTLED_BUDGET_S + UNSCRIPTED_BUDGET_S  # the most reading a page may take
T = TypeVar("T")


@dataclass(frozen=True)
class TabSession:
    """A CDP session of a tab and the id of its main frame (the same for the tab's life)."""

    cdp: CDPSession
    frame: str


class Unreadable(Exception):
    """The collector could not read the page; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def read_settled(page: Page, session: TabSession, settle: Any) -> Collected:
    """The collector's record of the page (read through the tab's `session`), after any
    navigation it made on its own has landed (`settle` waits for the new page to load and go
    quiet); Unreadable past SETTLED_BUDGET_S."""
    reading = _read_settled(page, session, settle)
    return await _within(reading, SETTLED_BUDGET_S, "it never settled")


async def _within(work: Coroutine[Any, Any, T], budget_s: float, what: str) -> T:
    """The work's result, or Unreadable ("WHAT within N s") past its budget."""
    try:
        return await asyncio.wait_for(work, budget_s)
    except asyncio.TimeoutError:
        raise Unreadable(f"{what} within {budget_s:.0f} s") from None


async def _read_settled(page: Page, session: TabSession, settle: Any) -> Collected:
    for attempt in range(SETTLE_TRIES + 1):
        try:
            return await read(page, session)
        except Unreadable as problem:
            if attempt == SETTLE_TRIES or not any(n in problem.message for n in NAVIGATED):
                raise
            await settle(page)
    raise AssertionError("unreachable")


async def run_until(
    work: Coroutine[Any, Any, T], stop: asyncio.Event, timeout_s: float
) -> T | None:
    """The work's result; None as soon as `stop` is set (the work is cancelled, and given a
    moment to clean up); TimeoutError past `timeout_s`."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait(
            {task, watcher}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
    except BaseException:  # cancelled itself (Ctrl-C): the work goes too
        task.add_done_callback(_forget)
        task.cancel()
        raise
    finally:
        watcher.cancel()
    if task in done:
        return task.result()
    task.add_done_callback(_forget)  # what it raises while giving up is of no interest
    task.cancel()
    await asyncio.wait({task}, timeout=CANCEL_GRACE_S)
    if stop.is_set():
        return None
    raise asyncio.TimeoutError


def _forget(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def read(page: Page, session: TabSession) -> Collected:
    """Run the collector in an isolated world of the page's main frame (Chromium's, over the
    tab's CDP session):
    it shares the page's DOM but has its own built-ins, so a page that replaced Array.from or
    String.trim (old libraries do) cannot break it. Bounded in time, given up as soon as the
    page navigates; validated."""
    navigated = asyncio.Event()

    def on_navigation(frame: Frame) -> None:
        if frame == page.main_frame:
            navigated.set()

    page.on("framenavigated", on_navigation)
    try:
        collecting = evaluate_isolated(session, f"({collector_source()})()", "scanner-collector")
        answer = await run_until(collecting, navigated, COLLECT_TIMEOUT_S)
        if answer is None:
            raise Unreadable("the page navigated while it was read")
    except asyncio.TimeoutError:
        raise Unreadable(
            f"its scripts kept the browser busy past {COLLECT_TIMEOUT_S:.0f} s"
        ) from None
    except Error as error:
        raise Unreadable(first_line(str(error))) from None
    finally:
        page.remove_listener("framenavigated", on_navigation)
    if "exceptionDetails" in answer:
        details = answer["exceptionDetails"]
        problem = details.get("exception", {}).get("description") or details.get("text", "")
        raise Unreadable(first_line(str(problem)))
    try:
        return Collected.model_validate(answer["result"].get("value"))
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise Unreadable(f"its record, {where}: {problem['msg']}") from None


async def open_session(page: Page) -> TabSession:
    """A new CDP session of the tab, and its main frame."""
    cdp = await page.context.new_cdp_session(page)
    tree = await cdp.send("Page.getFrameTree")
    return TabSession(cdp, str(tree["frameTree"]["frame"]["id"]))


async def evaluate_isolated(
    session: TabSession, expression: str, world_name: str
) -> dict[str, Any]:
    """CDP's answer to `expression` run in a new isolated world of the tab's main frame: the
    page's DOM with built-ins of its own."""
    cdp = session.cdp
    world = await cdp.send(
        "Page.createIsolatedWorld", {"frameId": session.frame, "worldName": world_name}
    )
    answer: dict[str, Any] = await cdp.send(
        "Runtime.evaluate",
        {"expression": expression, "contextId": world["executionContextId"], "returnByValue": True},
    )
    return answer


async def read_without_scripts(context: BrowserContext, url: str) -> Collected:
    """The page's HTML, fetched again, read in a tab of its own that runs no script and loads
    nothing but the document and its same-site stylesheets; Unreadable past
    UNSCRIPTED_BUDGET_S."""
    reading = _read_without_scripts(context, url)
    return await _within(reading, UNSCRIPTED_BUDGET_S, "its HTML was not read")


async def _read_without_scripts(context: BrowserContext, url: str) -> Collected:
    try:
        response = await context.request.get(url, timeout=UNSCRIPTED_LOAD_MS, max_redirects=0)
        html = await response.body()
    except Error as error:
        raise Unreadable(
            f"its HTML could not be fetched again ({first_line(str(error))})"
        ) from None
    browser = context.browser
    if browser is None:
        raise Unreadable("no browser to read its HTML in")
    quiet = await browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    origin = url.split("/", 3)[:3]

    async def document_only(route: Route) -> None:
        request = route.request
        with suppress(Error):
            if request.url == url and request.is_navigation_request():
                await route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
            elif request.resource_type == "stylesheet" and request.url.split("/", 3)[:3] == origin:
                await route.continue_()
            else:
                await route.abort("blockedbyclient")

    try:
        await quiet.route("**/*", document_only)
        page = await quiet.new_page()
        session = await open_session(page)
        await page.goto(url, wait_until="load", timeout=UNSCRIPTED_LOAD_MS)
        return await read(page, session)
    except Error as error:
        raise Unreadable(first_line(str(error))) from None
    finally:
        with suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(quiet.close(), 5)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"
