"""Sitemaps: the ones robots.txt names and /sitemap.xml, indexes followed, gzip or not."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext

from scanner.crawl.fetch import fetch
from scanner.crawl.robots import Robots
from scanner.crawl.scope import Scope, normalise

MAX_SITEMAPS, MAX_SITEMAP_PAGES = 50, 50_000


@dataclass(frozen=True)
class SitemapContent:
    pages: list[str]
    sitemaps: list[str]


def parse_sitemap(body: bytes) -> SitemapContent:
    """The <loc> entries of a urlset (pages) or a sitemapindex (nested sitemaps).

    Gzip bodies are decompressed; anything that is not sitemap XML gives nothing.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            return SitemapContent([], [])
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return SitemapContent([], [])
    locations = [
        (element.text or "").strip()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "loc" and (element.text or "").strip()
    ]
    if root.tag.rsplit("}", 1)[-1] == "sitemapindex":
        return SitemapContent([], locations)
    if root.tag.rsplit("}", 1)[-1] == "urlset":
        return SitemapContent(locations, [])
    return SitemapContent([], [])


@dataclass(frozen=True)
class SitemapPages:
    in_scope: list[str]  # sorted page addresses the crawl may visit
    listed: int  # distinct page addresses the sitemaps list


async def sitemap_pages(
    context: BrowserContext, starts: list[str], robots: Robots, scope: Scope
) -> SitemapPages:
    """The page addresses of the start hosts' sitemaps (robots.txt's, then /sitemap.xml)."""
    queue: list[str] = []
    for url in starts:
        parts = urlsplit(url)
        queue += [*robots.sitemaps(parts.netloc), f"{parts.scheme}://{parts.netloc}/sitemap.xml"]
    seen: set[str] = set()
    pages: set[str] = set()
    while queue and len(seen) < MAX_SITEMAPS and len(pages) < MAX_SITEMAP_PAGES:
        sitemap = queue.pop(0)
        if sitemap in seen:
            continue
        seen.add(sitemap)
        body = await fetch(context, sitemap)
        if body is None:
            continue
        content = parse_sitemap(body)
        queue += content.sitemaps
        pages.update(normalise(page) for page in content.pages[:MAX_SITEMAP_PAGES])
    return SitemapPages(sorted(page for page in pages if not scope.why_not(page)), len(pages))
