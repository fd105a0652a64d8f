"""URL templates (pure): pages of one kind share one, such as shop.com/products/<slug>. The crawl
samples by template; the plan measures how far a signal reaches by them."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlsplit

LANGUAGE = re.compile(r"[a-z]{2}([-_][a-z]{2})?", re.IGNORECASE)
IDENTIFIER = re.compile(r"\d+|(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{6,}", re.IGNORECASE)
LONG_SLUG = re.compile(r"[^/_-]+(?:[-_][^/_-]+){3,}")


def split_url(url: str) -> SplitResult:
    """`urlsplit` that never raises: an address it cannot split (an invalid IPv6 host, as pages
    and sitemaps hold) splits as an empty one, which nothing crawls or matches."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 - raises ValueError on a malformed host
    except ValueError:
        return urlsplit("")
    return parts


def template(url: str) -> str:
    """The URL template a page belongs to, so that pages of one kind are sampled together.

    After an optional language prefix (/de/, /fr-ca/), the last segment of a deeper path is a
    <slug> (/products/red-mug and /products/blue-bowl share /products/<slug>), and so is any
    segment that looks like an id or a long slug; query values are dropped, keys kept.
    """
    parts = split_url(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    prefix = segments[:1] if segments and LANGUAGE.fullmatch(segments[0]) else []
    rest = segments[len(prefix) :]
    shaped = [
        "<id>"
        if IDENTIFIER.fullmatch(segment)
        else "<slug>"
        if (index == len(rest) - 1 and index > 0) or LONG_SLUG.fullmatch(segment)
        else segment
        for index, segment in enumerate(rest)
    ]
    path = "/".join(prefix + shaped)
    trailing = "/" if parts.path.endswith("/") and segments else ""
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = "?" + "&".join(f"{key}=*" for key in keys) if keys else ""
    return f"{parts.hostname}/{path}{trailing}{query}"
