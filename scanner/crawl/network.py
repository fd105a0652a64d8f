"""What the browser may send: images, fonts and media are not downloaded, other sites are blocked
on request, and analytics hits are intercepted and recorded, never sent."""

from __future__ import annotations

from contextlib import suppress

from playwright.async_api import BrowserContext, Error, Page, Route

from scanner.crawl.inventory import hit_label, is_hit
from scanner.crawl.scope import Scope

BLOCKED_RESOURCES = frozenset({"image", "media", "font"})


async def filter_requests(context: BrowserContext, scope: Scope, block_third_party: bool) -> None:
    """Route every request of the context's tabs through the crawl's filter."""

    async def decide(route: Route) -> None:
        request = route.request
        try:
            if request.resource_type in BLOCKED_RESOURCES and not request.is_navigation_request():
                await route.abort()
            elif block_third_party and not scope.on_site(request.url):
                await route.abort("blockedbyclient")
            else:
                await route.continue_()
        except Error:
            return  # the page closed while its request was pending

    await context.route("**/*", decide)


async def intercept_hits(page: Page) -> list[str]:
    """Abort the tab's analytics hits; the returned list fills with their host and path."""
    hits: list[str] = []

    async def intercept(route: Route) -> None:
        hits.append(hit_label(route.request.url))
        with suppress(Error):
            await route.abort("blockedbyclient")

    await page.route(is_hit, intercept)
    return hits
