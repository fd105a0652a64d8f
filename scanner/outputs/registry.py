"""Every output file and the function that renders it from an analysis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scanner.models import Analysis
from scanner.outputs import (
    audiences,
    datalayer_md,
    findings_json,
    gtm,
    plan_json,
    plan_md,
    report_html,
    site_json,
    verification_json,
)


@dataclass(frozen=True)
class Output:
    name: str
    render: Callable[[Analysis], str]


CRAWL_RECORD = Output("site.json", site_json.render)
# What `scanner analyze` rebuilds from a crawl record; `scanner scan` writes the record too.
ANALYSIS_OUTPUTS = (
    Output("findings.json", findings_json.render),
    Output("plan.json", plan_json.render),
    Output("plan.md", plan_md.render),
    Output("gtm-container.json", gtm.render),
    Output("datalayer.md", datalayer_md.render),
    Output("audiences.json", audiences.render),
    Output("report.html", report_html.render),
)
SCAN_OUTPUTS = (CRAWL_RECORD, *ANALYSIS_OUTPUTS)
# What `scanner verify` writes: its result, and the report with its verification column.
VERIFY_OUTPUTS = (
    Output("verification.json", verification_json.render),
    Output("report.html", report_html.render),
)
