"""A configurable local site for crawler tests: routes with status, type, delay and redirects,
served on 127.0.0.1; it counts requests and how many were in flight at once."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from scanner.serve import LocalServer, reply, running


@dataclass
class Route:
    body: str | bytes = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    location: str = ""


def page(*links: str, title: str = "page") -> Route:
    anchors = "".join(f'<a href="{link}">{link}</a> ' for link in links)
    return Route(f"<!doctype html><title>{title}</title><main>{anchors}</main>")


def gzipped(text: str) -> Route:
    return Route(gzip.compress(text.encode()), content_type="application/x-gzip")


@dataclass
class Site:
    routes: dict[str, Route]
    hits: Counter[str] = field(default_factory=Counter)
    requests: list[str] = field(default_factory=list)  # method and path with query, in order
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[tuple[str, Site]]:
    """Serve the routes (path, or path?query) and yield the base URL and the live counters."""
    site = Site(routes)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            key = self.path if self.path in site.routes else parts.path
            with site.lock:
                site.hits[key] += 1
                site.requests.append(f"{self.command} {self.path}")
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            try:
                self._answer(site.routes.get(key, Route("not found", status=404)))
            finally:
                with site.lock:
                    site.in_flight -= 1

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def _answer(self, route: Route) -> None:
            time.sleep(route.delay)
            body = route.body.encode() if isinstance(route.body, str) else route.body
            headers = {"Location": route.location} if route.location else {}
            reply(self, body, route.content_type, route.status, headers)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(LocalServer(("127.0.0.1", 0), Handler)) as url:
        yield url.rstrip("/"), site
