"""Loading one page in the browser and running the in-page collector on it."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from playwright.async_api import BrowserContext, Error, Page, Route
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scanner.consent import BANNER_HINTS, BUTTON_WORDS, PLATFORM_BUTTONS
from scanner.inventory import hit_label, is_hit, vendors
from scanner.obstacles import obstacle
from scanner.urls import normalise

LOAD_GRACE_MS = 5_000  # pages that never fire load are snapshotted anyway after this
QUIET_MS, QUIET_LIMIT_MS = 300, 1_500  # DOM quiet window, and the most we wait for it
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
CHALLENGE_STATUS = frozenset({403, 429, 503})  # bot challenges answer with these: look first
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

# Resolves once the DOM has not changed for `quiet` ms, or after `limit` ms.
WAIT_FOR_QUIET_DOM = """([quiet, limit]) => new Promise((resolve) => {
  let timer = setTimeout(done, quiet);
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, quiet);
  });
  observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true});
  const cap = setTimeout(done, limit);
  function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(true); }
})"""


# Clicks the consent banner's accept or reject button: a known platform's, else a button whose
# whole label is one of the words and which sits in an element that looks like a banner.
DISMISS_CONSENT = """([selectors, words, hints]) => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const label = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || "")
    .replace(/\\s+/g, " ").trim().slice(0, 80);
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (el && shown(el)) { el.click(); return `${label(el)} (${selector})`; }
  }
  const word = new RegExp("^(" + words.join("|") + ")[.!]?$", "i");
  const banner = new RegExp(hints, "i");
  const controls = document.querySelectorAll("button, [role=button], input[type=button], " +
    "input[type=submit], a[href^='#'], a[href^='javascript']");
  for (const el of controls) {
    if (!shown(el) || !word.test(label(el))) continue;
    let node = el.parentElement;
    for (let depth = 0; node && depth < 8; node = node.parentElement, depth++) {
      const names = `${node.id} ${typeof node.className === "string" ? node.className : ""}`;
      const dialog = node.getAttribute("role") === "dialog" || node.getAttribute("aria-modal");
      if (banner.test(names) || (dialog && banner.test((node.innerText || "").slice(0, 600)))) {
        el.click();
        return label(el);
      }
    }
  }
  return "";
}"""


@dataclass(frozen=True)
class Loaded:
    """A page that loaded: where it ended up, its status, and what the collector returned."""

    final_url: str
    status: int
    redirects: list[str]
    data: dict[str, Any]


class VisitError(Exception):
    """The page could not be recorded; `transient` errors are worth a retry."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@cache
def collector_source() -> str:
    return files("scanner").joinpath("snapshot.js").read_text(encoding="utf-8")


async def load(context: BrowserContext, url: str, timeout_ms: int, consent: str) -> Loaded:
    """Open `url` in a new tab, wait until it is ready, collect, close the tab.

    Analytics hits the page tries to send are intercepted and recorded, never sent."""
    page = await context.new_page()
    hits: list[str] = []

    async def intercept(route: Route) -> None:
        hits.append(hit_label(route.request.url))
        with suppress(Error):
            await route.abort("blockedbyclient")

    await page.route(is_hit, intercept)
    try:
        try:
            response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        except PlaywrightTimeout:
            raise VisitError(
                f"{url} did not finish loading within {timeout_ms // 1000} s.", transient=True
            ) from None
        except Error as error:
            text = str(error)
            raise VisitError(
                network_message(url, text), transient=any(code in text for code in TRANSIENT_ERRORS)
            ) from None
        if response is None:
            raise VisitError(f"{url} gave no response.")
        http_error = VisitError(
            f"{url} answered HTTP {response.status}; check the address.",
            transient=response.status in TRANSIENT_STATUS,
        )
        if response.status >= 400 and response.status not in CHALLENGE_STATUS:
            raise http_error
        content_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type and content_type not in ("text/html", "application/xhtml+xml"):
            raise VisitError(
                f"{url} is not an HTML page (it is {content_type}); give the address of a web page."
            )
        redirects: list[str] = []
        request = response.request.redirected_from
        while request is not None:
            redirects.insert(0, normalise(request.url))
            request = request.redirected_from
        with suppress(PlaywrightTimeout):
            await page.wait_for_load_state("load", timeout=LOAD_GRACE_MS)
        clicked = await _dismiss_consent(page, consent)
        # Bounded from here too: a page may have replaced setTimeout or MutationObserver.
        with suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(
                page.evaluate(WAIT_FOR_QUIET_DOM, [QUIET_MS, QUIET_LIMIT_MS]),
                QUIET_LIMIT_MS / 1000 + 1,
            )
        try:
            data = await page.evaluate(collector_source())
        except Error as error:
            raise VisitError(
                f"{url}: the page could not be read ({first_line(str(error))})."
            ) from None
        data["consent"] = f"{consent}: {clicked}" if clicked else ""
        frames = [frame["src"] for frame in data["frames"]]
        data["obstacle"] = obstacle(
            response.status, data["title"], url, page.url, frames, data["text_length"]
        )
        if response.status >= 400 and not data["obstacle"]:
            raise http_error
        scripts = [frame["src"] for frame in data["frames"] if frame["tag"] == "script"]
        data["tracking"] |= {"vendors": vendors(scripts), "blocked_hits": sorted(set(hits))}
        return Loaded(normalise(page.url), response.status, redirects, data)
    finally:
        with suppress(Error):
            await page.close()


async def _dismiss_consent(page: Page, consent: str) -> str:
    """Click the consent banner's accept or reject button; what was clicked, or ''."""
    if consent == "none":
        return ""
    arguments = [list(PLATFORM_BUTTONS[consent]), list(BUTTON_WORDS[consent]), BANNER_HINTS]
    try:
        return str(await asyncio.wait_for(page.evaluate(DISMISS_CONSENT, arguments), 5))
    except (Error, asyncio.TimeoutError):
        return ""  # the click navigated away, the page closed or it did not answer


def network_message(url: str, error: str) -> str:
    for code, meaning in NETWORK_ERRORS.items():
        if code in error:
            return f"Could not load {url}: {meaning}."
    return f"Could not load {url}: {first_line(error)}."


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


async def load_with_retries(
    context: BrowserContext, url: str, timeout_ms: int, retries: int, consent: str
) -> Loaded:
    """`load`, tried again after 0.5 s, 1 s... when the error is transient."""
    # The whole visit has a deadline: scripts can keep a page from ever answering the collector.
    deadline = timeout_ms / 1000 + LOAD_GRACE_MS / 1000 + QUIET_LIMIT_MS / 1000 + 10
    attempt = 0
    while True:
        try:
            return await asyncio.wait_for(load(context, url, timeout_ms, consent), deadline)
        except asyncio.TimeoutError:
            raise VisitError(f"{url} stopped responding (after {deadline:.0f} s).") from None
        except VisitError as error:
            if not error.transient or attempt == retries:
                raise
        await asyncio.sleep(0.5 * 2**attempt)
        attempt += 1
