"""The library API: scan, analyze and write_outputs return and take typed results, raise the
domain errors, and print nothing."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import scanner
from scanner.errors import BadInput, SiteUnavailable
from scanner.outputs import plan_json
from scanner.serve import serve_directory
from tests.conftest import FIXTURES
from tests.golden import GOLDEN, RECORDED_HOST


def test_analyze_replays_a_recorded_scan() -> None:
    analysis = scanner.analyze(scanner.read_site(GOLDEN / "demo" / "site.json"))
    assert analysis.plan.business_type.type == "ecommerce"
    assert plan_json.render(analysis) == (GOLDEN / "demo" / "plan.json").read_text()


def test_analyze_takes_other_options() -> None:
    site = scanner.read_site(GOLDEN / "demo" / "site.json")
    analysis = scanner.analyze(site, scanner.AnalysisOptions(business_type="saas"))
    assert analysis.plan.business_type.type == "saas"
    assert analysis.site.settings.business_type == "saas"  # its site.json replays this


def test_errors_are_exceptions_not_exits(tmp_path: Path) -> None:
    site = scanner.read_site(GOLDEN / "demo" / "site.json")
    with pytest.raises(BadInput, match="not a directory of rule packs"):
        scanner.analyze(site, scanner.AnalysisOptions(rules=str(tmp_path / "missing")))
    with pytest.raises(BadInput, match="no such file"):
        scanner.read_site(tmp_path / "site.json")


def test_write_outputs_writes_what_it_is_given(tmp_path: Path) -> None:
    analysis = scanner.analyze(scanner.read_site(GOLDEN / "demo" / "site.json"))
    written = scanner.write_outputs(analysis, scanner.SCAN_OUTPUTS, tmp_path)
    assert [path.name for path in written] == [output.name for output in scanner.SCAN_OUTPUTS]
    assert (tmp_path / "gtm-container.json").read_bytes() == (
        GOLDEN / "demo" / "gtm-container.json"
    ).read_bytes()


@pytest.mark.browser
def test_scan_reports_progress_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    seen: list[scanner.CrawlProgress] = []
    options = scanner.ScanOptions(crawl=scanner.CrawlOptions(block_third_party=True))
    with serve_directory(FIXTURES / "demo") as url:
        result = scanner.scan([url], options, progress=seen.append)
        served = url.removeprefix("http://").rstrip("/")
    assert not result.interrupted and result.failed_start_pages() == []
    assert [p.done for p in seen] == list(range(1, len(result.site.pages) + 1))
    assert seen[-1].queued == 0 and seen[-1].failed == 0
    golden = (GOLDEN / "demo" / "plan.json").read_text()
    assert plan_json.render(result.analysis).replace(served, RECORDED_HOST) == golden
    assert capfd.readouterr() == ("", "")


@pytest.mark.browser
def test_scan_of_a_site_that_does_not_answer_raises() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SiteUnavailable, match="connection refused"):
        scanner.scan([f"http://127.0.0.1:{port}/"], scanner.ScanOptions())
