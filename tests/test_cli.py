"""The command line as a user meets it: outputs, determinism, replay, and one-line errors."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scanner.outputs.registry import SCAN_OUTPUTS
from scanner.serve import serve_directory
from tests.conftest import FIXTURES, REQUIRED_KINDS, invoke, run_cli
from tests.golden import GOLDEN, RECORDED_HOST

OUTPUTS = [output.name for output in SCAN_OUTPUTS]
browser = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """`scanner demo` run twice on the same port (the second reuses the first's): the host it
    served on and the two output directories."""
    first = tmp_path_factory.mktemp("demo1")
    second = tmp_path_factory.mktemp("demo2")
    result = run_cli("demo", "-o", str(first), "--port", "0")
    assert result.returncode == 0, result.stderr
    served = re.search(r"serving the demo site on http://(127\.0\.0\.1:(\d+))/", result.stderr)
    assert served, result.stderr
    result = run_cli("demo", "-o", str(second), "--port", served.group(2))
    assert result.returncode == 0, result.stderr
    return served.group(1), first, second


@browser
def test_scan_writes_every_output(demo_scan: tuple[str, Path, Path]) -> None:
    _, out, _ = demo_scan
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    plan = json.loads((out / "plan.json").read_text())
    assert plan["business_type"]["type"] == "ecommerce"
    kinds = {event["kind"] for event in plan["events"]}
    assert set(REQUIRED_KINDS) <= kinds
    findings = json.loads((out / "findings.json").read_text())
    assert findings == sorted(
        findings, key=lambda f: (f["page"], f["kind"], f["selector"], f["rule"])
    )
    for finding in findings:
        assert {"page", "kind", "rule", "selector", "text", "confidence", "evidence"} <= set(
            finding
        )
        assert 0 <= finding["confidence"] <= 1 and finding["evidence"]


@browser
def test_two_scans_of_the_same_site_are_byte_identical(demo_scan: tuple[str, Path, Path]) -> None:
    _, first, second = demo_scan
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_analyze_rebuilds_the_scan_outputs_byte_for_byte(tmp_path: Path) -> None:
    result = invoke("analyze", str(GOLDEN / "demo" / "site.json"), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(o.name for o in SCAN_OUTPUTS)
    for output in SCAN_OUTPUTS:
        assert (tmp_path / output.name).read_bytes() == (GOLDEN / "demo" / output.name).read_bytes()


def test_analyze_into_another_directory_takes_the_screenshots_along(tmp_path: Path) -> None:
    scan = tmp_path / "scan"
    (scan / "shots").mkdir(parents=True)
    site = json.loads((GOLDEN / "demo" / "site.json").read_text())
    names = sorted({name for page in site["pages"] for name in page["shots"].values()})
    (scan / "site.json").write_text(json.dumps(site))
    for name in names[:-1]:  # one is missing: the report still renders
        (scan / "shots" / name).write_bytes(name.encode())
    result = invoke("analyze", str(scan / "site.json"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    copied = sorted(p.name for p in (tmp_path / "out" / "shots").iterdir())
    assert copied == names[:-1]
    assert all((tmp_path / "out" / "shots" / n).read_bytes() == n.encode() for n in copied)


def test_analyze_reads_a_site_json_of_the_first_schema_version(tmp_path: Path) -> None:
    """Scans made before annotations moved out of the pages still replay."""
    site = json.loads((GOLDEN / "demo" / "site.json").read_text())
    by_url = {item.pop("url"): item for item in site.pop("annotations")}
    empty = {"page": [], "page_not": [], "business_type": "", "elements": []}
    for page in site["pages"]:
        page["expectations"] = by_url.get(page["url"], empty)
    site["schema_version"] = 1
    (tmp_path / "site.json").write_text(json.dumps(site))
    result = invoke("analyze", str(tmp_path / "site.json"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    golden_plan = (GOLDEN / "demo" / "plan.json").read_bytes()
    assert (tmp_path / "out" / "plan.json").read_bytes() == golden_plan


def test_analyze_can_force_a_type_and_a_measurement_id(tmp_path: Path) -> None:
    result = invoke(
        "analyze",
        str(GOLDEN / "demo" / "site.json"),
        "-o",
        str(tmp_path),
        "--type",
        "saas",
        "--measurement-id",
        "G-ABC1234567",
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["business_type"] == {
        "type": "saas",
        "confidence": 1.0,
        "evidence": ["set with --type"],
        "also": [],
    }
    assert "G-ABC1234567" in (tmp_path / "gtm-container.json").read_text()


@browser
def test_demo_command_writes_the_golden_files(demo_scan: tuple[str, Path, Path]) -> None:
    """`./run demo` gives exactly tests/golden/demo (which is served on port 8765)."""
    host, out, _ = demo_scan
    for name in OUTPUTS:
        if name.endswith(".xlsx"):  # compressed, and its column widths follow the port's length
            cells = sheet_values(out / name, host)
            assert cells == sheet_values(GOLDEN / "demo" / name, RECORDED_HOST), name
            continue
        text = (out / name).read_text().replace(host, RECORDED_HOST)
        assert text == (GOLDEN / "demo" / name).read_text(), name


def sheet_values(xlsx: Path, host: str) -> dict[str, list[list[str]]]:
    """Every sheet's cells, the host written as the recorded one."""
    book = load_workbook(xlsx)
    return {
        sheet.title: [
            [str(value or "").replace(host, RECORDED_HOST) for value in row] for row in sheet.values
        ]
        for sheet in book.worksheets
    }


@browser
def test_depth_zero_scans_exactly_the_given_pages(tmp_path: Path) -> None:
    with serve_directory(FIXTURES / "demo") as url:
        result = run_cli(
            "scan", url + "cart.html", url + "contact.html", "--depth", "0", "-o", str(tmp_path)
        )
    assert result.returncode == 0, result.stderr
    site = json.loads((tmp_path / "site.json").read_text())
    assert [page["url"] for page in site["pages"]] == [url + "cart.html", url + "contact.html"]


# --- bad input: one line, what to do, non-zero, no traceback ---------------------------


def assert_clean_error(
    result: subprocess.CompletedProcess[str], exit_code: int, *fragments: str
) -> None:
    stderr = result.stderr
    assert result.returncode == exit_code, stderr
    assert "Traceback" not in stderr
    error_lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, stderr
    for fragment in fragments:
        assert fragment in error_lines[0]


@pytest.mark.parametrize("url", ["example.com", "ftp://example.com/", "http://", "http://h:99999/"])
def test_malformed_url(url: str, tmp_path: Path) -> None:
    assert_clean_error(invoke("scan", url, "-o", str(tmp_path)), 2, url)


@browser
def test_refused_connection(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("scan", f"http://127.0.0.1:{port}/", "-o", str(tmp_path))
    assert_clean_error(result, 3, "connection refused")
    assert not (tmp_path / "site.json").exists()


@browser
def test_non_html_start_page(tmp_path: Path) -> None:
    root = tmp_path / "www"
    root.mkdir()
    (root / "data.json").write_text('{"a": 1}')
    with serve_directory(root) as url:
        result = run_cli("scan", url + "data.json", "-o", str(tmp_path / "out"))
    assert_clean_error(result, 3, "not an HTML page", "application/json")


@browser
def test_http_error_on_start_page(tmp_path: Path) -> None:
    with serve_directory(FIXTURES / "demo") as url:
        result = run_cli("scan", url + "no-such-page.html", "-o", str(tmp_path))
    assert_clean_error(result, 3, "HTTP 404")


@browser
def test_one_failing_start_url_keeps_the_others(tmp_path: Path) -> None:
    with serve_directory(FIXTURES / "demo") as url:
        result = run_cli(
            "scan", url + "cart.html", url + "missing.html", "--depth", "0", "-o", str(tmp_path)
        )
    assert_clean_error(result, 6, "HTTP 404", "1 of 2 start page(s) failed", "others were scanned")
    site = json.loads((tmp_path / "site.json").read_text())
    assert [page["url"] for page in site["pages"]] == [url + "cart.html"]
    assert site["errors"][0]["url"] == url + "missing.html"


def test_missing_site_json(tmp_path: Path) -> None:
    result = invoke("analyze", str(tmp_path / "nope.json"), "-o", str(tmp_path))
    assert_clean_error(result, 4, "no such file")


def test_site_json_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "site.json"
    bad.write_text("{not json")
    assert_clean_error(invoke("analyze", str(bad), "-o", str(tmp_path)), 4, "not valid JSON")


def test_site_json_that_is_not_a_crawl_record(tmp_path: Path) -> None:
    bad = tmp_path / "site.json"
    bad.write_text('{"pages": "many"}')
    assert_clean_error(invoke("analyze", str(bad), "-o", str(tmp_path)), 4, "not a crawl record")


def test_unreadable_site_json(tmp_path: Path) -> None:
    bad = tmp_path / "site.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    assert_clean_error(invoke("analyze", str(bad), "-o", str(tmp_path)), 4, "cannot be read")


def test_unwritable_output_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = invoke("analyze", str(GOLDEN / "demo" / "site.json"), "-o", str(blocker / "out"))
    assert_clean_error(result, 4, "cannot write to")


def test_invalid_measurement_id(tmp_path: Path) -> None:
    result = invoke(
        "scan", "http://127.0.0.1:9/", "-o", str(tmp_path), "--measurement-id", "UA-12345-1"
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a GA4 measurement ID" in result.stderr


def test_browser_option_pointing_nowhere(tmp_path: Path) -> None:
    result = invoke(
        "scan", "http://127.0.0.1:9/", "-o", str(tmp_path), "--browser", "/nonexistent/chromium"
    )
    assert_clean_error(result, 5, "/nonexistent/chromium", "does not exist")


def test_no_browser_anywhere(tmp_path: Path) -> None:
    result = run_cli(
        "scan",
        "http://127.0.0.1:9/",
        "-o",
        str(tmp_path),
        env={
            "PATH": str(tmp_path),
            "SCANNER_BROWSER": "",
            "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "none"),
        },
    )
    assert_clean_error(result, 5, "apt-get install chromium", "playwright install")


@browser
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_stops_cleanly_and_writes_what_was_gathered(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """A slow site of linked pages; the signal arrives mid-crawl, to the whole process group
    (Chromium and Playwright's driver too) as a terminal's Ctrl-C or a supervisor does."""
    served: list[str] = []

    class SlowPages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(0.3)
            if not self.path.strip("/").isdigit() and self.path != "/":
                self.send_error(404)
                return
            number = int(self.path.strip("/") or 0)
            body = f'<a href="/{number + 1}">next</a><a href="tel:+1555{number}">call</a>'
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body.encode())
            served.append(self.path)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowPages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scanner",
                "scan",
                f"http://127.0.0.1:{server.server_port}/",
                "-o",
                str(tmp_path),
                "--depth",
                "100",
                "--max-pages",
                "100",
                "--sample-per-template",
                "0",
            ],
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while len(served) < 3 and time.monotonic() < deadline - 30:
            time.sleep(0.1)  # Ctrl-C once a few pages are in, however loaded the machine
        os.killpg(process.pid, stop)
        _, stderr = process.communicate(timeout=max(1, deadline - time.monotonic()))
    finally:
        server.shutdown()
        server.server_close()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    site = json.loads((tmp_path / "site.json").read_text())
    assert 1 <= len(site["pages"]) < 100
    assert (tmp_path / "plan.json").exists()


@browser
def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:

    with serve_directory(FIXTURES / "demo") as url:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scanner",
                "scan",
                url,
                "-o",
                str(tmp_path / "tty"),
                "--no-screenshots",
            ],
            stdout=subprocess.DEVNULL,
            stderr=follower,
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=120)
        os.close(leader)
        piped = run_cli(
            "scan", url, "-o", str(tmp_path / "pipe"), "--no-screenshots", "--max-pages", "3"
        )
    assert process.returncode == 0
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", output)  # colours and cursor moves
    assert b" queued, " in text and b" errors" in text  # the bar's text
    assert re.search(rb"[1-9]\d*/\d+ pages", text)  # pages done of those known
    assert b"\xe2\x94\x81" in output  # the bar itself (rich draws it with U+2501)
    assert "queued" not in piped.stderr
    assert not (tmp_path / "pipe" / "shots").exists()  # --no-screenshots


def test_usage_errors_are_one_line_too() -> None:
    assert_clean_error(invoke("scan"), 2, "Missing argument", "scanner scan --help")
    assert_clean_error(invoke("analyze", "x.json", "-o", ""), 2, "give a directory")


def test_an_unwritable_output_is_refused_before_the_crawl(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # the site does not answer: a crawl would end with 3; the output is checked first
    result = invoke("scan", "http://127.0.0.1:9/", "-o", str(blocker / "out"))
    assert_clean_error(result, 4, "cannot write to")


def test_a_record_from_a_newer_scanner_is_refused(tmp_path: Path) -> None:
    record = json.loads((GOLDEN / "demo" / "site.json").read_text())
    record["schema_version"] = 99
    (tmp_path / "site.json").write_text(json.dumps(record))
    result = invoke("analyze", str(tmp_path / "site.json"), "-o", str(tmp_path / "out"))
    assert_clean_error(result, 4, "newer scanner", "upgrade")
