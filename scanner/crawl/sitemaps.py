"""Sitemaps: the ones robots.txt names and /sitemap.xml, indexes followed, gzip or not, each
bounded as the sitemap protocol bounds it (50 MB, 50,000 addresses); only on the site."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast
from xml.etree.ElementTree import Element

from scanner.crawl.fetch import Fetcher
from scanner.crawl.robots import Robots
from scanner.crawl.scope import Scope, normalise
from scanner.url_templates import split_url

MAX_SITEMAPS, MAX_SITEMAP_PAGES = 50, 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # per sitemap, after decompression
MAX_LOCATIONS = 50_000  # per sitemap


@dataclass(frozen=True)
class SitemapContent:
    pages: list[str]
    sitemaps: list[str]
    cut: str = ""  # what was left out of this sitemap, and why ('' when nothing)


def parse_sitemap(body: bytes) -> SitemapContent:
    """The <loc> entries of a urlset (pages) or a sitemapindex (nested sitemaps).

    Gzip bodies are decompressed up to MAX_SITEMAP_BYTES; a sitemap cut there, or broken
    half-way, gives the entries before the cut; anything that is not sitemap XML gives nothing.
    """
    cuts: list[str] = []
    if body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        try:
            body = inflater.decompress(body, MAX_SITEMAP_BYTES)
        except zlib.error:
            return SitemapContent([], [], "its gzip data is broken")
        if inflater.unconsumed_tail:
            cuts.append(f"read up to {MAX_SITEMAP_BYTES // 2**20} MB decompressed")
    root_tag, locations = _locations(body)
    if len(locations) > MAX_LOCATIONS:
        cuts.append(f"{len(locations)} addresses, the first {MAX_LOCATIONS} kept")
        locations = locations[:MAX_LOCATIONS]
    cut = "; ".join(cuts)
    if root_tag == "sitemapindex":
        return SitemapContent([], locations, cut)
    if root_tag == "urlset":
        return SitemapContent(locations, [], cut)
    return SitemapContent([], [])


def _locations(body: bytes) -> tuple[str, list[str]]:
    """The root element's name and the <loc> texts, read in pieces and forgotten as they go
    (a sitemap may hold millions of elements); up to an XML error, if any."""
    parser: ElementTree.XMLPullParser[Element] = ElementTree.XMLPullParser(("start", "end"))
    root_tag, locations = "", []
    try:
        for offset in range(0, len(body), 2**20):
            parser.feed(body[offset : offset + 2**20])
            for event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
                tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
                if event == "start":
                    root_tag = root_tag or tag
                    continue
                if tag == "loc" and (element.text or "").strip():
                    locations.append((element.text or "").strip())
                element.clear()
    except ElementTree.ParseError:
        pass  # keep what came before the error
    return root_tag, locations


@dataclass(frozen=True)
class SitemapPages:
    in_scope: list[str]  # sorted page addresses the crawl may visit
    listed: int  # distinct page addresses the sitemaps list
    cuts: list[str] = field(default_factory=list)  # sitemaps read only in part, and why


async def sitemap_pages(
    fetcher: Fetcher, starts: list[str], robots: Robots, scope: Scope
) -> SitemapPages:
    """The page addresses of the start hosts' sitemaps (robots.txt's, then /sitemap.xml)."""
    queue: list[str] = []
    for url in starts:
        parts = split_url(url)
        queue += [*robots.sitemaps(parts.netloc), f"{parts.scheme}://{parts.netloc}/sitemap.xml"]
    seen: set[str] = set()
    pages: set[str] = set()
    cuts: list[str] = []
    while queue and len(pages) < MAX_SITEMAP_PAGES:
        sitemap = queue.pop(0)
        if sitemap in seen:
            continue
        if len(seen) == MAX_SITEMAPS:
            cuts.append(f"sitemaps: only the first {MAX_SITEMAPS} were read")
            break
        seen.add(sitemap)
        answer = await fetcher.get(sitemap, MAX_SITEMAP_BYTES)
        if answer is None:
            continue
        content = parse_sitemap(answer.body)
        if answer.truncated:
            cuts.append(f"{sitemap}: read up to {MAX_SITEMAP_BYTES // 2**20} MB")
        if content.cut:
            cuts.append(f"{sitemap}: {content.cut}")
        queue += content.sitemaps
        pages.update(normalise(page) for page in content.pages[: MAX_SITEMAP_PAGES - len(pages)])
    in_scope = sorted(page for page in pages if not scope.why_not(page))
    return SitemapPages(in_scope, len(pages), cuts)
