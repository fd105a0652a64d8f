"""plan.md: the plan for people, rendered from the plan record by templates/plan.md.j2."""

from __future__ import annotations

from scanner.models import Analysis
from scanner.outputs.audiences import suggest
from scanner.outputs.markdown import templates
from scanner.outputs.plan_json import plan_record


def render(analysis: Analysis) -> str:
    suggested = [
        {"name": audience.name, "how_to_use": audience.how_to_use}
        for audience in suggest(analysis.plan)
    ]
    return (
        templates()
        .get_template("plan.md.j2")
        .render(plan=plan_record(analysis.plan, analysis.validation), audiences=suggested)
    )
