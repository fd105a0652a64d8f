"""Small files fetched outside a tab (robots.txt, sitemaps), from Python, with the crawl's user
agent and bounds: only addresses the crawl may contact (on the site, never an analytics
endpoint), checked again at every redirect; at most `limit` bytes; at most FETCH_TIMEOUT_S."""

from __future__ import annotations

import asyncio
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

FETCH_TIMEOUT_S = 10.0
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    body: bytes
    truncated: bool  # the body was longer than the limit: this is its beginning


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so that each hop is checked before it is followed."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class Fetcher:
    user_agent: str
    may_contact: Callable[[str], bool]

    async def get(self, url: str, limit: int) -> Fetched | None:
        """The body of `url` (its first `limit` bytes), or None when it fails, answers an error,
        or leads where the crawl may not go."""
        return await asyncio.to_thread(self._get, url, limit)

    def _get(self, url: str, limit: int) -> Fetched | None:
        deadline = time.monotonic() + FETCH_TIMEOUT_S
        for _ in range(MAX_REDIRECTS + 1):
            if not self.may_contact(url):
                return None
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            try:
                with _OPENER.open(request, timeout=FETCH_TIMEOUT_S) as response:
                    return _read(response, limit, deadline)
            except urllib.error.HTTPError as error:
                location = error.headers.get("Location") if 300 <= error.code < 400 else None
                error.close()
                if not location:
                    return None
                url = urljoin(url, location)
            except (OSError, ValueError, http.client.HTTPException):
                return None
        return None


def _read(response: http.client.HTTPResponse, limit: int, deadline: float) -> Fetched | None:
    """Read at most `limit` bytes, giving up past the deadline (a server that drips)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        if time.monotonic() > deadline:
            return None
        chunk = response.read(min(CHUNK, limit + 1 - size))
        if not chunk:
            return Fetched(b"".join(chunks), truncated=False)
        chunks.append(chunk)
        size += len(chunk)
    return Fetched(b"".join(chunks)[:limit], truncated=True)
