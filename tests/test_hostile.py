"""Hostile sites: a scan sends no analytics hit, whatever the pages, their workers, popups,
redirects, robots.txt and sitemaps try. The scan runs in a private network namespace where the
analytics hosts resolve to a logging stand-in (tests/sandbox.py), so every attempt is seen."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import IN_CI, ROOT

pytestmark = pytest.mark.browser


def sandboxed_scan(out: Path, *args: str) -> dict[str, Any]:
    """`scanner scan ARGS -o OUT` in the sandbox; what the stand-in and the site logged."""
    works = shutil.which("unshare") and (
        subprocess.run(["unshare", "-rnm", "true"], capture_output=True, check=False).returncode
        == 0
    )
    if not works:
        message = "no private network namespace here (unshare -rnm)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
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
