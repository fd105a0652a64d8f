"""verification.json: what `scanner verify` found, tag by tag."""

from __future__ import annotations

from scanner.models import Analysis
from scanner.outputs.text import json_text


def render(analysis: Analysis) -> str:
    if analysis.verification is None:
        raise ValueError("verification.json is written by scanner verify, after it ran")
    return json_text(analysis.verification.model_dump(mode="json"))
