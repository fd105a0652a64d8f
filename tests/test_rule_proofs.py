"""Proof per rule: every rule is the winning rule for at least one annotated element or page of
the recorded fixtures, and deleting any one rule makes a fixture miss what it expects."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from scanner.analysis.rules import load_rules
from scanner.models import Finding, PageAnnotations
from scanner.resources import resource_dir
from tests.test_fixture_expectations import (
    ANNOTATED,
    expectation_report,
    findings_of,
    proven_findings,
)

BUNDLED = load_rules(resource_dir("rules"))


@cache
def bundled_findings() -> list[tuple[str, PageAnnotations, list[Finding]]]:
    return [(site, page, findings_of(site, page, BUNDLED)) for site, page in ANNOTATED]


def test_every_rule_wins_for_an_annotated_element() -> None:
    proven = {
        finding.rule
        for _, annotations, findings in bundled_findings()
        for finding in proven_findings(findings, annotations)
    }
    assert sorted(rule.id for rule in BUNDLED.rules if rule.id not in proven) == []


@pytest.mark.parametrize("rule_id", [rule.id for rule in BUNDLED.rules])
def test_deleting_the_rule_makes_a_fixture_fail(rule_id: str) -> None:
    """Only the pages where the rule won a finding can change when it is deleted."""
    without = replace(BUNDLED, rules=tuple(r for r in BUNDLED.rules if r.id != rule_id))
    missed = [
        f"{annotations.url}: {missed}"
        for site, annotations, findings in bundled_findings()
        if any(finding.rule == rule_id for finding in findings)
        for missed in expectation_report(findings_of(site, annotations, without), annotations)[
            "missed"
        ]
    ]
    assert missed != [], f"no fixture needs {rule_id}: a near copy of another rule?"
