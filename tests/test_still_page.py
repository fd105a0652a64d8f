"""When a page counts as still (visit.WAIT_FOR_QUIET_DOM): at once when nothing in it can change
it, otherwise only after its quiet time."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from scanner.crawl.browser import find_browser, launch_args
from scanner.crawl.visit import WAIT_FOR_QUIET_DOM

pytestmark = pytest.mark.browser

# Which comes first: the page is still (asked for a minute of quiet) or a second passes.
RACE = f"""() => Promise.race([
  ({WAIT_FOR_QUIET_DOM})([60000, 60000]).then(() => "still"),
  new Promise((resolve) => setTimeout(() => resolve("waiting"), 1000)),
])"""


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        path = find_browser(None, dict(os.environ), playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=path, args=launch_args())
        yield browser.new_page()
        browser.close()


@pytest.mark.parametrize(
    "html",
    [
        '<a href="/pricing">Pricing</a>',
        '<script type="application/ld+json">{"@type": "Product"}</script><button>Buy</button>',
        '<template><script>alert(1)</script></template><form><input name="email"></form>',
    ],
)
def test_a_page_nothing_can_change_is_still_at_once(page: Page, html: str) -> None:
    page.set_content(html)
    assert page.evaluate(RACE) == "still"


@pytest.mark.parametrize(
    "html",
    [
        "<script>1</script><a href=/pricing>Pricing</a>",
        '<script type="module">1</script><a href=/pricing>Pricing</a>',
        '<body onload="1"><a href=/pricing>Pricing</a></body>',
        '<img onerror="1" src="x:"><a href=/pricing>Pricing</a>',
    ],
)
def test_a_page_with_a_script_or_load_handler_waits_for_its_quiet_time(
    page: Page, html: str
) -> None:
    page.set_content(html)
    assert page.evaluate(RACE) == "waiting"
