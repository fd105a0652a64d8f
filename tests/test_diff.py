"""scanner diff: what changed between two scans (events, triggers, kinds per template, the
site's tracking), as text or JSON, exit 1 when something --fail-on counts changed. The diffing
is tested on the demo's recording changed as a site changes; one browser test scans the demo
site before and after a change to its files, the second time keeping an edited plan."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scanner import SCAN_OUTPUTS, analyze, write_outputs
from scanner.models import Page, Tracking
from scanner.serve import serve_directory
from tests.conftest import FIXTURES, invoke
from tests.golden import analysis_of, recording
from tests.test_rescan import changed, renamed_newsletter, without_wishlist

PRODUCTS = "127.0.0.1/products/<slug>"


def with_ga4(page: Page) -> Page:
    return page.model_copy(update={"tracking": Tracking(ga4=["G-DRIFT12345"])})


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's recording, and the same site without its wishlist buttons, its newsletter
    form renamed and a GA4 tag added."""
    old, new = tmp_path_factory.mktemp("old"), tmp_path_factory.mktemp("new")
    write_outputs(analysis_of("demo"), SCAN_OUTPUTS, old)
    site = changed(
        changed(changed(recording("demo"), without_wishlist), renamed_newsletter), with_ga4
    )
    write_outputs(analyze(site), SCAN_OUTPUTS, new)
    return old, new


def test_a_scan_against_itself_has_no_changes(scans: tuple[Path, Path]) -> None:
    old, _ = scans
    result = invoke("diff", str(old), str(old))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no changes\n"


def test_the_changes_of_a_site_are_listed(scans: tuple[Path, Path]) -> None:
    result = invoke("diff", *map(str, scans))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "- event add_to_wishlist (add_to_wishlist)" in lines
    assert (
        '~ event newsletter_signup (newsletter_form) trigger: {"type":"form_submit",'
        '"selectors":["#newsletter"]} -> {"type":"form_submit","selectors":["#news-signup"]}'
    ) in lines
    assert f"- kinds on {PRODUCTS}: add_to_wishlist" in lines
    assert "+ tracking ga4: G-DRIFT12345" in lines


def test_json_output(scans: tuple[Path, Path]) -> None:
    result = invoke("diff", *map(str, scans), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["events_removed"] == ["add_to_wishlist (add_to_wishlist)"]
    assert data["events_added"] == [] and data["not_compared"] == []
    assert [c["event"] for c in data["triggers_changed"]] == ["newsletter_signup"]
    assert {"template": PRODUCTS, "kinds": ["add_to_wishlist"]} in data["kinds_lost"]
    assert data["tracking_found"] == ["ga4: G-DRIFT12345"] and data["tracking_lost"] == []


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        (["events"], 1),
        (["triggers"], 1),
        (["kinds"], 1),
        (["tracking"], 1),
        (["any"], 1),
        (["tracking", "kinds"], 1),
    ],
)
def test_fail_on_chooses_what_counts(
    scans: tuple[Path, Path], fail_on: list[str], code: int
) -> None:
    args = [arg for part in fail_on for arg in ("--fail-on", part)]
    assert invoke("diff", *map(str, scans), *args).returncode == code


def test_a_change_that_fail_on_does_not_count_exits_0(tmp_path: Path) -> None:
    old = tmp_path / "old"
    write_outputs(analysis_of("demo"), SCAN_OUTPUTS, old)
    new = tmp_path / "new"
    shutil.copytree(old, new)
    plan = new / "plan.yaml"
    plan.write_text(plan.read_text().replace("- name: add_to_cart", "- name: cart_add"))
    result = invoke("diff", str(old), str(new), "--fail-on", "tracking", "--fail-on", "kinds")
    assert result.returncode == 0
    assert result.stdout == "~ event cart_add (add_to_cart) name: add_to_cart -> cart_add\n"
    assert invoke("diff", str(old), str(new), "--fail-on", "events").returncode == 1


def test_two_plan_files_alone_compare_their_events(
    scans: tuple[Path, Path], tmp_path: Path
) -> None:
    plans = []
    for side, folder in zip(("old", "new"), scans, strict=True):
        (tmp_path / side).mkdir()
        plans.append(shutil.copy(folder / "plan.yaml", tmp_path / side / "plan.yaml"))
    result = invoke("diff", *map(str, plans))
    assert result.returncode == 1
    assert "- event add_to_wishlist (add_to_wishlist)" in result.stdout
    assert "(not compared: kinds per template (findings.json))" in result.stdout
    assert "(not compared: the site's tracking (plan.json))" in result.stdout


def test_a_folder_without_a_plan_is_refused(tmp_path: Path) -> None:
    result = invoke("diff", str(tmp_path), str(tmp_path))
    assert result.returncode == 4
    assert result.stderr.startswith(f"error: {tmp_path}/ holds no plan.yaml")


@pytest.mark.browser
def test_a_scheduled_rescan_of_a_changed_site_keeps_the_plan_and_reports_the_drift(
    tmp_path: Path,
) -> None:
    """Scan the demo shop, rename an event in its plan, remove the wishlist buttons from the
    site, scan again with --plan: the rename is kept, the wishlist event marked gone, and diff
    reports the lost kind and exits 1."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "demo", site)
    with serve_directory(site) as url:
        first, second = tmp_path / "first", tmp_path / "second"
        assert invoke("scan", url, "-o", str(first), "--no-screenshots").returncode == 0
        plan = first / "plan.yaml"
        plan.write_text(plan.read_text().replace("- name: add_to_cart", "- name: cart_add"))
        for page in (site / "products").glob("*.html"):
            html = page.read_text()
            start = html.index('<button type="button" class="wishlist-toggle"')
            page.write_text(html[:start] + html[html.index("</button>", start) + 9 :])
        result = invoke("scan", url, "-o", str(second), "--plan", str(plan), "--no-screenshots")
        assert result.returncode == 0, result.stderr
    assert "kept 21 planned event(s); 1 gone: add_to_wishlist" in result.stderr
    events = {e["kind"]: e for e in json.loads((second / "plan.json").read_text())["events"]}
    assert events["add_to_cart"]["event"] == "cart_add"
    assert events["add_to_wishlist"]["status"] == "gone"
    drift = invoke("diff", str(first), str(second))
    assert drift.returncode == 1
    lines = drift.stdout.splitlines()
    assert f"- kinds on {PRODUCTS}: add_to_wishlist" in lines
    assert "~ event add_to_wishlist (add_to_wishlist) status:  -> gone" in lines
