"""Read a site's analytics export (GA4 BigQuery export or an event log) in place with DuckDB
and count what the validation needs: the one layer that reads analytics data."""

from scanner.analytics.facts import count_export
from scanner.analytics.source import ExportOptions

__all__ = ["ExportOptions", "count_export"]
