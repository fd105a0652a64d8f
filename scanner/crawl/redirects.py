"""A tab's own navigations, checked before the browser makes them: each redirect hop is fetched
one at a time and followed only to an address the crawl may load (on the site, allowed by
robots.txt, not an analytics endpoint), so a redirect to another site is never loaded and run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.async_api import Error, Route

MAX_REDIRECTS = 10


@dataclass(frozen=True)
class Refused:
    """Where a navigation would have led, and why the crawl did not go there."""

    target: str
    why: str  # "another site", "disallowed by robots.txt", "an analytics endpoint"...
    redirected: bool  # a redirect led there (else the page itself navigated: it stays put)


async def follow_checked(route: Route, may_load: Callable[[str], str]) -> list[str] | Refused:
    """Answer a tab's navigation: the addresses it was redirected through (the browser then
    loads the last one), or Refused (the tab stays where it was: 204 No Content)."""
    url = route.request.url
    why = may_load(url)
    hops: list[str] = []
    while not why:
        try:
            response = await route.fetch(url=url, max_redirects=0)
        except Error:
            await route.continue_()  # let the browser meet the network error itself
            return hops
        location = response.headers.get("location", "")
        if not (300 <= response.status < 400 and location):
            if hops:  # one redirect, straight to the checked address
                await route.fulfill(status=302, headers={"Location": url})
            else:
                await route.fulfill(response=response)
            return hops
        hops.append(url)
        url = urljoin(url, location)
        why = "a redirect loop" if len(hops) > MAX_REDIRECTS else may_load(url)
    await route.fulfill(status=204)
    return Refused(url, why, redirected=bool(hops))
