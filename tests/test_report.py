"""report.html opened from disk in headless Chromium: no console error, no request leaving its
directory, page text shown as text however much markup it holds, a working sortable and
filterable plan table; and the screenshots it shows are the same bytes scan after scan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

import scanner
from scanner.crawl.browser import find_browser
from scanner.outputs import report_html
from tests.golden import analysis_of
from tests.sites import Route, serve

HOSTILE_TEXT = "<script>document.title='pwned'</script><img src=x onerror=alert(1)> Add to cart"
SHOP = f"""<!doctype html><html lang="en"><title>Shop &lt;b&gt;bold&lt;/b&gt;</title>
<main><h1>Linen apron</h1>
<button class="add-to-cart" data-product-id="1">{HOSTILE_TEXT.replace("<", "&lt;")}</button>
<a href="tel:+441632960123">Call us</a>
<form id="newsletter" action="/subscribe"><label>Email <input type="email" name="email">
</label><button type="submit">Subscribe</button></form>
<a href="/pricing">Pricing</a></main>"""
PRICING = """<!doctype html><html lang="en"><title>Pricing</title><main><h1>Plans</h1>
<a href="/signup" class="button">Start free trial</a></main>"""


def test_page_text_is_escaped_in_the_html() -> None:
    from tests.test_escaping import hostile  # the demo's crawl with markup everywhere

    html = report_html.render(scanner.analyze(hostile(analysis_of("demo").site)))
    body = html.split("<script>")[0]  # the report's own script is the only one
    assert html.count("<script>") == 1 and "<img src=x" not in body and "&lt;script&gt;" in body
    assert "\u202e" not in html  # no line reads backwards


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shop scanned twice, each written as `scanner scan` writes it."""
    outs = []
    with serve({"/": Route(SHOP), "/pricing": Route(PRICING)}) as (url, _):
        for run in range(2):
            out = tmp_path_factory.mktemp(f"report{run}")
            result = scanner.scan([url + "/"], scanner.ScanOptions())
            scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, out)
            scanner.write_shots(result.shots, out)
            outs.append(out)
    return outs[0], outs[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        path = find_browser(None, {}, playwright.chromium.executable_path)
        launched = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


def _open(browser: Browser, report: Path, width: int = 1280) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: problems.append(f"dialog {dialog.message}"))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


@pytest.mark.browser
def test_shots_are_the_same_bytes_scan_after_scan(scans: tuple[Path, Path]) -> None:
    first, second = (sorted((out / "shots").iterdir()) for out in scans)
    assert [p.name for p in first] == [p.name for p in second] and first
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert all(1_000 < p.stat().st_size < 80_000 for p in first)
    assert (scans[0] / "report.html").read_bytes() == (scans[1] / "report.html").read_bytes()


@pytest.mark.browser
def test_the_report_opens_from_disk_quietly_and_shows_page_markup_as_text(
    scans: tuple[Path, Path], browser: Browser
) -> None:
    out = scans[0]
    page, problems, requests = _open(browser, out / "report.html")
    assert problems == []
    assert requests and all(url.startswith(out.as_uri() + "/") for url in requests), requests
    assert any("/shots/" in url for url in requests)  # the screenshots are shown
    assert page.title().startswith("Tracking plan for")
    assert page.evaluate("document.scripts.length") == 1
    assert page.locator("img[src=x]").count() == 0
    assert HOSTILE_TEXT in page.locator("#evidence-add_to_cart").inner_text()
    assert page.locator("#evidence-add_to_cart img").count() == 1


@pytest.mark.browser
def test_the_plan_table_sorts_and_filters(scans: tuple[Path, Path], browser: Browser) -> None:
    page, problems, _ = _open(browser, scans[0] / "report.html")

    def events() -> list[str]:
        return page.locator("#plan-table tbody tr:not([hidden]) td:nth-child(2)").all_inner_texts()

    every = events()
    page.locator("#plan-table th", has_text="Event").locator("button").click()
    assert events() == sorted(every)
    page.locator("#plan-table th", has_text="Event").locator("button").click()
    assert events() == sorted(every, reverse=True)
    page.fill("#filter-text", "cart")
    assert events() and all("cart" in row for row in events())
    page.fill("#filter-text", "")
    page.select_option("#filter-conversion", "macro")
    shown = page.locator("#plan-table tbody tr:not([hidden]) td:nth-child(6)").all_inner_texts()
    assert shown and set(shown) == {"macro"} and len(shown) < len(every)
    assert page.locator("#shown").inner_text() == str(len(shown))
    assert problems == []
