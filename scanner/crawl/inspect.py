"""Loading pages for `scanner verify` and reading, without clicking or submitting anything, what
GTM's listeners would see on them (verify.js). Pages load one at a time in the crawl's guarded
browser (no analytics hit leaves, no popup, robots.txt obeyed); the consent banner gets the
same answer as in the crawl, the only click made."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from functools import cache
from typing import Any

from playwright.async_api import Error, Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout
from pydantic import ValidationError

from scanner.crawl.browser import launch
from scanner.crawl.collector import script
from scanner.crawl.consent import dismiss_consent
from scanner.crawl.fetch import Fetcher
from scanner.crawl.inventory import is_hit
from scanner.crawl.network import Tabs, guard_requests
from scanner.crawl.read import TabSession, evaluate_isolated, first_line
from scanner.crawl.robots import Robots
from scanner.crawl.scope import Scope
from scanner.crawl.visit import MUTATION_CLOCK, wait_for_quiet_dom
from scanner.errors import BrowserUnavailable
from scanner.models import CrawlError, PageFacts

LOAD_TIMEOUT_MS = 20_000
EVALUATE_TIMEOUT_S = 30.0
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome tracking-plan-scanner-verify/0.1"


def inspect_pages(
    pages: list[tuple[str, list[str], list[str]]],
    selectors: list[str],
    browser: str | None = None,
    consent: str = "accept",
) -> list[PageFacts | CrawlError]:
    """For each (url, planned control selectors, planned form selectors), what verify.js saw
    there, with `selectors` (the container's CSS selectors) tested on every control; or why
    the page could not be read."""
    return asyncio.run(_inspect(pages, selectors, browser, consent))


async def _inspect(
    pages: list[tuple[str, list[str], list[str]]],
    selectors: list[str],
    browser_path: str | None,
    consent: str,
) -> list[PageFacts | CrawlError]:
    urls = [url for url, _, _ in pages]
    scope = Scope.of(urls, False, (), (), ())
    robots = Robots(ignore=False)

    def why_not(url: str) -> str:
        if not scope.on_site(url):
            return "another site"
        if is_hit(url):
            return "an analytics endpoint"
        return "" if robots.allows(url) else "disallowed by robots.txt"

    await robots.learn(
        Fetcher(USER_AGENT, lambda url: scope.on_site(url) and not is_hit(url)), urls
    )
    async with async_playwright() as playwright:
        browser = await launch(playwright, browser_path)
        try:
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900}, service_workers="block"
            )
            tabs = Tabs(why_not)
            await guard_requests(context, tabs)
            await context.add_init_script(MUTATION_CLOCK)
            out: list[PageFacts | CrawlError] = []
            for url, controls, forms in pages:
                why = why_not(url)
                if why:
                    out.append(CrawlError(url=url, error=f"{url}: not loaded ({why})."))
                    continue
                page, _ = await tabs.take(context)
                session = tabs.guard(page).session
                planned = {"selectors": selectors, "planned": controls, "formsPlanned": forms}
                try:
                    out.append(await _read(page, session, url, planned, consent))
                finally:
                    await tabs.release(page, reusable=False)
            return out
        except Error as error:
            raise BrowserUnavailable(f"The browser failed ({first_line(str(error))}).") from None
        finally:
            with suppress(Error):
                await browser.close()


async def _read(
    page: Page, session: TabSession, url: str, arguments: dict[str, Any], consent: str
) -> PageFacts | CrawlError:
    try:
        response = await page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    except PlaywrightTimeout:
        return CrawlError(url=url, error=f"{url} did not load within {LOAD_TIMEOUT_MS // 1000} s.")
    except Error as error:
        return CrawlError(url=url, error=f"Could not load {url}: {first_line(str(error))}.")
    if response is None or response.status >= 400:
        status = response.status if response is not None else "no answer"
        return CrawlError(url=url, error=f"{url} answered HTTP {status}.")
    await dismiss_consent(page, consent)
    await wait_for_quiet_dom(page)
    try:
        answer = await asyncio.wait_for(_evaluate(session, arguments), EVALUATE_TIMEOUT_S)
        return PageFacts.model_validate(answer)
    except (Error, asyncio.TimeoutError, ValidationError, KeyError) as error:
        return CrawlError(url=url, error=f"{url} could not be read ({first_line(str(error))}).")


@cache
def _verify_source() -> str:
    return script("verify.js")


async def _evaluate(session: TabSession, arguments: dict[str, Any]) -> Any:
    """verify.js in an isolated world: the page's DOM, its own built-ins (as the collector)."""
    expression = f"({_verify_source()})({json.dumps(arguments)})"
    answer = await evaluate_isolated(session, expression, "scanner-verify")
    if "exceptionDetails" in answer:
        raise Error(str(answer["exceptionDetails"].get("text", "the evaluation failed")))
    return answer["result"]["value"]
