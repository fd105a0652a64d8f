"""`scanner validate`: the method finds what a generated GA4 export has planted (and nothing where
nothing was planted), reads real public data right, and says in one line what is wrong with bad
input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

from bench.ga4_export import generate, to_parquet
from bench.uci_shoppers import DATA, run
from scanner.analysis.lift import Table, mantel_haenszel, risk_ratio, z_value
from scanner.analytics import ExportOptions, count_export
from scanner.api import validate
from scanner.models import EventValidation, ExportFacts, Validation
from tests.conftest import IN_CI, SHARED, invoke
from tests.golden import GOLDEN

DEMO = GOLDEN / "demo"  # a scan's output folder: the demo shop's plan and its site.json


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ga4")
    generate(out, users=20_000)
    return out


@pytest.fixture(scope="module")
def validation(export: Path) -> Validation:
    analysis = validate(DEMO, ExportOptions(export))
    assert analysis.validation is not None
    return analysis.validation


@pytest.fixture(scope="module")
def facts(export: Path) -> ExportFacts:
    return count_export(ExportOptions(export), ["purchase"])


def judged(validation: Validation, name: str) -> EventValidation:
    return next(event for event in validation.events if event.event == name)


def test_the_planted_multiplier_is_found_and_kept(validation: Validation) -> None:
    cart = judged(validation, "add_to_cart")
    assert cart.verdict == "keep" and cart.adjusted_lift is None
    assert cart.lift is not None and cart.lift.low > 3 and cart.lift.ratio < 5  # planted 4x
    assert cart.converters_before == pytest.approx(560 / 901, abs=1e-4)


def test_no_effect_is_reported_where_none_was_planted(validation: Validation) -> None:
    search = judged(validation, "search")
    assert search.verdict == "demote" and "no measurable effect" in search.why
    assert search.lift is not None and search.lift.low < 1 < search.lift.high


def test_an_event_that_only_correlates_through_another_is_demoted(validation: Validation) -> None:
    cart_view = judged(validation, "view_cart")
    assert cart_view.lift is not None and cart_view.lift.low > 2  # looks strong on its own...
    adjusted = cart_view.adjusted_lift
    assert cart_view.adjusted_for == "add_to_cart" and adjusted is not None
    assert adjusted.low < 1 < adjusted.high  # ...and is nothing among users alike in carts
    assert cart_view.verdict == "demote" and "only through `add_to_cart`" in cart_view.why


def test_planted_effects_promote_a_planned_event_and_propose_an_unplanned_one(
    validation: Validation,
) -> None:
    assert judged(validation, "add_to_wishlist").verdict == "promote to key"
    coupon = judged(validation, "apply_coupon")
    assert coupon.planned == "" and coupon.verdict == "promote to key"
    assert validation.proposals == ["apply_coupon"]


def test_an_event_after_the_conversion_is_flagged_as_a_leak_not_ranked(
    validation: Validation,
) -> None:
    receipt = judged(validation, "view_receipt")
    assert receipt.verdict == "demote" and receipt.leak and "A leak" in receipt.why
    assert "view_receipt" not in validation.proposals


def test_too_little_data_and_absent_events_are_not_measurable_yet(validation: Validation) -> None:
    video = judged(validation, "video_play")
    assert video.verdict == "not measurable yet" and "40 users did it" in video.why
    checkout = judged(validation, "begin_checkout")
    assert checkout.users == 0 and checkout.verdict == "not measurable yet"
    assert judged(validation, "page_view").verdict == "not measurable yet"


def test_paths_before_conversion_collapse_repeats(validation: Validation) -> None:
    top = validation.user_paths[0]
    assert top.steps == ["view_item", "add_to_cart", "view_cart"] and top.count > 100
    assert all(
        a != b
        for path in validation.session_paths
        for a, b in zip(path.steps, path.steps[1:], strict=False)
    )
    assert judged(validation, "apply_coupon").top_path[-2:] == ["apply_coupon", "view_cart"]


def test_parquet_and_json_exports_count_the_same(
    export: Path, facts: ExportFacts, tmp_path: Path
) -> None:
    to_parquet(export, tmp_path)
    from_parquet = count_export(ExportOptions(tmp_path), ["purchase"])
    assert from_parquet.source.startswith("GA4 BigQuery export (parquet")
    assert from_parquet.model_dump(exclude={"source"}) == facts.model_dump(exclude={"source"})


def test_an_event_log_with_named_columns_counts_like_the_ga4_export(
    export: Path, facts: ExportFacts, tmp_path: Path
) -> None:
    log = tmp_path / "log.parquet"
    session = "list_filter(event_params, lambda p: p.key = 'ga_session_id')[1].value.int_value"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT user_pseudo_id AS visitor, {session} AS visit, "
            "make_timestamp(event_timestamp::BIGINT) AS ts, event_name AS action "
            f"FROM read_json('{export}/events_*.json')) TO '{log}' (FORMAT parquet)"
        )
    named = ExportOptions(
        log, user_column="visitor", session_column="visit", time_column="ts", event_column="action"
    )
    unpaid = {"source": True, "revenue": True, "events": {"__all__": {"doers_revenue"}}}
    from_log = count_export(named, ["purchase"]).model_dump(exclude=unpaid)  # type: ignore[arg-type]
    from_ga4 = facts.model_dump(exclude=unpaid)  # type: ignore[arg-type]
    assert from_log == from_ga4


def test_the_command_writes_the_validation_into_the_plan_the_same_each_time(
    export: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    result = invoke("validate", str(DEMO), "--events", str(export), "-o", str(first))
    assert result.returncode == 0, result.stderr
    assert "proposed: apply_coupon" in result.stderr
    plan = json.loads((first / "plan.json").read_text())
    cart = next(e for e in plan["events"] if e["event"] == "add_to_cart")
    assert cart["validation"]["verdict"] == "keep"
    assert "validation" not in plan["events"][0]  # purchase: the conversion itself
    assert plan["validation"]["proposals"] == ["apply_coupon"]
    assert "## Validated against analytics" in (first / "plan.md").read_text()
    report = (first / "report.html").read_text()
    assert 'id="validation"' in report and "<strong>keep</strong>" in report
    assert "<code>apply_coupon</code>" in report
    # The folder written is a scan's folder again: it validates in place, to the same bytes.
    again = invoke("validate", str(first), "--events", str(export), "-o", str(second))
    assert again.returncode == 0, again.stderr
    for name in ("plan.json", "plan.md", "report.html", "site.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_risk_ratio_and_mantel_haenszel_match_hand_computation() -> None:
    table = Table(converted=30, doers=100, others_converted=10, others=100)
    lift = risk_ratio(table, 1.96)
    assert lift is not None and lift.ratio == 3
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 10 - 1 / 100)
    assert lift.low == pytest.approx(3 * math.exp(-1.96 * se), abs=1e-4)
    # Two strata with the same ratio pool to it; one stratum is the crude ratio.
    other = Table(converted=8, doers=40, others_converted=4, others=60)
    pooled = mantel_haenszel([table, other], 1.96)
    assert pooled is not None and pooled.ratio == 3
    single = mantel_haenszel([table], 1.96)
    assert single is not None and single.ratio == 3
    assert z_value(0.95, 1) == pytest.approx(1.96, abs=1e-3)
    assert z_value(0.95, 10) == pytest.approx(2.807, abs=1e-3)  # Bonferroni: 0.995 each side


@pytest.fixture(scope="module")
def uci(tmp_path_factory: pytest.TempPathFactory) -> Validation:
    if not (SHARED / DATA).exists():
        message = f"UCI online shoppers data not found at {SHARED / DATA} (set SCANNER_SHARED)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return run(SHARED, DEMO, tmp_path_factory.mktemp("uci"))


def test_real_data_gives_the_published_figures(uci: Validation) -> None:
    assert (uci.users, uci.converters, uci.conversion_rate) == (12_330, 1_908, 0.1547)
    rates = {e.event: e.conversion_rate_doers for e in uci.events}
    assert rates["new_visitor"] == 0.2491 and rates["returning_visitor"] == 0.1393
    assert rates["month_nov"] == 0.2535
    assert not uci.ordered and uci.user_paths == []


def test_real_data_flags_the_page_value_leak_instead_of_ranking_it_first(uci: Validation) -> None:
    value = judged(uci, "page_value")
    assert value.lift is not None and value.lift.ratio > 10  # by far the "strongest"
    assert value.leak and value.verdict == "not measurable yet" and "leak" in value.why
    assert "page_value" not in uci.proposals
    ranked = [e.event for e in uci.events if not e.planned and e.verdict != "not measurable yet"]
    assert ranked[0] == "administrative_page"


@pytest.mark.parametrize(
    ("files", "arguments", "error"),
    [
        ({}, (), "no plan.json in it"),
        ({"log.csv": "user_id,event\n"}, ("--user-column", "visitor"), "no column 'visitor'"),
        (
            {"log.csv": "user_id,session_id,event_time,event\n"},
            (),
            "the export holds no events",
        ),
        ({"ga4/notes.txt": "x"}, (), "no events_YYYYMMDD files"),
        (
            {"log.csv": "user_id,session_id,event_time,event\nu1,s1,2024-01-01,page_view\n"},
            (),
            "no conversions in the data",
        ),
        (
            {
                "log.csv": "user_id,session_id,event_time,event\nu1,s1,2024-01-01,buy\n",
                "map.yaml": "buy: purchase\ncheckout: begin_checkout\n",
            },
            ("--mapping", "map.yaml"),
            "names events that are not in the data: checkout",
        ),
        ({"events_20240101.json": '{"name": "x"}\n'}, (), "not a GA4 BigQuery export"),
    ],
)
def test_bad_input_gets_one_clear_error_line(
    tmp_path: Path, files: dict[str, str], arguments: tuple[str, ...], error: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    plan_dir = tmp_path if error == "no plan.json in it" else DEMO
    export = next((tmp_path / n for n in ("log.csv", "ga4") if (tmp_path / n).exists()), tmp_path)
    arguments = tuple(str(tmp_path / a) if a.endswith(".yaml") else a for a in arguments)
    result = invoke(
        "validate", str(plan_dir), "--events", str(export), "-o", str(tmp_path / "out"), *arguments
    )
    assert result.returncode == 4, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and error in line, line


def test_a_plan_the_analyst_edited_is_validated_with_their_names(
    export: Path, tmp_path: Path
) -> None:
    scan = tmp_path / "scan"
    scan.mkdir()
    for source in DEMO.iterdir():
        (scan / source.name).write_bytes(source.read_bytes())
    plan_yaml = scan / "plan.yaml"
    plan_yaml.write_text(
        plan_yaml.read_text().replace("- name: add_to_cart\n", "- name: cart_add\n", 1)
    )
    assert invoke("export", str(plan_yaml), "-o", str(scan)).returncode == 0
    mapping = tmp_path / "names.yaml"
    mapping.write_text("add_to_cart: cart_add\n")
    result = invoke(
        "validate", str(scan), "--events", str(export), "--mapping", str(mapping), "-o", str(scan)
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads((scan / "plan.json").read_text())
    renamed = next(e for e in plan["events"] if e["event"] == "cart_add")
    assert renamed["validation"]["verdict"] == "keep"
