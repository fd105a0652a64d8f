"""Browser discovery order: --browser, $SCANNER_BROWSER, Playwright's own, then PATH."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.crawl.browser import INSTALL_HINT, find_browser
from scanner.errors import BrowserUnavailable


def which_from(available: dict[str, str]) -> Callable[[str], str | None]:
    return lambda name: available.get(name)


@pytest.fixture
def executable(tmp_path: Path) -> str:
    path = tmp_path / "my-chrome"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_explicit_option_wins(executable: str) -> None:
    path = find_browser(
        executable,
        {"SCANNER_BROWSER": "/other"},
        executable,
        which_from({"chromium": "/usr/bin/chromium"}),
    )
    assert path == executable


def test_environment_variable_comes_second(executable: str) -> None:
    path = find_browser(
        None, {"SCANNER_BROWSER": executable}, None, which_from({"chromium": "/usr/bin/chromium"})
    )
    assert path == executable


def test_playwright_browser_comes_third(executable: str) -> None:
    # None means: let Playwright launch its own browser
    assert find_browser(None, {}, executable, which_from({"chromium": "/usr/bin/chromium"})) is None


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_path_comes_last(name: str) -> None:
    assert (
        find_browser(None, {}, "/missing/playwright/chrome", which_from({name: f"/bin/{name}"}))
        == f"/bin/{name}"
    )


def test_nothing_found_says_what_to_install() -> None:
    with pytest.raises(BrowserUnavailable) as raised:
        find_browser(None, {}, None, which_from({}))
    assert raised.value.message == INSTALL_HINT
    assert "apt-get install chromium" in INSTALL_HINT and "playwright install" in INSTALL_HINT


def test_a_named_browser_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(BrowserUnavailable, match="does not exist"):
        find_browser("/no/such/browser", {}, None, which_from({}))
