"""Golden replay: each fixture site's crawl recorded in tests/golden/<site>/site.json, and the
outputs the analysis makes of it beside it. `UPDATE_GOLDEN=1` rewrites them, to be reviewed as a
diff like code."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

from scanner.analysis import analyze
from scanner.analysis.classify import evidence_selectors
from scanner.analysis.rules import rules_for
from scanner.crawl import CrawlOptions, crawl
from scanner.models import Analysis, Site, read_site
from scanner.outputs.registry import ANALYSIS_OUTPUTS
from scanner.serve import serve_directory
from tests.conftest import FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden"
RECORDED_HOST = "127.0.0.1:8765"  # the demo's port: the demo golden is what `./run demo` writes
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class GoldenSite:
    """A fixture site and how it is crawled: from its home page following links, as the demo
    command does, or every page given as a start page (pages that no link reaches)."""

    name: str
    every_page: bool
    options: CrawlOptions

    @property
    def root(self) -> Path:
        return FIXTURES / self.name

    @property
    def directory(self) -> Path:
        return GOLDEN / self.name

    def start_urls(self, base: str) -> list[str]:
        if not self.every_page:
            return [base]
        return [base + path.lstrip("/") for path in fixture_paths(self.root)]


SITES = (
    GoldenSite("demo", every_page=False, options=CrawlOptions(block_third_party=True)),
    GoldenSite("kinds", every_page=True, options=CrawlOptions(depth=0, block_third_party=True)),
)


def fixture_paths(root: Path) -> list[str]:
    """URL paths of a fixture site's pages as the server exposes them (index.html: its dir)."""
    return sorted(
        "/" + html.relative_to(root).as_posix().removesuffix("index.html")
        for html in root.rglob("*.html")
    )


def record(site: GoldenSite) -> Site:
    """A fresh crawl of the fixture site, its port rewritten to the recorded one."""
    with serve_directory(site.root) as base:
        urls = site.start_urls(base)
        # the evidence photographed as `scanner scan` does (the library API's chooser)
        shots = partial(evidence_selectors, rules=rules_for(Site(start_urls=urls).settings))
        options = replace(site.options, shots=shots)
        if site.every_page:
            options = replace(options, max_pages=len(urls))
        crawled = crawl(urls, options).site
    served = base.removeprefix("http://").rstrip("/")
    return Site.model_validate_json(crawled.model_dump_json().replace(served, RECORDED_HOST))


def recording(name: str) -> Site:
    return read_site(GOLDEN / name / "site.json")


@cache
def analysis_of(name: str) -> Analysis:
    """The analysis of a site's recording, as `scanner analyze` replays it."""
    return replay(recording(name))


def replay(site: Site) -> Analysis:
    return analyze(site, site.settings, rules_for(site.settings))


def check_golden(path: Path, content: str | bytes) -> None:
    """`content` must equal the golden file; with UPDATE_GOLDEN=1 it becomes the golden file.
    A binary file (plan.xlsx) is compared byte for byte."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return
    if isinstance(content, bytes):
        expected_bytes = path.read_bytes() if path.exists() else b""
        assert content == expected_bytes, f"{path.relative_to(ROOT)} differs (UPDATE_GOLDEN=1)"
        return
    text = content
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), str(path), "now", lineterm="", n=2
        )
        raise AssertionError(
            f"{path.relative_to(ROOT)} differs (UPDATE_GOLDEN=1 rewrites it; review the diff):\n"
            + "\n".join(list(diff)[:60])
        )


def output_names() -> list[str]:
    return [output.name for output in ANALYSIS_OUTPUTS]
