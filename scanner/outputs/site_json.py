"""site.json: the crawl record, which `scanner analyze` replays."""

from __future__ import annotations

from scanner.models import Analysis
from scanner.outputs.text import json_text


def render(analysis: Analysis) -> str:
    return json_text(analysis.site.model_dump(mode="json"))
