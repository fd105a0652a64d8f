"""Website scanner that proposes GA4 tracking plans and GTM containers.

The library API: `scan`, `analyze`, `validate` and `write_outputs`, with their options and
results; the typed data is in `scanner.models`, the errors in `scanner.errors`.
"""

from scanner.analytics import ExportOptions
from scanner.api import ScanOptions, ScanResult, analyze, scan, validate
from scanner.crawl import CrawlOptions, CrawlProgress
from scanner.models import Analysis, AnalysisOptions, read_site
from scanner.outputs.registry import ANALYSIS_OUTPUTS, SCAN_OUTPUTS
from scanner.outputs.write import write_outputs

__all__ = [
    "ANALYSIS_OUTPUTS",
    "SCAN_OUTPUTS",
    "Analysis",
    "AnalysisOptions",
    "CrawlOptions",
    "CrawlProgress",
    "ExportOptions",
    "ScanOptions",
    "ScanResult",
    "analyze",
    "read_site",
    "scan",
    "validate",
    "write_outputs",
]
