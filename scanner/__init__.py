"""Website scanner that proposes GA4 tracking plans and GTM containers.

The library API: `scan`, `analyze`, `verify`, `validate`, `load_plan`, `export`, `compare`,
`write_outputs` and `write_shots`, with their options and results; the typed data is in
`scanner.models`, the errors in `scanner.errors`.
"""

from scanner.analytics import ExportOptions
from scanner.api import (
    PlanSource,
    ScanOptions,
    ScanResult,
    analyze,
    compare,
    export,
    load_plan,
    scan,
    validate,
    verify,
)
from scanner.crawl import CrawlOptions, CrawlProgress
from scanner.models import Analysis, AnalysisOptions, read_site
from scanner.outputs.registry import ANALYSIS_OUTPUTS, EXPORT_OUTPUTS, SCAN_OUTPUTS
from scanner.outputs.write import write_outputs, write_shots

__all__ = [
    "ANALYSIS_OUTPUTS",
    "EXPORT_OUTPUTS",
    "SCAN_OUTPUTS",
    "Analysis",
    "AnalysisOptions",
    "CrawlOptions",
    "CrawlProgress",
    "ExportOptions",
    "PlanSource",
    "ScanOptions",
    "ScanResult",
    "analyze",
    "compare",
    "export",
    "load_plan",
    "read_site",
    "scan",
    "validate",
    "verify",
    "write_outputs",
    "write_shots",
]
