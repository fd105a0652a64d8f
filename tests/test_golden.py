"""Golden replay: the fixture sites' recorded crawls give the golden outputs without a browser,
and a fresh crawl still gives the recordings (the port normalised)."""

from __future__ import annotations

import pytest

from scanner.outputs.registry import ANALYSIS_OUTPUTS, Output
from scanner.outputs.text import json_text
from tests.golden import SITES, UPDATE, GoldenSite, analysis_of, check_golden, record, replay


@pytest.mark.parametrize(
    ("site", "output"),
    [(site, output) for site in SITES for output in ANALYSIS_OUTPUTS],
    ids=[f"{site.name}/{output.name}" for site in SITES for output in ANALYSIS_OUTPUTS],
)
def test_the_recording_replays_into_the_golden_output(site: GoldenSite, output: Output) -> None:
    check_golden(site.directory / output.name, output.render(analysis_of(site.name)))


@pytest.mark.browser
@pytest.mark.parametrize("site", SITES, ids=[site.name for site in SITES])
def test_a_fresh_crawl_equals_the_recording(site: GoldenSite) -> None:
    fresh = record(site)
    check_golden(site.directory / "site.json", json_text(fresh.model_dump(mode="json")))
    if UPDATE:  # the outputs follow the new recording
        for output in ANALYSIS_OUTPUTS:
            check_golden(site.directory / output.name, output.render(replay(fresh)))
