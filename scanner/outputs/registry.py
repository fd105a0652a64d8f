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
    plan_csv,
    plan_json,
    plan_md,
    plan_xlsx,
    plan_yaml,
    report_html,
    site_json,
    verification_json,
)


@dataclass(frozen=True)
class Output:
    name: str
    render: Callable[[Analysis], str | bytes]
    # `scanner export` regenerates it: rendered from the plan (not from the crawl's findings),
    # and not plan.yaml, which export reads.
    exported: bool = True


CRAWL_RECORD = Output("site.json", site_json.render, exported=False)
REPORT = Output("report.html", report_html.render)
# What `scanner analyze` rebuilds from a crawl record; `scanner scan` writes the record too.
ANALYSIS_OUTPUTS = (
    Output("findings.json", findings_json.render, exported=False),
    Output("plan.json", plan_json.render),
    Output("plan.yaml", plan_yaml.render, exported=False),
    Output("plan.md", plan_md.render),
    Output("gtm-container.json", gtm.render),
    Output("datalayer.md", datalayer_md.render),
    Output("audiences.json", audiences.render),
    Output("plan.csv", plan_csv.render),
    Output("plan.xlsx", plan_xlsx.render),
    REPORT,
)
SCAN_OUTPUTS = (CRAWL_RECORD, *ANALYSIS_OUTPUTS)
EXPORT_OUTPUTS = tuple(output for output in ANALYSIS_OUTPUTS if output.exported)
# What `scanner verify` writes: its result, and the report with its verification column.
VERIFY_OUTPUTS = (
    Output("verification.json", verification_json.render),
    REPORT,
)
