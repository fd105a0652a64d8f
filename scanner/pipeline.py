"""Everything after the crawl, as one pure function of the crawl record and the rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scanner.classify import classify
from scanner.detect import detect_business_type
from scanner.errors import EXIT_INPUT, ScannerError
from scanner.gtm import container
from scanner.models import Finding, Plan, Site
from scanner.plan import build_plan
from scanner.rules import RuleSet

GIVE_SITE_JSON = "give the site.json that 'scanner scan' wrote."


@dataclass(frozen=True)
class Analysis:
    findings: list[Finding]
    plan: Plan
    container: dict[str, Any]


def analyze(site: Site, rules: RuleSet) -> Analysis:
    findings = classify(site, rules)
    business = detect_business_type(site, findings, rules)
    plan = build_plan(site, findings, business, rules)
    return Analysis(findings=findings, plan=plan, container=container(plan))


def read_site(path: Path) -> Site:
    """Load a site.json; a one-line error when it is missing, not JSON or not a crawl record."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScannerError(f"{path}: no such file; {GIVE_SITE_JSON}", EXIT_INPUT) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScannerError(f"{path}: cannot be read ({error}).", EXIT_INPUT) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScannerError(
            f"{path}: not valid JSON (line {error.lineno}: {error.msg}); {GIVE_SITE_JSON}",
            EXIT_INPUT,
        ) from None
    try:
        return Site.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        raise ScannerError(
            f"{path}: not a crawl record ({where}: {problem['msg']}); {GIVE_SITE_JSON}",
            EXIT_INPUT,
        ) from None
