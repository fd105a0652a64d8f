"""findings.json: every kind recognised, with its evidence."""

from __future__ import annotations

from scanner.models import Analysis
from scanner.outputs.text import json_text


def render(analysis: Analysis) -> str:
    return json_text([finding.model_dump(mode="json") for finding in analysis.findings])
