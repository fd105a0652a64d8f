"""datalayer.md: the developer hand-off, every dataLayer push the plan needs from the site's
code, with when to push it and each value's type."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from scanner.models import Analysis
from scanner.outputs.handoff import push_for
from scanner.outputs.markdown import templates


def render(analysis: Analysis) -> str:
    plan = analysis.plan
    pushes: list[dict[str, Any]] = []
    for event in plan.events:
        push = push_for(event, plan.example_product)
        if push is not None:
            pushes.append(
                {
                    **asdict(push),
                    "tier": event.tier,
                    "title": event.title,
                    "snippet": push.snippet(),
                }
            )
    product = plan.example_product.model_dump() if plan.example_product else None
    return (
        templates()
        .get_template("datalayer.md.j2")
        .render(site=plan.site, product=product, pushes=pushes)
    )
