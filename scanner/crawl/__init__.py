"""The crawl layer: the only code that drives the browser or touches the network."""

from scanner.crawl.crawler import CrawlProgress, CrawlResult, Progress, crawl
from scanner.crawl.options import CrawlOptions
from scanner.crawl.scope import check_url

__all__ = ["CrawlOptions", "CrawlProgress", "CrawlResult", "Progress", "check_url", "crawl"]
