"""A static file server on 127.0.0.1 for the bundled demo site (and for tests)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from scanner.errors import BadArgument


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for the scanner's own messages."""


def reply(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    content_type: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a whole response from a request handler."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server that stays quiet when the browser drops a connection (it aborts
    images, fonts and off-site requests on purpose)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve in a background thread and yield the base URL; shut down on exit."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_directory(root: Path, port: int = 0) -> Iterator[str]:
    """Serve `root` on http://127.0.0.1:PORT/ (a free port when 0) and yield that base URL."""
    handler = partial(QuietHandler, directory=str(root))
    try:
        server = LocalServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise BadArgument(
            f"Cannot serve the demo site on 127.0.0.1:{port} ({error.strerror}); "
            "choose another port with --port."
        ) from None
    with running(server) as url:
        yield url
