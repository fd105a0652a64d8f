"""Shared test helpers: fixture sites served on 127.0.0.1, one crawl of each, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.crawl import CrawlOptions, crawl
from scanner.models import ScanSettings, Site
from scanner.resources import resource_dir
from scanner.rules import RuleSet, load_rules
from scanner.serve import serve_directory

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
# The kinds the first version must recognise, each proven by fixtures (issue: end to end).
REQUIRED_KINDS = (
    "add_to_cart",
    "pricing_link",
    "newsletter_form",
    "contact_form",
    "video",
    "phone_link",
)
SHARED = Path(os.environ.get("SCANNER_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(resource_dir("rules"))


@pytest.fixture(scope="session")
def demo_url() -> Iterator[str]:
    with serve_directory(FIXTURES / "demo") as url:
        yield url


@pytest.fixture(scope="session")
def demo_site(demo_url: str) -> Site:
    """The demo shop, crawled once for the whole session."""
    options = CrawlOptions(max_pages=40, depth=3, block_third_party=True)
    return crawl([demo_url], options, ScanSettings()).site


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run `python -m scanner ARGS` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )
