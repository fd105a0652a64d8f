"""The progress line a terminal shows during a crawl."""

from __future__ import annotations

import sys

from scanner.crawl import CrawlProgress

WIDTH = 110


class ProgressLine:
    """One line, rewritten after each page: pages done and queued, errors, the page just
    loaded. Silent when standard error is not a terminal (CI, pipes, files)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.width = 0

    def __call__(self, progress: CrawlProgress) -> None:
        if not self.enabled:
            return
        line = (
            f"{progress.done} done, {progress.queued} queued, {progress.failed} errors: "
            f"{progress.url}"
        )[:WIDTH]
        sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
