"""The progress bar a terminal shows during a crawl (rich)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from scanner.crawl import CrawlProgress

URL_WIDTH = 60


class ProgressBar:
    """A bar of pages done out of those known (done and queued), the errors so far, the page
    just loaded and the time left. Silent when standard error is not a terminal (CI, pipes,
    files)."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        if sys.stderr.isatty():
            self.bar = Progress(
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("pages, {task.fields[queued]} queued, {task.fields[errors]} errors"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[url]}"),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self.task = self.bar.add_task("crawl", total=None, queued=0, errors=0, url="")
            self.bar.start()

    def __call__(self, progress: CrawlProgress) -> None:
        if self.bar is None:
            return
        self.bar.update(
            self.task,
            completed=progress.done,
            total=progress.done + progress.queued,
            queued=progress.queued,
            errors=progress.failed,
            url=_shortened(progress.url),
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _shortened(url: str) -> str:
    return url if len(url) <= URL_WIDTH else url[: URL_WIDTH - 1] + "…"
