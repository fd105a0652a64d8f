"""Finding and launching a headless Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from playwright.async_api import Browser, Error, Playwright

from scanner.crawl.network import resolver_rules
from scanner.crawl.scope import Scope
from scanner.errors import BrowserUnavailable

BROWSER_ENV = "SCANNER_BROWSER"
PATH_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

# Keep Chromium from calling Google's services: on a closed network those calls only fail, and on
# a client's network they are noise nobody asked for.
QUIET_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-gpu",
    "--blink-settings=imagesEnabled=false",  # images are not downloaded
)

# Tabs of the site share renderer processes, at most one for two cores (two at least): a
# renderer keeps the site's parsed stylesheets and compiled scripts for its next pages, and more
# renderers than the cores can run only add memory (about 100 MB each). Measured on three
# mirrors, 4 tabs: 10 % less CPU a page; a 1,000-page crawl peaks at 870 MiB instead of 988.
RENDERER_LIMIT = f"--renderer-process-limit={max(2, (os.cpu_count() or 2) // 2)}"

INSTALL_HINT = (
    "No Chromium browser found. Install one: 'sudo apt-get install chromium' (Debian; "
    "Ubuntu's package is only a snap wrapper) or 'python -m playwright install --with-deps "
    "chromium' (any system), "
    f"or point --browser or ${BROWSER_ENV} at a Chromium or Chrome executable."
)


def find_browser(
    explicit: str | None,
    environ: dict[str, str],
    playwright_browser: str | None,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    """Path of the browser to launch, or None to let Playwright launch its own.

    Order: the explicit option, $SCANNER_BROWSER, Playwright's own installed browser, then
    chromium, chromium-browser, google-chrome on PATH.
    """
    for source, value in (("--browser", explicit), (BROWSER_ENV, environ.get(BROWSER_ENV))):
        if value:
            path = which(value) or (value if Path(value).is_file() else None)
            if path is None:
                raise BrowserUnavailable(
                    f"The browser given by {source} ({value}) does not exist or is not "
                    "executable; give the path of a Chromium or Chrome executable."
                )
            return path
    if playwright_browser and Path(playwright_browser).is_file():
        return None
    for name in PATH_CANDIDATES:
        path = which(name)
        if path:
            return path
    raise BrowserUnavailable(INSTALL_HINT)


def launch_args(site_only: Scope | None = None) -> list[str]:
    """Chromium's flags; with `site_only`, hosts off the site do not resolve."""
    args = [*QUIET_ARGS, RENDERER_LIMIT, f"--host-resolver-rules={resolver_rules(site_only)}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox.
    return args


async def launch(
    playwright: Playwright, explicit: str | None, site_only: Scope | None = None
) -> Browser:
    """A running headless browser (with `site_only`, one that reaches no other site);
    BrowserUnavailable, saying what to install, when none starts."""
    path = find_browser(explicit, dict(os.environ), playwright.chromium.executable_path)
    try:
        return await playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=launch_args(site_only),
            # Chromium's popup blocker stays on: pages open no windows the crawl cannot see
            ignore_default_args=["--disable-popup-blocking"],
            # Ctrl-C and SIGTERM are the crawl's to handle: it writes what it gathered first
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )
    except Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise BrowserUnavailable(
            f"Could not start the browser {path or '(Playwright Chromium)'}: {first_line}. "
            + INSTALL_HINT
        ) from error
