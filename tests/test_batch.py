"""`scanner batch` on this machine, with real scans of local sites: one folder per site, the
index, failures kept to their site (an error page, a server that never answers, a closed port),
time budgets, and a batch stopped half-way that goes on without scanning a finished site again."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from scanner.serve import serve_directory
from tests.conftest import FIXTURES, run_cli
from tests.redis_server import free_port
from tests.sites import Route, Site, page, serve

pytestmark = pytest.mark.browser


@contextmanager
def local_sites() -> Iterator[tuple[dict[str, str], dict[str, Site]]]:
    """The demo shop and a SaaS site from fixtures/, a site that answers 500, one that never
    answers in time, and one with slow pages; their URLs and the live counters of the last three."""
    with ExitStack() as stack:
        urls = {
            "shop": stack.enter_context(serve_directory(FIXTURES / "demo")),
            "saas": stack.enter_context(serve_directory(FIXTURES / "batch" / "saas")),
        }
        counters = {}
        slow_pages = {f"/p{n}": Route(page(title=f"p{n}").body, delay=40) for n in range(6)}
        for name, routes in (
            ("broken", {"/": Route("oops", status=500)}),
            ("hanging", {"/": Route(page(title="late").body, delay=60)}),
            ("slow", {"/": page(*slow_pages, title="slow home"), **slow_pages}),
        ):
            url, site = stack.enter_context(serve(routes))
            urls[name], counters[name] = url + "/", site
        urls["closed"] = f"http://127.0.0.1:{free_port()}/"
        yield urls, counters


def summary(out: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO((out / "summary.csv").read_text()))
    return {row["url"]: row for row in rows}


def test_a_batch_isolates_failures_keeps_budgets_and_does_not_scan_a_site_twice(
    tmp_path: Path,
) -> None:
    with local_sites() as (urls, counters):
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            f"- {{url: '{urls['shop']}', max_pages: 4, measurement_id: G-SHOP1234}}\n"
            f"- {{url: '{urls['saas']}', type: saas}}\n"
            f"- {urls['broken']}\n"
            f"- {{url: '{urls['hanging']}', time_budget: 4}}\n"
            f"- {{url: '{urls['slow']}', time_budget: 20}}\n"
            f"- {urls['closed']}\n"
        )
        out = tmp_path / "out"
        first = run_cli("batch", str(sites), "-o", str(out), "--jobs", "3", "--block-third-party")
        assert first.returncode == 6, first.stderr
        assert "4 of 6 site(s) failed or are partial" in first.stderr
        rows = summary(out)
        assert [rows[urls[name]]["status"] for name in urls] == [
            *("done", "done", "failed", "failed", "partial", "failed")
        ]
        shop, saas = rows[urls["shop"]], rows[urls["saas"]]
        assert shop["pages"] == "4" and shop["events"] != "0"
        assert saas["business_type"] == "saas" and int(saas["pages"]) >= 3
        assert shop["verification"] == saas["verification"] == "passed"  # scanner verify ran
        assert rows[urls["broken"]]["verification"] == ""
        assert "HTTP 500" in rows[urls["broken"]]["error"]
        assert rows[urls["hanging"]]["error"] == (
            "no page was scanned within its time budget of 4 s."
        )
        assert rows[urls["slow"]]["error"].startswith("stopped at its time budget of 20 s")
        assert rows[urls["slow"]]["pages"] == "1"
        assert "connection refused" in rows[urls["closed"]]["error"]
        folder = out / shop["folder"]
        plan = (folder / "plan.json").read_text()
        assert '"measurement_id": "G-SHOP1234"' in plan
        assert {p.name for p in folder.iterdir()} >= {"site.json", "plan.md", "batch.json"}
        index = (out / "index.html").read_text()
        assert "2 done, 1 partial, 3 failed, 0 not finished" in index
        assert f'href="{shop["folder"]}/plan.md"' in index
        assert not (out / ".partial").exists()

        hits = {name: sum(site.hits.values()) for name, site in counters.items()}
        again = run_cli("batch", str(sites), "-o", str(out), "--jobs", "3", "--block-third-party")
        assert again.returncode == 6
        assert "(6 finished by an earlier run)" in again.stderr
        assert {name: sum(site.hits.values()) for name, site in counters.items()} == hits
        assert (out / "index.html").read_text() == index


def test_a_stopped_batch_goes_on_with_the_sites_it_did_not_finish(tmp_path: Path) -> None:
    with local_sites() as (urls, counters):
        sites = tmp_path / "sites.txt"
        sites.write_text(f"# two sites\n{urls['saas']}\n{urls['slow']}\n")
        out = tmp_path / "out"
        command = [sys.executable, "-m", "scanner", "batch", str(sites), "-o", str(out)]
        batch = subprocess.Popen([*command, "--jobs", "2"], stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            list(out.glob("*/batch.json")) and counters["slow"].hits["/"]
        ):
            time.sleep(0.1)
        batch.send_signal(signal.SIGTERM)
        _, stderr = batch.communicate(timeout=60)
        assert batch.returncode == 130, stderr
        assert "1 site(s) not finished" in stderr
        rows = summary(out)
        assert rows[urls["saas"]]["status"] == "done"
        assert rows[urls["slow"]]["status"] == "not finished"

        for route in counters["slow"].routes.values():
            route.delay = 0
        marker = out / rows[urls["saas"]]["folder"] / "batch.json"
        written = (marker.stat().st_ino, marker.stat().st_mtime_ns)
        again = run_cli("batch", str(sites), "-o", str(out))
        assert again.returncode == 0, again.stderr
        assert "(1 finished by an earlier run)" in again.stderr
        assert summary(out)[urls["slow"]]["status"] == "done"
        assert counters["slow"].hits["/"] == 3  # stopped, scanned again, then verified
        assert (marker.stat().st_ino, marker.stat().st_mtime_ns) == written  # not scanned again
