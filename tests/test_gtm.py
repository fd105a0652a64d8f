"""The container export follows the GTM export format: checked against Google's API schema and
the keys of real exports (shared/reference), for the recorded fixture sites and every trigger
type; built from typed parts whose references decide the built-in variables listed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from scanner.analysis.rules import event_name_problem
from scanner.outputs.gtm import build_container, export
from scanner.outputs.gtm.entities import (
    Condition,
    Container,
    Tag,
    Template,
    Trigger,
    Variable,
    built_in,
)
from tests.conftest import IN_CI, SHARED
from tests.golden import SITES, analysis_of, replay
from tests.golden import recording as recording_of
from tests.gtm_schema import ExportChecker

REFERENCE = SHARED / "reference"


@pytest.fixture(scope="module")
def checker() -> ExportChecker:
    if not (REFERENCE / "tagmanager-v2-discovery.json").exists():
        message = f"shared reference not found at {REFERENCE} (set SCANNER_SHARED)"
        if IN_CI:
            pytest.fail(message)  # CI must check the format, never skip it
        pytest.skip(message)
    return ExportChecker(REFERENCE)


def exported(site: str) -> dict[str, Any]:
    return export(build_container(analysis_of(site).plan))


def test_checker_accepts_real_exports(checker: ExportChecker) -> None:
    """The checker is not stricter than GTM itself: a real modern export passes it."""
    real = json.loads(
        (
            REFERENCE / "gtm-real" / "tomasfn87__url-parser__spotify-audio.pt-br.extracted.json"
        ).read_text()
    )
    assert checker.problems(real) == []


def test_checker_rejects_known_mistakes(checker: ExportChecker) -> None:
    broken = exported("demo")
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


@pytest.mark.parametrize("site", [site.name for site in SITES])
def test_fixture_containers_match_the_export_format(checker: ExportChecker, site: str) -> None:
    assert checker.problems(exported(site)) == []


def test_every_trigger_type_is_exported() -> None:
    types = {t["type"] for s in SITES for t in exported(s.name)["containerVersion"]["trigger"]}
    assert types == {"CLICK", "LINK_CLICK", "FORM_SUBMISSION", "PAGEVIEW", "CUSTOM_EVENT"}


def test_demo_container_covers_the_plan() -> None:
    plan = analysis_of("demo").plan
    version = exported("demo")["containerVersion"]
    tags = version["tag"]
    assert tags[0]["type"] == "googtag"
    assert tags[0]["firingTriggerId"] == ["2147479573"]
    assert tags[0]["parameter"] == [
        {"type": "TEMPLATE", "key": "tagId", "value": "{{Const - GA4 Measurement ID}}"}
    ]
    assert version["variable"][0]["parameter"][0]["value"] == "G-XXXXXXXXXX"
    tracked = [
        e
        for e in plan.events
        if not e.collected_by_enhanced_measurement and e.tier in ("key", "recommended")
    ]
    event_tags = [t for t in tags if t["type"] == "gaawe"]
    assert len(event_tags) == len(tracked)
    names = [p["value"] for t in event_tags for p in t["parameter"] if p["key"] == "eventName"]
    assert sorted(names) == sorted(e.event for e in tracked)
    for name in names:
        assert event_name_problem(name) == ""
    # enhanced measurement already sends these: no tag, so nothing is counted twice
    collected = {e.event for e in plan.events if e.collected_by_enhanced_measurement}
    assert collected and not collected & set(names)


def test_click_triggers_also_match_clicks_inside_the_control() -> None:
    clicks = [t for t in exported("demo")["containerVersion"]["trigger"] if t["type"] == "CLICK"]
    assert clicks
    for trigger in clicks:
        (css,) = [c for c in trigger["filter"] if c["type"] == "CSS_SELECTOR"]
        parts = [part.strip() for part in css["parameter"][1]["value"].split(", ")]
        assert all(f"{p} *" in parts for p in parts if not p.endswith(" *"))


def test_click_and_form_triggers_read_the_plan_selectors() -> None:
    """The trigger's selectors in the plan are the ones the container filters on, on every
    page or on their own page only."""
    plan = analysis_of("kinds").plan
    container = build_container(plan)
    tagged = [
        e
        for e in plan.events
        if e.trigger.type in ("click", "form_submit") and e.tier != "optional"
    ]
    assert len(tagged) >= 2
    for event in tagged:
        mine = [t for t in container.triggers if t.name.startswith(f"{event.kind} - ")]
        everywhere = [t for t in mine if " on " not in t.name]
        for selector in event.trigger.selectors:
            assert any(selector in c.value for t in everywhere for c in t.filters)
        for scope in event.trigger.scoped:
            (scoped,) = [t for t in mine if t.name.endswith(f" on {scope.path}")]
            assert any(
                c.variable.name == "Page Path" and c.value == scope.path
                for c in scoped.conditions()
            )
            assert all(s in str(scoped.filters) for s in scope.selectors)


@pytest.mark.parametrize("site", [site.name for site in SITES])
def test_built_in_variables_are_listed_exactly_when_referenced(site: str) -> None:
    version = exported(site)["containerVersion"]
    used = set(re.findall(r"\{\{([^{}]+)\}\}", json.dumps(version["tag"] + version["trigger"])))
    defined = {v["name"] for v in version["variable"]}
    listed = {b["name"] for b in version["builtInVariable"]}
    assert listed == used - {"_event"} - defined


def test_built_ins_come_from_typed_references_not_from_text() -> None:
    """A tag's notes that mention {{Form ID}} enable nothing; a reference to it does, and the
    container's own variables are never listed as built-ins."""
    own = Variable("Const - GA4 Measurement ID")
    noted = Tag("t", "gaawe", (Template("eventName", "x"),), (), "f", notes="sends {{Form ID}}")
    assert Container("c", (noted,), (), ()).built_ins() == []
    referring = Tag(
        "t", "gaawe", (Template("tagId", own), Template("v", built_in("Form ID"))), (), "f", ""
    )
    page = Trigger(
        "p", "PAGEVIEW", "f", filters=(Condition("MATCH_REGEX", built_in("Page Path"), "/"),)
    )
    assert Container("c", (referring,), (page,), ()).built_ins() == [
        built_in("Page Path"),
        built_in("Form ID"),
    ]


def exported_with(site: str, **ids: str) -> dict[str, Any]:
    recorded = recording_of(site)
    options = recorded.settings.model_copy(update=ids)
    return export(build_container(replay(recorded.model_copy(update={"settings": options})).plan))


WITH_DESTINATIONS = {"meta_pixel_id": "123456789012345", "google_ads_id": "AW-123456789"}


@pytest.mark.parametrize("site", [site.name for site in SITES])
def test_containers_with_every_destination_match_the_export_format(
    checker: ExportChecker, site: str
) -> None:
    assert checker.problems(exported_with(site, **WITH_DESTINATIONS)) == []


def test_meta_events_share_their_event_id_with_the_ga4_event() -> None:
    version = exported_with("demo", meta_pixel_id="123456789012345")["containerVersion"]
    tags = {t["name"]: t for t in version["tag"]}
    meta = tags["Meta - AddToCart - add_to_cart"]
    html = meta["parameter"][0]["value"]
    assert "fbq('track', 'AddToCart'" in html and "{eventID: '{{JS - Event ID}}'}" in html
    assert meta["setupTag"] == [{"tagName": "Meta - Pixel base"}]
    assert meta["firingTriggerId"] == tags["GA4 - add_to_cart"]["firingTriggerId"]
    rows = tags["GA4 - add_to_cart"]["parameter"][-1]["list"]
    assert ["event_id", "{{JS - Event ID}}"] in [[m["value"] for m in r["map"]] for r in rows]
    # Meta's tags wait for ad consent; Google's follow Consent Mode by themselves
    assert meta["consentSettings"]["consentStatus"] == "NEEDED"
    assert tags["GA4 - add_to_cart"]["consentSettings"] == {"consentStatus": "NOT_SET"}


def test_google_ads_converts_on_key_events_a_media_buyer_bids_on() -> None:
    plan = analysis_of("demo").plan
    version = exported_with("demo", google_ads_id="AW-123456789")["containerVersion"]
    conversions = [t for t in version["tag"] if t["type"] == "awct"]
    events = {t["name"].split(" - ")[1] for t in conversions}
    key = {e.event for e in plan.events if e.tier == "key" and e.destinations.google_ads}
    assert events == key and "purchase" in events
    assert "view_item" not in events  # never a conversion for a product view
    purchase = next(t for t in conversions if " - purchase - " in t["name"])
    values = {p["key"]: p["value"] for p in purchase["parameter"]}
    assert values["conversionLabel"] == "REPLACE_WITH_LABEL_purchase"
    assert values["orderId"] == "{{DLV - ecommerce.transaction_id}}"
    assert purchase["setupTag"] == [{"tagName": "Google Ads - Conversion Linker"}]
    linker = next(t for t in version["tag"] if t["type"] == "gclidw")
    assert linker["firingTriggerId"] == ["2147479553"]


def test_every_tag_has_a_note_and_sits_in_a_folder_by_funnel_stage() -> None:
    version = exported_with("demo", **WITH_DESTINATIONS)["containerVersion"]
    folders = {f["folderId"]: f["name"] for f in version["folder"]}
    assert {"Base tags", "Conversion stage", "Consideration stage"} <= set(folders.values())
    for entity in version["tag"] + version["trigger"] + version["variable"]:
        assert entity["parentFolderId"] in folders, entity["name"]
    for tag in version["tag"]:
        assert tag["notes"], tag["name"]
