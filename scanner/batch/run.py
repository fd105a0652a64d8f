"""A batch on this machine: the sites not finished yet, several at a time, each scanned in its
own process; then the index (index.html, summary.csv) of every site of the list. Ctrl-C or
SIGTERM stops the scans under way (their sites stay unfinished) and still writes the index."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from scanner.batch.folders import check_folders, finish, finished, staging, tidy
from scanner.batch.site_scan import scan_site
from scanner.models import IndexRow, SiteEntry, SiteRecord
from scanner.outputs.batch_index import render_csv, render_html
from scanner.outputs.write import check_writable, write_file

LINKED = ("report.html", "plan.md", "gtm-container.json")  # linked from the index, when there
SiteDone = Callable[[SiteRecord], None]


@dataclass(frozen=True)
class BatchResult:
    rows: list[IndexRow]  # every site of the list, in its order
    interrupted: bool
    earlier: int  # sites finished by an earlier run, not scanned again


def to_scan(entries: list[SiteEntry], out: Path) -> list[SiteEntry]:
    """The sites of the list that no earlier run finished with the same options."""
    check_writable(out)
    check_folders(out, entries)
    return [entry for entry in entries if finished(out, entry) is None]


def run_local(entries: list[SiteEntry], out: Path, jobs: int, on_site: SiteDone) -> BatchResult:
    """Scan the unfinished sites, `jobs` at a time, and write the index."""
    todo = to_scan(entries, out)
    stop = threading.Event()
    interrupted = False
    with sigterm_interrupts(), ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_scan_one, entry, out, stop) for entry in todo]
        try:
            for future in as_completed(futures):
                record = future.result()
                if record is not None:
                    on_site(record)
        except KeyboardInterrupt:
            stop.set()
            interrupted = True
    return BatchResult(write_index(entries, out), interrupted, len(entries) - len(todo))


def _scan_one(entry: SiteEntry, out: Path, stop: threading.Event) -> SiteRecord | None:
    if stop.is_set():
        return None
    staged = staging(out, entry)
    outcome = scan_site(entry, staged, stop)
    return None if outcome is None else finish(out, entry, outcome, staged)


def write_index(entries: list[SiteEntry], out: Path) -> list[IndexRow]:
    """index.html and summary.csv of every site of the list, finished or not."""
    tidy(out)
    rows = []
    for entry in entries:
        record = finished(out, entry)
        files = [name for name in LINKED if (out / entry.folder / name).is_file()]
        rows.append(IndexRow(entry=entry, outcome=record.outcome if record else None, files=files))
    write_file(out / "index.html", render_html(rows))
    write_file(out / "summary.csv", render_csv(rows))
    return rows


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the batch as Ctrl-C does (in the main thread, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_: int, __: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
