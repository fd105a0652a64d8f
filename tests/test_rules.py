"""Rule packs load, validate, and fail with messages naming the file, the rule and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from scanner.analysis.rules import RuleSet, event_name_problem, load_rules
from scanner.errors import BadInput
from scanner.models import KINDS, AnalysisOptions, Element, Page, Site
from scanner.resources import resource_dir
from tests.conftest import FIXTURES, REQUIRED_KINDS, invoke


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(resource_dir("rules"), target)
    return target


def load_error(directory: Path) -> str:
    with pytest.raises(BadInput) as raised:
        load_rules(directory)
    return raised.value.message


def add_rule(directory: Path, text: str) -> None:
    path = directory / "saas.yaml"
    path.write_text(path.read_text() + text)


def test_bundled_rules_load(rules: RuleSet) -> None:
    assert {pack.name for pack in rules.packs} >= {
        "common",
        "ecommerce",
        "saas",
        "leadgen",
        "content",
        "local",
    }
    assert set(rules.business_types()) == {"ecommerce", "saas", "leadgen", "content", "local"}


def test_every_kind_has_complete_plan_settings_and_a_valid_event(rules: RuleSet) -> None:
    for business_type in ("ecommerce", "saas", "leadgen", "content", "local"):
        for kind in KINDS:
            settings = rules.kind_plan(kind, business_type)
            assert event_name_problem(settings.event) == "", (kind, business_type)


def test_bad_regex_names_file_rule_and_field(rules_copy: Path) -> None:
    add_rule(
        rules_copy,
        """
  - id: saas/broken
    kind: free_trial
    target: element
    title: t
    why: w
    match: {text: 'start (trial'}
""",
    )
    message = load_error(rules_copy)
    assert "saas.yaml" in message and "saas/broken" in message and "match.text" in message
    assert "invalid regular expression" in message


def test_unknown_matcher_is_refused(rules_copy: Path) -> None:
    add_rule(
        rules_copy,
        """
  - id: saas/unknown
    kind: free_trial
    target: element
    title: t
    why: w
    match: {colour: red}
""",
    )
    message = load_error(rules_copy)
    assert "saas/unknown" in message and "unknown matcher 'colour'" in message


def test_unknown_kind_names_the_rule(rules_copy: Path) -> None:
    add_rule(
        rules_copy,
        """
  - id: saas/odd
    kind: add_to_basket
    target: element
    title: t
    why: w
    match: {text: trial}
""",
    )
    message = load_error(rules_copy)
    assert "saas.yaml" in message and "rule 'saas/odd'" in message and "'kind'" in message


def test_duplicate_rule_id(rules_copy: Path) -> None:
    add_rule(
        rules_copy,
        """
  - id: common/phone_link
    kind: phone_link
    target: element
    title: t
    why: w
    match: {href: '^tel:'}
""",
    )
    assert "duplicate id" in load_error(rules_copy)


def test_event_name_ga4_would_reject(rules_copy: Path) -> None:
    path = rules_copy / "saas.yaml"
    path.write_text(
        path.read_text().replace(
            "\nsignals:", "\nkinds:\n  free_trial: {event: form_submit}\n\nsignals:"
        )
    )
    message = load_error(rules_copy)
    assert "saas.yaml" in message and "free_trial" in message and "reserved" in message


def test_broken_yaml_names_the_line(rules_copy: Path) -> None:
    (rules_copy / "local.yaml").write_text("description: x\nkinds: [unclosed\n")
    message = load_error(rules_copy)
    assert "local.yaml" in message and "not valid YAML" in message


def test_missing_common_pack(tmp_path: Path) -> None:
    assert "common.yaml" in load_error(tmp_path)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("add_to_cart", ""),
        ("pricing_click", ""),
        ("Add to cart", "not a GA4 event name"),
        ("x" * 41, "not a GA4 event name"),
        ("page_view", "reserved"),
        ("google_thing", "prefix"),
        ("1st_click", "not a GA4 event name"),
    ],
)
def test_event_name_rules(name: str, problem: str) -> None:
    assert problem in event_name_problem(name) if problem else event_name_problem(name) == ""


def annotated_kinds() -> tuple[set[str], set[str]]:
    """Kinds with a positive and with a negative annotation somewhere in the fixtures."""
    positive: set[str] = set()
    negative: set[str] = set()
    for html in FIXTURES.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            positive.update(str(tag.get("data-expect", "")).split())
            positive.update(str(tag.get("data-expect-page", "")).split())
            negative.update(str(tag.get("data-expect-not", "")).split())
            negative.update(str(tag.get("data-expect-page-not", "")).split())
    return positive, negative


def test_every_kind_has_positive_and_negative_fixture_examples() -> None:
    positive, negative = annotated_kinds()
    assert set(REQUIRED_KINDS) <= set(KINDS)
    assert [kind for kind in KINDS if kind not in positive] == [], "kinds no fixture proves"
    assert [kind for kind in KINDS if kind not in negative] == [], "kinds no near miss guards"


def test_every_kind_has_a_rule(rules: RuleSet) -> None:
    assert {rule.kind for rule in rules.rules} == set(KINDS)


def test_lexicon_references_work_inside_patterns_and_unknown_ones_are_refused(
    rules_copy: Path,
) -> None:
    add_rule(
        rules_copy,
        """
  - id: saas/typo
    kind: free_trial
    target: element
    title: t
    why: w
    match: {text: '^(@fre_trial)$'}
""",
    )
    assert "unknown lexicon entry '@fre_trial'" in load_error(rules_copy)


def test_fixture_annotations_use_canonical_kinds() -> None:
    positive, negative = annotated_kinds()
    assert (positive | negative) <= set(KINDS)


# --- the rules commands and --rules ------------------------------------------------------

EXTRA_PACK = """
description: Size guides for fashion shops.
rules:
  - id: fashion/size_guide
    kind: store_locator
    target: element
    title: Size guide link
    why: Shoppers who check sizes are close to buying.
    match: {text: 'size guide'}
"""


def test_rules_list_names_every_rule_and_its_file() -> None:
    result = invoke("rules", "list")
    assert result.returncode == 0, result.stderr
    assert "common/phone_link" in result.stdout and "ecommerce/add_to_cart_button" in result.stdout
    assert "rules/ecommerce.yaml" in result.stdout


def test_rules_check_accepts_the_bundled_packs() -> None:
    result = invoke("rules", "check")
    assert result.returncode == 0 and result.stdout.startswith("ok: 6 packs")


def test_rules_check_reports_a_broken_extra_pack(tmp_path: Path) -> None:
    (tmp_path / "fashion.yaml").write_text(EXTRA_PACK.replace("'size guide'", "'size (guide'"))
    result = invoke("rules", "check", str(tmp_path))
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "fashion.yaml: rule 'fashion/size_guide': field match.text" in result.stderr


def test_extra_packs_add_rules_and_same_named_packs_replace_bundled_ones(tmp_path: Path) -> None:
    (tmp_path / "fashion.yaml").write_text(EXTRA_PACK)
    saas = (resource_dir("rules") / "saas.yaml").read_text()
    (tmp_path / "saas.yaml").write_text(
        saas.replace("\nsignals:", "\nkinds:\n  free_trial: {title: Trial started}\n\nsignals:")
    )
    rule_set = load_rules(resource_dir("rules"), tmp_path)
    assert "fashion/size_guide" in {rule.id for rule in rule_set.rules}
    assert rule_set.kind_plan("free_trial", "saas").title == "Trial started"
    assert len([p for p in rule_set.packs if p.name == "saas"]) == 1
    listed = invoke("rules", "list", "--rules", str(tmp_path)).stdout
    assert "fashion/size_guide" in listed and f"{tmp_path}/saas.yaml" in listed


def test_analyze_uses_the_rules_directory_recorded_by_the_scan(tmp_path: Path) -> None:
    (tmp_path / "fashion.yaml").write_text(EXTRA_PACK)
    link = Element(
        tag="a",
        text="Size guide",
        href="http://s.test/sizes",
        visible=True,
        attrs={"href": "/sizes"},
        selector='a[href="/sizes"]',
        snippet="<a>",
    )
    site = Site(
        start_urls=["http://s.test/"],
        settings=AnalysisOptions(rules=str(tmp_path)),
        pages=[
            Page(
                url="http://s.test/",
                requested_url="http://s.test/",
                status=200,
                depth=0,
                elements=[link],
            )
        ],
    )
    (tmp_path / "site.json").write_text(site.model_dump_json())
    result = invoke("analyze", str(tmp_path / "site.json"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "fashion/size_guide" in (tmp_path / "out" / "findings.json").read_text()


def test_a_bad_detection_cue_names_the_file_and_the_cue(rules_copy: Path) -> None:
    path = rules_copy / "local.yaml"
    text = path.read_text()
    assert "      match:\n        any:\n          - src: '@appointment_platform'" in text
    path.write_text(text.replace("- src: '@appointment_platform'", "- colour: 'red'", 1))
    message = load_error(rules_copy)
    assert "local.yaml" in message and "detect cue #1" in message and "colour" in message
