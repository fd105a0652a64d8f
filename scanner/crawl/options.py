"""The options of a crawl."""

from __future__ import annotations

from dataclasses import dataclass

from scanner.crawl.shots import ShotChooser
from scanner.crawl.visit import VisitOptions


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 20
    depth: int = 2  # links away from the start pages; 0: only them
    timeout_ms: int = 20_000  # per navigation
    block_third_party: bool = False
    browser: str | None = None  # executable; None: discovered (crawl/browser.py)
    concurrency: int | None = None  # pages at once; None: as many as the machine allows (slots.py)
    same_host: bool = False
    allowed_hosts: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sample_per_template: int = 3  # pages per URL template; 0: no sampling
    ignore_robots: bool = False
    sitemaps: bool = True
    retries: int = 2
    consent: str = "accept"  # accept, reject or none: what to click on a consent banner
    screenshots: bool = True  # screenshots of the evidence (--no-screenshots: none)
    shots: ShotChooser | None = None  # which elements to photograph; the library API sets it

    def visit(self) -> VisitOptions:
        return VisitOptions(
            timeout_ms=self.timeout_ms,
            retries=self.retries,
            consent=self.consent,
            shots=self.shots if self.screenshots else None,
        )
