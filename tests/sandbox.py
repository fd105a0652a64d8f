"""A scan inside a private network namespace (`unshare -rnm`) where the analytics hosts resolve
to a logging stand-in on 127.0.0.1: every hit that leaves the crawl, from the browser or from
Python, reaches the stand-in and is recorded.

Run as `unshare -rnm python -m tests.sandbox OUT -- SCAN-ARGS...` (SCAN-ARGS may hold `{site}`,
the hostile site's base URL); prints one JSON object: the hits recorded, the scanner's exit code
and what it printed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from scanner.serve import LocalServer, reply, running
from tests.hostile_site import COLLECTION_PATHS, STAND_IN_HOSTS, hostile_routes
from tests.sites import serve

HITS: list[str] = []
LOCK = threading.Lock()


def record(what: str) -> None:
    with LOCK:
        HITS.append(what)


class StandIn(BaseHTTPRequestHandler):
    """Every request to an analytics host (or any host the site names) is a leak."""

    def _log(self) -> None:
        record(f"{self.command} {self.headers.get('Host', '?')}{self.path}")
        reply(self, b"", "text/plain", 204)

    do_GET = do_POST = do_HEAD = do_OPTIONS = _log

    def log_message(self, format: str, *args: Any) -> None:
        pass


def count_tls(listener: socket.socket) -> None:
    """Connections to port 443: a hit over HTTPS is a leak even if it never gets past TLS."""
    while True:
        connection, _ = listener.accept()
        record("tls connection to port 443")
        connection.close()


def isolate_dns() -> None:
    hosts = Path(tempfile.mkdtemp()) / "hosts"
    hosts.write_text(
        "127.0.0.1 localhost\n" + "".join(f"127.0.0.1 {host}\n" for host in STAND_IN_HOSTS)
    )
    subprocess.run(["mount", "--bind", str(hosts), "/etc/hosts"], check=True)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=False, capture_output=True)


def main(argv: list[str]) -> None:
    out, scan_args = argv[0], argv[argv.index("--") + 1 :]
    isolate_dns()
    tls = socket.create_server(("127.0.0.1", 443))
    threading.Thread(target=count_tls, args=(tls,), daemon=True).start()
    with running(LocalServer(("127.0.0.1", 80), StandIn)), serve({}) as (site, log):
        log.routes.update(hostile_routes(site))
        args = [arg.replace("{site}", site) for arg in scan_args]
        scan = subprocess.run(
            [sys.executable, "-m", "scanner", *args, "-o", out],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        probe = "http://www.google-analytics.com/g/collect?v=2&en=sandbox_probe"
        with urllib.request.urlopen(probe, timeout=5):  # the stand-in must see this one
            pass
        same_site = [
            f"site {request}"
            for request in log.requests
            if request.split()[1].startswith(COLLECTION_PATHS)
        ]
    print(
        json.dumps(
            {
                "hits": sorted(HITS + same_site),
                "code": scan.returncode,
                "stdout": scan.stdout,
                "stderr": scan.stderr,
                "site_requests": sorted(log.hits),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
