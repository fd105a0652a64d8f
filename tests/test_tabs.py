"""A tab kept between visits (network.Tabs) lets go of the pages it showed, memory included."""

from __future__ import annotations

import asyncio
import os

import pytest
from playwright.async_api import async_playwright

from scanner.crawl.browser import find_browser, launch_args
from scanner.crawl.network import COLLECT_EVERY, Tabs, guard_requests

pytestmark = pytest.mark.browser

HEAVY_PAGE = "<title>t</title><script>window.kept = new Array(16e6).fill(1.5)</script>"


async def heap_after_release() -> tuple[int, int, bool]:
    """The renderer heap in use (MiB) while a page holds 120 MiB and once its tab is emptied
    after the visit that ends with a collection, and whether the tab is kept for another."""
    async with async_playwright() as playwright:
        path = find_browser(None, dict(os.environ), playwright.chromium.executable_path)
        browser = await playwright.chromium.launch(executable_path=path, args=launch_args())
        context = await browser.new_context()
        tabs = Tabs(lambda url: "")
        await guard_requests(context, tabs)
        for _ in range(COLLECT_EVERY):
            page, _hits = await tabs.take(context)
            await page.set_content(HEAVY_PAGE)
            cdp = tabs.guard(page).session.cdp
            during = (await cdp.send("Runtime.getHeapUsage"))["usedSize"] >> 20
            await tabs.release(page, reusable=True)
            await asyncio.wait(set(tabs.emptying))
        after = (await cdp.send("Runtime.getHeapUsage"))["usedSize"] >> 20
        kept = tabs.idle == [page]
        await browser.close()
        return during, after, kept


def test_a_tab_kept_for_more_visits_lets_go_of_its_pages_memory() -> None:
    """The renderer the tabs share would otherwise hold the pages left until V8 chose to
    collect them: a third of a 1,000-page crawl's memory (bench.crawl --shop-pages 1000)."""
    during, after, kept = asyncio.run(heap_after_release())
    assert during > 100 and after < 20 and kept
