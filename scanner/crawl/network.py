"""What the browser may send: images, fonts and media are not downloaded, other sites are blocked
on request, and analytics hits are intercepted and recorded, never sent."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

from playwright.async_api import BrowserContext, Error, Page, Route

from scanner.crawl.inventory import hit_events, hit_label, is_hit
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


@dataclass
class Hits:
    """The analytics hits a tab tried to send: their host and path, and the events they sent."""

    labels: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


async def intercept_hits(page: Page) -> Hits:
    """Abort the tab's analytics hits; the returned record fills as they come."""
    hits = Hits()

    async def intercept(route: Route) -> None:
        request = route.request
        hits.labels.append(hit_label(request.url))
        try:
            body = request.post_data or ""
        except (Error, UnicodeDecodeError):
            body = ""
        hits.events += hit_events(request.url, body)
        with suppress(Error):
            await route.abort("blockedbyclient")

    await page.route(is_hit, intercept)
    return hits
