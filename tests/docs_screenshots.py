"""Regenerate the report screenshots the README shows (docs/report-*.png), on purpose:

    .venv/bin/python -m tests.docs_screenshots

Scans the demo shop as `./run demo` does, opens its report.html from disk in headless Chromium
and captures it at a desktop and a mobile width."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import scanner
from scanner.crawl.browser import find_browser
from scanner.serve import serve_directory
from tests.conftest import FIXTURES, ROOT

DOCS = ROOT / "docs"
# (file, viewport width, height, the part of the report at the top)
VIEWS = (
    ("report-desktop.png", 1280, 1100, "header"),
    ("report-desktop-evidence.png", 1280, 900, "#evidence-add_to_cart"),
    ("report-mobile.png", 390, 1400, "header"),
    ("report-mobile-plan.png", 390, 900, "#plan"),
)


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        options = scanner.ScanOptions(crawl=scanner.CrawlOptions(block_third_party=True))
        with serve_directory(FIXTURES / "demo", 8765) as url:
            result = scanner.scan([url], options)
        scanner.write_outputs(result.analysis, scanner.SCAN_OUTPUTS, out)
        scanner.write_shots(result.shots, out)
        with sync_playwright() as playwright:
            path = find_browser(None, {}, playwright.chromium.executable_path)
            browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
            for name, width, height, part in VIEWS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto((out / "report.html").as_uri())
                page.locator(part).evaluate("(element) => element.scrollIntoView()")
                page.screenshot(path=DOCS / name)
                page.close()
                print(f"wrote docs/{name}")
            browser.close()


if __name__ == "__main__":
    main()
