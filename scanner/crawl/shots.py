"""Screenshots of the controls and forms a page's evidence rests on, taken while the page is
open: each a crop of the viewport around the element, with a margin, the element outlined
(a stylesheet applied for the capture only: the page is not changed), as a small JPEG named
after the page and the selector (the same page and selector always give the same name).

Which elements: those the caller's chooser picks from the page record (the library API picks the
elements and forms the rule packs find), at most SHOTS_PER_PAGE a page, within SHOTS_BUDGET_S (the
shots taken by then are kept).
A shot that cannot be taken (the element gone, hidden, zero-sized) is left out, never an error.
Images are off in the crawl's renderer (browser.py), so pictures inside a shot are blank."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace

from playwright.async_api import Error, Page

from scanner.crawl.collector import Recorded
from scanner.models import Page as PageRecord
from scanner.url_templates import split_url

ShotChooser = Callable[[PageRecord], list[str]]  # selectors of a page's elements to photograph
SHOTS_PER_PAGE = 8
# Generous bounds: a shot given up on a busy machine would make two scans of a site differ.
SHOTS_BUDGET_S = 30.0  # for all the shots of one page
SHOT_TIMEOUT_MS = 10_000
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


async def take_shots(page: Page, recorded: Recorded, choose: ShotChooser | None) -> Recorded:
    """The record with the shots of the chosen elements (names in the page, bytes beside)."""
    if choose is None or recorded.page.obstacle:
        return recorded
    selectors = list(dict.fromkeys(choose(recorded.page)))[:SHOTS_PER_PAGE]
    images: dict[str, bytes] = {}
    names: dict[str, str] = {}
    with suppress(asyncio.TimeoutError):  # the shots taken so far are kept
        await asyncio.wait_for(
            _shoot_all(page, recorded.page.url, selectors, images, names), SHOTS_BUDGET_S
        )
    if not names:
        return recorded
    return replace(recorded, page=recorded.page.model_copy(update={"shots": names}), shots=images)


async def _shoot_all(
    page: Page, url: str, selectors: list[str], images: dict[str, bytes], names: dict[str, str]
) -> None:
    for selector in selectors:
        image = await _shoot(page, selector)
        if image is not None:
            name = shot_name(url, selector)
            images[name], names[selector] = image, name


async def _shoot(page: Page, selector: str) -> bytes | None:
    element = page.locator(f"css={selector}").first
    try:
        await element.scroll_into_view_if_needed(timeout=SHOT_TIMEOUT_MS)
        box = await element.bounding_box(timeout=SHOT_TIMEOUT_MS)
        viewport = page.viewport_size
        if box is None or viewport is None or box["width"] < 1 or box["height"] < 1:
            return None
        left = max(0.0, box["x"] - MARGIN)
        top = max(0.0, box["y"] - MARGIN)
        width = min(box["width"] + 2 * MARGIN, MAX_WIDTH, viewport["width"] - left)
        height = min(box["height"] + 2 * MARGIN, MAX_HEIGHT, viewport["height"] - top)
        if width < 1 or height < 1:
            return None
        return await page.screenshot(
            clip={
                "x": round(left),
                "y": round(top),
                "width": round(width),
                "height": round(height),
            },
            type="jpeg",
            quality=QUALITY,
            animations="disabled",
            caret="hide",
            style=f"{selector} {{ {OUTLINE} }}",
            timeout=SHOT_TIMEOUT_MS,
        )
    except Error:
        return None
