"""An invalid edit of plan.yaml gets one error naming its line and field: one test per kind of
mistake, each made on the demo's plan.yaml as an analyst would make it."""

from __future__ import annotations

import pytest

from scanner.analysis.plan_file import parse_plan_file
from scanner.errors import BadInput
from tests.golden import GOLDEN

PLAN = (GOLDEN / "demo" / "plan.yaml").read_text()
ADD_TO_CART = """\
- name: add_to_cart
  kind: add_to_cart
  tier: key
  trigger:
    type: click
    selectors:
    - button[data-product-id]
    - button[name="add"]
"""


def error_of(old: str, new: str) -> str:
    assert PLAN.count(old) == 1, old
    with pytest.raises(BadInput) as caught:
        parse_plan_file(PLAN.replace(old, new), "plan.yaml")
    return caught.value.message


def line_of(text: str, nth: int = 1) -> int:
    """The line (from 1) of the nth line of the demo plan that starts with `text`, stripped."""
    lines = [i for i, line in enumerate(PLAN.splitlines(), 1) if line.strip().startswith(text)]
    return lines[nth - 1]


def test_the_demo_plan_reads_back() -> None:
    plan = parse_plan_file(PLAN, "plan.yaml")
    assert [e.name for e in plan.events][:4] == [
        "purchase",
        "newsletter_signup",
        "sign_up",
        "add_to_cart",
    ]


def test_an_unknown_kind() -> None:
    message = error_of("  kind: add_to_cart\n", "  kind: add_to_basket\n")
    assert message.startswith(f"plan.yaml: line {line_of('kind: add_to_cart')}, events[3].kind: ")
    assert "unknown value 'add_to_basket'; one of 'add_to_cart'" in message


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Add To Cart", "is not a GA4 event name"),
        ("add_to_cart_" + "x" * 29, "is not a GA4 event name"),  # 41 characters
        ("3d_view", "is not a GA4 event name"),
        ("page_view", "is reserved by GA4"),
        ("form_submit", "is reserved by GA4"),
        ("google_cart", "starts with a prefix GA4 reserves"),
        ("firebase_cart", "starts with a prefix GA4 reserves"),
    ],
)
def test_an_event_name_ga4_rejects_or_reserves(name: str, problem: str) -> None:
    message = error_of("- name: add_to_cart\n", f"- name: {name}\n")
    assert message.startswith(f"plan.yaml: line {line_of('- name: add_to_cart')}, events[3].name:")
    assert f"'{name}' {problem}" in message


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("google_click", "starts with a prefix GA4 reserves"),
        ("_click", "starts with a prefix GA4 reserves"),
        ("click text", "is not a GA4 parameter name"),
        ("c" * 41, "is not a GA4 parameter name"),
    ],
)
def test_a_parameter_name_ga4_rejects_or_reserves(name: str, problem: str) -> None:
    old = "    click_text: '{{Click Text}}'\n    click_url: '{{Click URL}}'\n  destinations:\n"
    old += "    meta: AddToCart"
    message = error_of(old, old.replace("click_text", name))
    line = line_of("- name: add_to_cart") + 9  # the parameter's line in that event
    assert message.startswith(f"plan.yaml: line {line}, events[3].parameters.{name}: ")
    assert f"'{name}' {problem}" in message


def test_more_parameters_than_ga4_takes() -> None:
    old = "    click_url: '{{Click URL}}'\n  destinations:\n    meta: AddToCart"
    many = "".join(f"    p{n}: x\n" for n in range(24))
    message = error_of(old, many + old)
    line = line_of("- name: add_to_cart") + 8  # the parameters: line of that event
    assert message.startswith(f"plan.yaml: line {line}, events[3].parameters: 26 parameters")


def test_a_missing_trigger() -> None:
    without = ADD_TO_CART.split("  trigger:")[0]
    message = error_of(ADD_TO_CART, without)
    assert message.startswith(
        f"plan.yaml: line {line_of('- name: add_to_cart')}, events[3].trigger: missing"
    )


def test_a_trigger_without_what_its_type_needs() -> None:
    message = error_of(
        '    selectors:\n    - button[data-product-id]\n    - button[name="add"]\n', ""
    )
    trigger = line_of("- name: add_to_cart") + 3  # the trigger: line of that event
    assert message.startswith(f"plan.yaml: line {trigger}, events[3].trigger:")
    assert "a click trigger needs selectors or scoped" in message


def test_a_duplicate_name_of_one_kind() -> None:
    copy = ADD_TO_CART.replace("button[", "a[")  # another trigger, the same kind and name
    message = error_of(ADD_TO_CART, ADD_TO_CART + copy)
    expected = line_of("- name: add_to_cart") + len(ADD_TO_CART.splitlines())
    assert message.startswith(f"plan.yaml: line {expected}, events[4].name: a duplicate")
    assert f"(line {line_of('- name: add_to_cart')})" in message


def test_a_duplicate_trigger_of_one_kind() -> None:
    copy = ADD_TO_CART.replace("name: add_to_cart", "name: cart_add")
    message = error_of(ADD_TO_CART, ADD_TO_CART + copy)
    expected = line_of("- name: add_to_cart") + len(ADD_TO_CART.splitlines()) + 3
    assert message.startswith(f"plan.yaml: line {expected}, events[4].trigger: a duplicate")
    assert "counted twice" in message


def test_a_selector_that_is_not_css() -> None:
    message = error_of("- button[data-product-id]\n", "- button[data-product-id\n")
    line = line_of("- button[data-product-id")
    assert message.startswith(f"plan.yaml: line {line}, events[3].trigger.selectors[0]: ")
    assert "'button[data-product-id' is not a CSS selector" in message


def test_a_scoped_selector_that_is_not_css() -> None:
    old = "    - body > main > p:nth-of-type(2) > a\n"
    message = error_of(old, "    - body > main > p:nth-of-type(2 > a\n")
    line = line_of("- body > main > p:nth-of-type(2")
    assert message.startswith(f"plan.yaml: line {line}, events[13].trigger.scoped[0].selectors[0]")


def test_buttons_on_a_trigger_that_is_not_a_form_submit() -> None:
    message = error_of(ADD_TO_CART, ADD_TO_CART + "    buttons:\n    - button.js-subscribe\n")
    assert "events[3].trigger: buttons and scoped_buttons belong to form_submit triggers" in message


def test_a_button_selector_that_is_not_css() -> None:
    old = "    type: form_submit\n"
    assert PLAN.count(old) >= 1
    plan = PLAN.replace(old, old + "    buttons:\n    - button[js\n", 1)
    with pytest.raises(BadInput) as caught:
        parse_plan_file(plan, "plan.yaml")
    assert ".trigger.buttons[0]: 'button[js' is not a CSS selector" in caught.value.message


def test_a_regex_that_is_not_one() -> None:
    message = error_of("page_path_regex: ^(/checkout\\.html)$", "page_path_regex: ^(/checkout")
    line = line_of("page_path_regex: ^(/checkout")
    assert message.startswith(f"plan.yaml: line {line}, events[4].trigger.page_path_regex: ")


def test_a_misspelt_field() -> None:
    message = error_of(
        "- name: add_to_cart\n  kind: add_to_cart\n  tier: key",
        "- name: add_to_cart\n  kind: add_to_cart\n  tire: key",
    )
    assert message.startswith(
        f"plan.yaml: line {line_of('- name: add_to_cart') + 2}, events[3].tire:"
    )


def test_an_unknown_tier() -> None:
    message = error_of(
        "- name: add_to_cart\n  kind: add_to_cart\n  tier: key",
        "- name: add_to_cart\n  kind: add_to_cart\n  tier: top",
    )
    assert message.startswith(
        f"plan.yaml: line {line_of('- name: add_to_cart') + 2}, events[3].tier:"
    )
    assert "unknown value 'top'" in message


def test_yaml_that_is_not_yaml() -> None:
    message = error_of("events:\n", "events:\n  - [\n")
    assert message.startswith(f"plan.yaml: line {line_of('events:') + 2}: not valid YAML")


def test_a_file_that_is_not_a_plan() -> None:
    with pytest.raises(BadInput, match=r"line 1, \(top level\): not a plan"):
        parse_plan_file("- a\n- b\n", "plan.yaml")


def test_two_entries_for_one_page_in_scoped_buttons() -> None:
    """Each becomes a trigger named for its page: GTM refuses two of one name."""
    old = "    type: form_submit\n"
    twice = "    scoped_buttons:\n" + "    - path: /\n      selectors:\n      - '#b'\n" * 2
    plan = PLAN.replace(old, old + twice, 1)
    with pytest.raises(BadInput) as caught:
        parse_plan_file(plan, "plan.yaml")
    assert ".trigger.scoped_buttons[1].path: a second entry for /" in caught.value.message
