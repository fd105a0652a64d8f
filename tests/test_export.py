"""plan.yaml round trips: a scan's plan.yaml exports into the scan's own plan.json, container and
every other plan output, byte for byte; edits (renames, tiers, notes, removed and hand-added
events, another business type) come out in every output; without its crawl, the decisions
alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner import EXPORT_OUTPUTS, SCAN_OUTPUTS, export, load_plan, write_outputs
from scanner.errors import BadInput
from scanner.models import Plan
from scanner.outputs.plan_json import render as plan_json
from tests.conftest import invoke
from tests.golden import SITES, GoldenSite, analysis_of


def scan_folder(tmp_path: Path, name: str = "demo") -> Path:
    """What `scanner scan` writes for the recorded fixture site."""
    out = tmp_path / "scan"
    write_outputs(analysis_of(name), SCAN_OUTPUTS, out)
    return out


def edited(folder: Path, *replacements: tuple[str, str]) -> Path:
    plan = folder / "plan.yaml"
    text = plan.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    plan.write_text(text)
    return plan


def without_event(text: str, name: str) -> str:
    """plan.yaml's text with the event called `name` deleted, as an analyst deletes it."""
    start = text.index(f"- name: {name}\n")
    end = text.find("\n- name: ", start)
    return text[:start] + (text[end + 1 :] if end >= 0 else "")


def exported(plan_yaml: Path) -> Plan:
    return export(load_plan(plan_yaml)).plan


@pytest.mark.parametrize("site", SITES, ids=[site.name for site in SITES])
def test_plan_yaml_exports_into_the_same_outputs_byte_for_byte(
    site: GoldenSite, tmp_path: Path
) -> None:
    folder = scan_folder(tmp_path, site.name)
    again = export(load_plan(folder / "plan.yaml"))
    for output in EXPORT_OUTPUTS:
        rendered = output.render(again)
        data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
        assert data == (folder / output.name).read_bytes(), output.name


def test_the_export_command_writes_every_plan_output(tmp_path: Path) -> None:
    folder = scan_folder(tmp_path)
    result = invoke("export", str(folder / "plan.yaml"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == sorted(output.name for output in EXPORT_OUTPUTS)
    assert "plan.json" in written and "gtm-container.json" in written and "plan.xlsx" in written
    for name in written:
        assert (tmp_path / "out" / name).read_bytes() == (folder / name).read_bytes(), name


def test_an_invalid_edit_fails_the_export_with_one_error_line(tmp_path: Path) -> None:
    plan = edited(scan_folder(tmp_path), ("- name: add_to_cart", "- name: page_view"))
    result = invoke("export", str(plan), "-o", str(tmp_path / "out"))
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {plan}: line ")
    assert "events[3].name: 'page_view' is reserved by GA4" in result.stderr
    assert not (tmp_path / "out").exists()


def test_renames_follow_into_references_the_funnel_and_the_container(tmp_path: Path) -> None:
    plan = edited(
        scan_folder(tmp_path),
        ("- name: purchase", "- name: order_complete"),
        ("- name: add_to_cart", "- name: cart_add"),
    )
    analysis = export(load_plan(plan))
    result = analysis.plan
    by_kind = {event.kind: event for event in result.events}
    cart = by_kind["add_to_cart"]
    assert cart.event == "cart_add" and cart.pages and cart.findings == 12  # evidence kept
    assert cart.leads_to == "order_complete"
    assert ["cart_add"] in [step.events for step in result.funnel]
    assert "order_complete" in {name for step in result.funnel for name in step.events}
    write_outputs(analysis, EXPORT_OUTPUTS, tmp_path / "out")
    container = json.loads((tmp_path / "out" / "gtm-container.json").read_text())
    tags = container["containerVersion"]["tag"]
    names = {p["value"] for t in tags for p in t["parameter"] if p["key"] == "eventName"}
    assert {"cart_add", "order_complete"} <= names and "add_to_cart" not in names


def test_tiers_notes_and_removed_events(tmp_path: Path) -> None:
    plan = edited(
        scan_folder(tmp_path),
        (
            "- name: add_to_cart\n  kind: add_to_cart\n  tier: key",
            "- name: add_to_cart\n  kind: add_to_cart\n  tier: optional",
        ),
        (
            "  notes: ''\n- name: begin_checkout",
            "  notes: Ask the developers about the quick-add button.\n- name: begin_checkout",
        ),
    )
    plan.write_text(without_event(plan.read_text(), "login"))
    analysis = export(load_plan(plan))
    by_kind = {event.kind: event for event in analysis.plan.events}
    assert by_kind["add_to_cart"].tier == "optional"
    assert by_kind["add_to_cart"].notes == "Ask the developers about the quick-add button."
    assert "login_form" not in by_kind
    rendered = plan_json(analysis)
    assert '"login"' not in rendered and "quick-add button" in rendered


def test_a_hand_added_event_has_the_rules_settings_and_no_evidence(tmp_path: Path) -> None:
    plan = scan_folder(tmp_path) / "plan.yaml"
    plan.write_text(
        plan.read_text()
        + "- name: quote_click\n  kind: quote_request\n  tier: recommended\n  trigger:\n"
        "    type: click\n    selectors: ['a.quote']\n  notes: added by hand\n"
    )
    added = next(e for e in exported(plan).events if e.event == "quote_click")
    assert added.status == "not seen" and added.findings == 0 and added.pages == []
    assert added.title and added.why and added.notes == "added by hand"
    assert added.trigger.selectors == ["a.quote"]


def test_another_business_type_replans_the_crawl(tmp_path: Path) -> None:
    plan = edited(scan_folder(tmp_path), ("business_type: ecommerce", "business_type: saas"))
    result = exported(plan)
    assert result.business_type.type == "saas"
    assert result.business_type.evidence == ["set with --type"]


def test_without_its_crawl_the_plan_stands_on_its_decisions(tmp_path: Path) -> None:
    folder = scan_folder(tmp_path)
    (folder / "site.json").unlink()
    result = invoke("export", str(folder / "plan.yaml"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert f"warning: no crawl record at {folder / 'site.json'}" in result.stderr
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert plan["pages_scanned"] == 0
    scanned = json.loads((folder / "plan.json").read_text())["events"]
    assert sorted(e["event"] for e in plan["events"]) == sorted(e["event"] for e in scanned)
    assert all(e["pages"] == [] and e["status"] == "not seen" for e in plan["events"])
    assert (tmp_path / "out" / "gtm-container.json").exists()


def test_a_crawl_of_another_site_is_refused(tmp_path: Path) -> None:
    plan = edited(
        scan_folder(tmp_path), ("site: http://127.0.0.1:8765/", "site: https://shop.example/")
    )
    with pytest.raises(
        BadInput, match=r"is a scan of http://127\.0\.0\.1:8765/, not of https://shop"
    ):
        load_plan(plan)
