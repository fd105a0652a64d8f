"""Screenshots of the controls and forms a page's evidence rests on, taken while the page is
open: each a crop of the page around the element, with a margin, the element outlined (an
attribute and a stylesheet added once the page was read), captured beyond the viewport without
scrolling, as a small JPEG named after the page and the selector (the same page and selector
always give the same name).

Which elements: those the caller's chooser picks from the page record (the library API picks the
elements and forms the rule packs find), at most SHOTS_PER_PAGE a page, within SHOTS_BUDGET_S (the
shots taken by then are kept).
A shot that cannot be taken (the element gone, hidden, zero-sized) is left out, never an error.
Images are off in the crawl's renderer (browser.py), so pictures inside a shot are blank."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace

from playwright.async_api import CDPSession, Error, Page

from scanner.crawl.collector import Recorded
from scanner.models import Page as PageRecord
from scanner.url_templates import split_url

ShotChooser = Callable[[PageRecord], list[str]]  # selectors of a page's elements to photograph
SHOTS_PER_PAGE = 6
# Generous bounds: a shot given up on a busy machine would make two scans of a site differ.
SHOTS_BUDGET_S = 30.0  # for all the shots of one page
SHOT_TIMEOUT_S = 10.0
MARGIN = 24  # CSS pixels around the element
MAX_WIDTH, MAX_HEIGHT = 640, 360
QUALITY = 70
OUTLINE = "outline: 3px solid #e4002b !important; outline-offset: 3px !important;"


def shot_name(url: str, selector: str) -> str:
    """The file name of the shot of `selector` on the page at `url`: from the page's path and
    query, so that the site served elsewhere (another port, staging) gives the same names."""
    parts = split_url(url)
    where = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return hashlib.sha256(f"{where}\n{selector}".encode()).hexdigest()[:20] + ".jpg"


async def take_shots(
    page: Page, cdp: CDPSession, recorded: Recorded, choose: ShotChooser | None
) -> Recorded:
    """The record with the shots of the chosen elements (names in the page, bytes beside),
    captured through the tab's CDP session `cdp`."""
    if choose is None or recorded.page.obstacle:
        return recorded
    selectors = list(dict.fromkeys(choose(recorded.page)))[:SHOTS_PER_PAGE]
    images: dict[str, bytes] = {}
    names: dict[str, str] = {}
    with suppress(asyncio.TimeoutError):  # the shots taken so far are kept
        await asyncio.wait_for(
            _shoot_all(page, cdp, recorded.page.url, selectors, images, names), SHOTS_BUDGET_S
        )
    if not names:
        return recorded
    return replace(recorded, page=recorded.page.model_copy(update={"shots": names}), shots=images)


# Outlines the element `selector` matches (and no other), stops the page's animations (infinite
# ones back to their start, the others at their end), hides the caret and media controls, and
# returns the element's box in the document. Only after the page was read.
MARK = """([selector, outline]) => {
  let style = document.getElementById("__scanner_shot_style");
  if (!style) {
    style = document.createElement("style");
    style.id = "__scanner_shot_style";
    style.textContent = `[data-scanner-shot] { ${outline} } * { caret-color: transparent; }`;
    document.documentElement.append(style);
  }
  for (const animation of document.getAnimations()) {  // still pictures: as Playwright does
    try {
      const timing = animation.effect && animation.effect.getComputedTiming();
      if (timing && timing.endTime === Infinity) animation.cancel(); else animation.finish();
    } catch (error) { animation.cancel(); }
  }
  // a media element's own controls spin while its media (never downloaded) loads
  for (const media of document.querySelectorAll("video[controls], audio[controls]")) {
    media.removeAttribute("controls");
  }
  for (const old of document.querySelectorAll("[data-scanner-shot]")) {
    old.removeAttribute("data-scanner-shot");
  }
  let element = null;
  try { element = document.querySelector(selector); } catch (error) { return null; }
  if (!element) return null;
  element.setAttribute("data-scanner-shot", "");
  const box = element.getBoundingClientRect();
  return {x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height,
    pageWidth: document.documentElement.scrollWidth,
    pageHeight: document.documentElement.scrollHeight,
    view: {x: scrollX, y: scrollY, width: innerWidth, height: innerHeight}};
}"""


async def _shoot_all(
    page: Page,
    cdp: CDPSession,
    url: str,
    selectors: list[str],
    images: dict[str, bytes],
    names: dict[str, str],
) -> None:
    """Each shot is two round trips (mark, capture), the capture taken beyond the viewport
    only when the element lies outside it (no scrolling)."""
    for selector in selectors:
        image = await _shoot(page, cdp, selector)
        if image is not None:
            name = shot_name(url, selector)
            images[name], names[selector] = image, name


async def _shoot(page: Page, cdp: CDPSession, selector: str) -> bytes | None:
    try:
        box = await page.evaluate(MARK, [selector, OUTLINE])
        if not box or box["width"] < 1 or box["height"] < 1:
            return None
        left = max(0.0, box["x"] - MARGIN)
        top = max(0.0, box["y"] - MARGIN)
        width = min(box["width"] + 2 * MARGIN, MAX_WIDTH, box["pageWidth"] - left)
        height = min(box["height"] + 2 * MARGIN, MAX_HEIGHT, box["pageHeight"] - top)
        if width < 1 or height < 1:
            return None
        clip = {"x": round(left), "y": round(top), "width": round(width)}
        clip |= {"height": round(height), "scale": 1}
        beyond = not _within(clip, box["view"])  # inside the viewport is far cheaper to take
        answer = await asyncio.wait_for(
            cdp.send(
                "Page.captureScreenshot",
                {
                    "format": "jpeg",
                    "quality": QUALITY,
                    "clip": clip,
                    "captureBeyondViewport": beyond,
                },
            ),
            SHOT_TIMEOUT_S,
        )
        return base64.b64decode(answer["data"])
    except (Error, asyncio.TimeoutError, KeyError, TypeError):
        return None


def _within(clip: dict[str, float], view: dict[str, float]) -> bool:
    """The clip lies in the viewport of a page not scrolled (where document and viewport
    coordinates agree)."""
    return (
        view["x"] == view["y"] == 0
        and clip["x"] + clip["width"] <= view["width"]
        and clip["y"] + clip["height"] <= view["height"]
    )
