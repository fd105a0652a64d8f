"""The container export follows the GTM export format: checked against Google's API schema and
the keys of real exports (shared/reference), for the demo shop and for every trigger type."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from scanner.gtm import container
from scanner.models import Site
from scanner.pipeline import analyze
from scanner.rules import RuleSet, event_name_problem
from tests.conftest import SHARED
from tests.gtm_schema import ExportChecker

REFERENCE = SHARED / "reference"
needs_reference = pytest.mark.skipif(
    not (REFERENCE / "tagmanager-v2-discovery.json").exists(),
    reason=f"shared reference not found at {REFERENCE} (set SCANNER_SHARED)",
)


@pytest.fixture(scope="module")
def checker() -> ExportChecker:
    return ExportChecker(REFERENCE)


@pytest.fixture(scope="module")
def demo_export(demo_site: Site, rules: RuleSet) -> dict[str, Any]:
    return analyze(demo_site, rules).container


@needs_reference
def test_checker_accepts_real_exports(checker: ExportChecker) -> None:
    """The checker is not stricter than GTM itself: a real modern export passes it."""
    real = json.loads(
        (
            REFERENCE / "gtm-real" / "tomasfn87__url-parser__spotify-audio.pt-br.extracted.json"
        ).read_text()
    )
    assert checker.problems(real) == []


@needs_reference
def test_checker_rejects_known_mistakes(
    checker: ExportChecker, demo_export: dict[str, Any]
) -> None:
    broken = json.loads(json.dumps(demo_export))
    version = broken["containerVersion"]
    version["trigger"][0]["type"] = "YOUTUBE_VIDEO"  # real spelling: YOU_TUBE_VIDEO
    version["trigger"][1]["filter"][0]["type"] = "MATCHES_REGEX"  # real: MATCH_REGEX
    version["tag"][1]["firingTriggerId"] = ["999"]
    version["builtInVariable"] = []
    problems = "\n".join(checker.problems(broken))
    assert "trigger type YOUTUBE_VIDEO" in problems
    assert "condition MATCHES_REGEX" in problems
    assert "unknown trigger 999" in problems
    assert "is neither a variable nor an enabled built-in" in problems


@pytest.mark.browser
@needs_reference
def test_demo_container_matches_the_export_format(
    checker: ExportChecker, demo_export: dict[str, Any]
) -> None:
    assert checker.problems(demo_export) == []


@pytest.mark.browser
def test_demo_container_covers_the_plan(demo_site: Site, rules: RuleSet) -> None:
    result = analyze(demo_site, rules)
    version = result.container["containerVersion"]
    tags = version["tag"]
    assert tags[0]["type"] == "googtag"
    assert tags[0]["firingTriggerId"] == ["2147479573"]
    assert tags[0]["parameter"] == [
        {"type": "TEMPLATE", "key": "tagId", "value": "{{Const - GA4 Measurement ID}}"}
    ]
    assert version["variable"][0]["parameter"][0]["value"] == "G-XXXXXXXXXX"
    tracked = [e for e in result.plan.events if not e.enhanced_measurement.collected]
    event_tags = [t for t in tags if t["type"] == "gaawe"]
    assert len(event_tags) == len(tracked)
    names = [p["value"] for t in event_tags for p in t["parameter"] if p["key"] == "eventName"]
    assert sorted(names) == sorted(e.event for e in tracked)
    for name in names:
        assert event_name_problem(name) == ""
    trigger_types = {t["type"] for t in version["trigger"]}
    assert {"CLICK", "LINK_CLICK", "FORM_SUBMISSION", "PAGEVIEW"} <= trigger_types
    # enhanced measurement already sends these: no tag, so nothing is counted twice
    collected = {e.event for e in result.plan.events if e.enhanced_measurement.collected}
    assert collected and not collected & set(names)


@pytest.mark.browser
def test_click_triggers_also_match_clicks_inside_the_control(demo_export: dict[str, Any]) -> None:
    for trigger in demo_export["containerVersion"]["trigger"]:
        if trigger["type"] == "CLICK":
            selector = trigger["filter"][0]["parameter"][1]["value"]
            parts = [part.strip() for part in selector.split(", ")]
            assert all(f"{p} *" in parts for p in parts if not p.endswith(" *"))


@pytest.mark.browser
def test_built_in_variables_are_listed_exactly_when_used(demo_export: dict[str, Any]) -> None:
    version = demo_export["containerVersion"]
    used = set(re.findall(r"\{\{([^{}]+)\}\}", json.dumps(version["tag"] + version["trigger"])))
    listed = {b["name"] for b in version["builtInVariable"]}
    assert listed == used - {"_event", "Const - GA4 Measurement ID"}


@pytest.mark.browser
def test_container_is_stable_json(demo_site: Site, rules: RuleSet) -> None:
    first = json.dumps(container(analyze(demo_site, rules).plan))
    second = json.dumps(container(analyze(demo_site, rules).plan))
    assert first == second
