"""One site of a batch, scanned by `scanner scan` in a process of its own, within its time
budget: a site that crashes its browser, eats memory or never ends cannot take the batch down,
and the site's folder is exactly what `scanner scan` writes (every output it has)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from scanner.models import SiteEntry, SiteOutcome

GRACE_S = 30  # after the budget's SIGTERM, for the scan to write what it gathered
POLL_S = 0.2
ERROR_LENGTH = 500  # characters of an error line kept for the index


def scan_command(entry: SiteEntry, out: Path) -> list[str]:
    """The `scanner scan` command line for an entry."""
    command = [sys.executable, "-m", "scanner", "scan", entry.url, "-o", str(out)]
    command += ["--max-pages", str(entry.max_pages), "--consent", entry.consent]
    command += ["--type", entry.business_type]
    for flag, value in (
        ("--measurement-id", entry.measurement_id),
        ("--meta-pixel-id", entry.meta_pixel_id),
        ("--google-ads-id", entry.google_ads_id),
    ):
        command += [flag, value] if value else []
    return command + (["--block-third-party"] if entry.block_third_party else [])


def scan_site(
    entry: SiteEntry, out: Path, stop: threading.Event | None = None
) -> SiteOutcome | None:
    """Scan `entry` into `out` (a fresh directory); its outcome, or None when `stop` was set or
    the scan was interrupted from outside (Ctrl-C): the site is then not finished."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            scan_command(entry, out), stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        code, reason = _wait(process, entry.time_budget, stop)
        log.seek(0)
        lines = log.read().decode("utf-8", "replace").splitlines()
    error = next((line[7:] for line in reversed(lines) if line.startswith("error: ")), "")
    error = error.replace(str(out), entry.folder)[:ERROR_LENGTH]
    if reason == "stopped" or (code == 130 and not reason):
        return None
    plan = out / "plan.json"
    summary = _summary(json.loads(plan.read_text(encoding="utf-8"))) if plan.exists() else {}
    budget = f"its time budget of {entry.time_budget} s"
    if reason == "killed":
        shutil.rmtree(out, ignore_errors=True)  # whatever it had written by then
        return SiteOutcome(status="failed", error=f"did not stop within {GRACE_S} s of {budget}.")
    if code == 130 and summary:
        error = f"stopped at {budget}; the pages scanned by then are written."
        return SiteOutcome(status="partial", error=error, **summary)
    # killed by the budget's SIGTERM itself: it came while the scan was starting (importing,
    # before the crawl handles signals), so no page was scanned
    if code == 130 or (reason == "budget" and code == -signal.SIGTERM):
        return SiteOutcome(status="failed", error=f"no page was scanned within {budget}.")
    if code in (0, 6) and summary:
        left = entry.time_budget - (time.monotonic() - started)
        verification = verify_site(out, left, stop)
        if verification is None:
            return None
        return SiteOutcome(
            status="done" if code == 0 else "partial",
            error=error,
            verification=verification,
            **summary,
        )
    died = f"the scan ended with exit code {code}" if code > 0 else f"the scan died ({-code})"
    return SiteOutcome(status="failed", error=error or f"{died}; see `scanner scan {entry.url}`.")


def verify_site(out: Path, budget_s: float, stop: threading.Event | None) -> str | None:
    """`scanner verify` on the scan in `out`, in what is left of the site's budget: 'passed',
    'fails on N tag(s)', or why it was not verified; None when `stop` was set."""
    if budget_s < 1:
        return "not verified: the time budget was spent on the scan."
    command = [sys.executable, "-m", "scanner", "verify", str(out)]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    code, reason = _wait(process, int(budget_s) or 1, stop)
    if reason == "stopped":
        return None
    result = out / "verification.json"
    if code == 0:
        return "passed"
    if code == 7 and result.exists():
        tags = json.loads(result.read_text(encoding="utf-8")).get("tags", [])
        failing = sum(tag.get("status") == "fails" for tag in tags)
        return f"fails on {failing} tag(s)" if failing else "fails: some pages did not load"
    why = "the time budget ran out" if reason else f"verify ended with exit code {code}"
    return f"not verified: {why}."


def _wait(
    process: subprocess.Popen[bytes], budget_s: int, stop: threading.Event | None
) -> tuple[int, str]:
    """Wait for the scan: SIGTERM at the end of its budget or on `stop` (it then writes what it
    gathered), SIGKILL if it is still there GRACE_S later. Its exit code, and what was done to
    it: '' (nothing), 'budget', 'stopped' or 'killed'."""
    deadline = time.monotonic() + budget_s
    reason, kill_at = "", 0.0
    while True:
        try:
            return process.wait(timeout=POLL_S), reason
        except subprocess.TimeoutExpired:
            now = time.monotonic()
            if not reason and (now >= deadline or (stop is not None and stop.is_set())):
                reason = "budget" if now >= deadline else "stopped"
                process.terminate()
                kill_at = now + GRACE_S
            elif reason and now >= kill_at:
                process.kill()
                process.wait()
                return process.returncode, "stopped" if reason == "stopped" else "killed"


def _summary(plan: dict[str, Any]) -> dict[str, Any]:
    """The index's figures from a plan.json."""
    events = plan.get("events", [])
    return {
        "business_type": plan["business_type"]["type"],
        "pages": plan["pages_scanned"],
        "key_signals": [event["event"] for event in events if event["tier"] == "key"],
        "events": len(events),
        "crawl_errors": len(plan.get("crawl_errors", [])),
    }
