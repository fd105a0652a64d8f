"""plan.md: the plan for people, rendered from the plan record by templates/plan.md.j2."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from scanner.models import Analysis
from scanner.outputs.audiences import suggest
from scanner.outputs.plan_json import plan_record
from scanner.resources import resource_dir


@cache
def templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(analysis: Analysis) -> str:
    suggested = [
        {"name": audience.name, "how_to_use": audience.how_to_use}
        for audience in suggest(analysis.plan)
    ]
    return (
        templates()
        .get_template("plan.md.j2")
        .render(plan=plan_record(analysis.plan), audiences=suggested)
    )
