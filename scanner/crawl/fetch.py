"""Small files fetched outside a tab (robots.txt, sitemaps), with the crawl's user agent."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Error

FETCH_TIMEOUT_MS = 10_000


async def fetch(context: BrowserContext, url: str) -> bytes | None:
    """The body of `url`, or None when it fails or answers an error."""
    try:
        response = await context.request.get(url, timeout=FETCH_TIMEOUT_MS, max_redirects=5)
    except Error:
        return None
    if not response.ok:
        return None
    try:
        return await response.body()
    except Error:
        return None
