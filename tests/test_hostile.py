"""Hostile sites: a scan sends no analytics hit, whatever the pages, their workers, popups,
redirects, robots.txt and sitemaps try. The scan runs in a private network namespace where the
analytics hosts resolve to a logging stand-in (tests/sandbox.py), so every attempt is seen."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scanner.crawl import CrawlOptions, crawl
from tests.conftest import ROOT
from tests.sites import Route, page, serve

pytestmark = pytest.mark.browser


def sandboxed_scan(out: Path, *args: str) -> dict[str, Any]:
    """`scanner scan ARGS -o OUT` in the sandbox; what the stand-in and the site logged."""
    works = shutil.which("unshare") and (
        subprocess.run(["unshare", "-rnm", "true"], capture_output=True, check=False).returncode
        == 0
    )
    if not works:  # a platform that forbids namespaces (some containers): nothing to prove on
        pytest.skip("no private network namespace can be made here (unshare -rnm)")
    done = subprocess.run(
        ["unshare", "-rnm", sys.executable, "-m", "tests.sandbox", str(out), "--", "scan", *args],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_no_analytics_hit_leaves_the_crawl_and_each_is_listed(tmp_path: Path) -> None:
    result = sandboxed_scan(
        tmp_path / "out", "{site}/", "{site}/popup-opener", "{site}/consent", "--depth", "1"
    )
    assert result["code"] == 0, result["stderr"]
    probe = "GET www.google-analytics.com/g/collect?v=2&en=sandbox_probe"
    assert result["hits"] == [probe]  # the stand-in logs what reaches it: only the probe did
    # (robots.txt and the sitemap index name endpoints and another host: not fetched either)
    site = json.loads((tmp_path / "out" / "site.json").read_text())
    home = next(page for page in site["pages"] if urlsplit(page["url"]).path == "/")
    tracking = home["tracking"]
    assert {
        "stats.g.doubleclick.net/g/collect",
        "stats.g.doubleclick.net/j/collect",
        "www.google-analytics.com/mp/collect",
        "www.google-analytics.com./g/collect",
        "www.google.com/ads/ga-audiences",
        "127.0.0.1/g/collect",
    } <= set(tracking["blocked_hits"])
    assert {"ga4:redirected", "ga4:worker", "ga4:trailing_dot"} <= set(tracking["hit_events"])
    assert any(page["url"].endswith("/consent") for page in site["pages"])


def self_navigating_site() -> dict[str, Route]:
    body = "<!doctype html><title>{title}</title><main><button>Buy now</button></main>{script}"

    def route(title: str, script: str = "", head: str = "") -> Route:
        return Route(head + body.format(title=title, script=f"<script>{script}</script>"))

    return {
        "/script-redirect": route("A", "onload = () => setTimeout(() => location.href = '/b', 50)"),
        "/meta-refresh": route("M", head="<meta http-equiv='refresh' content='0;url=/b'>"),
        "/b": route("Landing"),
        "/off-site": route("O", "onload = () => location.href = 'http://localhost:9/away'"),
        # a download's thank-you page that starts it while it parses, from another site
        "/thanks": Route(
            "<!doctype html><title>Thanks</title><main><a id='get' download"
            " href='http://localhost:9/app.exe'>Download</a></main>"
            "<script>document.getElementById('get').click()</script>"
        ),
        "/to-private": route("P", "onload = () => location.href = '/private/x'"),
        # an upgrade to https where nothing answers it (a saved copy of a real page)
        "/to-https": route(
            "S", "onload = () => location.replace('https' + location.href.slice(4))"
        ),
        # the same upgrade while the page parses: the navigation stops the parser, then fails
        "/upgrades-early": Route(
            "<!doctype html><title>U</title><script>if (location.protocol != 'https:')"
            " document.location = document.URL.replace(/^http:/, 'https:')</script>"
            "<main><button>Buy now</button></main>"
        ),
        "/private/x": route("Private"),
        "/reloads": route("Reloads", "onload = () => setTimeout(() => location.reload(), 10)"),
        "/alerts": route("Alerts", "onload = () => { for (;;) alert('hi'); }"),
        "/busy": route("Busy", "onload = () => setTimeout(() => { for (;;) {} }, 50)"),
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    }


def test_pages_that_navigate_loop_or_hang_are_still_read_within_the_site_and_robots() -> None:
    routes = self_navigating_site()
    starts = [path for path in routes if path not in ("/b", "/private/x", "/robots.txt")]
    with serve(routes) as (base, served):
        site = crawl([base + path for path in starts], CrawlOptions(depth=0)).site
    read = {page.requested_url.removeprefix(base): page for page in site.pages}
    # followed to where they land, on the site (both land on /b: one record)
    landing = next(page for page in site.pages if page.url == base + "/b")
    assert landing.title == "Landing"
    assert landing.requested_url.removeprefix(base) in ("/script-redirect", "/meta-refresh")
    # a navigation to another site is answered before it leaves: the page is read where it was
    assert read["/off-site"].url == base + "/off-site" and read["/off-site"].elements
    assert read["/thanks"].url == base + "/thanks" and read["/thanks"].elements
    # a navigation the network fails leaves no error page to read: the page stays
    assert read["/to-https"].url == base + "/to-https" and read["/to-https"].elements
    # and when it stopped the page half-read, the page's HTML is read without its scripts
    early = read["/upgrades-early"]
    assert early.url == base + "/upgrades-early" and [e.text for e in early.elements] == ["Buy now"]
    # endless reloads, alerts and busy loops: the page's HTML read without its scripts
    for path in ("/reloads", "/alerts", "/busy"):
        assert read[path].title and read[path].elements, path
    assert any("/busy: read without its scripts" in cut for cut in site.coverage.cuts)
    # nor to a page robots.txt disallows: never asked for, the page is read where it was
    assert read["/to-private"].url == base + "/to-private"
    assert served.hits["/private/x"] == 0


def test_a_page_of_200000_buttons_is_read_within_bounds_and_the_cut_is_said() -> None:
    buttons = "".join(f'<button class="b">Buy {n}</button>' for n in range(200_000))
    with serve({"/": Route(f"<!doctype html><title>big</title><body>{buttons}")}) as (base, _):
        site = crawl([base + "/"], CrawlOptions(depth=0)).site
    assert len(site.pages[0].elements) == 5000
    assert site.coverage.cuts == [f"{base}/: elements: 200000 found, the first 5000 kept"]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kill_the_browser() -> None:
    """SIGKILL to this process's Chromium (the process Playwright talks to over its pipe)."""
    for pid in descendants(os.getpid()):
        with contextlib.suppress(OSError):
            if b"--remote-debugging-pipe" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)


def test_a_browser_that_dies_is_restarted_and_its_pages_tried_again() -> None:
    routes = {f"/p{n}": Route(str(page().body), delay=2.0) for n in range(4)}
    with serve(routes) as (base, served):

        def kill_while_loading() -> None:
            deadline = time.monotonic() + 60
            while served.in_flight < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            kill_the_browser()

        killer = threading.Thread(target=kill_while_loading)
        killer.start()
        site = crawl([base + path for path in routes], CrawlOptions(depth=0)).site
        killer.join()
    assert len(site.pages) == 4 and not site.errors
