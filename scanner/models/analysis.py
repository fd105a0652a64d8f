"""The result of everything after the crawl, which the outputs are rendered from."""

from __future__ import annotations

from dataclasses import dataclass

from scanner.models.findings import Finding
from scanner.models.plan import Plan
from scanner.models.site import Site
from scanner.models.validation import Validation
from scanner.models.verification import Verification


@dataclass(frozen=True)
class Analysis:
    site: Site
    findings: list[Finding]
    plan: Plan
    verification: Verification | None = None  # what `scanner verify` found, if it ran
    validation: Validation | None = None  # the plan checked against analytics (scanner validate)
