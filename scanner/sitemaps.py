"""Sitemap parsing (pure): page addresses and nested sitemaps from sitemap XML, gzip or not."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass


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
