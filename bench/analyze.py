"""Time the stages after the crawl on a 200-page site: classify, detect, plan and GTM.

Crawls the bundled demo shop once (real Chromium, 127.0.0.1), copies its pages under new
addresses until the site has `--pages` pages, then times `analyze` over several runs and
reports peak Python memory.

    python -m bench.analyze [--pages 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from scanner.classify import classify
from scanner.crawl import CrawlOptions, crawl
from scanner.models import ScanSettings, Site
from scanner.pipeline import analyze
from scanner.resources import resource_dir
from scanner.rules import load_rules
from scanner.serve import serve_directory


def grown_site(pages: int) -> Site:
    with serve_directory(resource_dir("fixtures/demo")) as url:
        site = crawl([url], CrawlOptions(max_pages=40, block_third_party=True), ScanSettings()).site
    copies = []
    for index in range(pages):
        page = site.pages[index % len(site.pages)]
        address = f"{page.url}{'&' if '?' in page.url else '?'}copy={index}"
        copies.append(page.model_copy(update={"url": address, "requested_url": address}))
    return site.model_copy(update={"pages": copies})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    site = grown_site(args.pages)
    rules = load_rules(resource_dir("rules"))
    elements = sum(len(p.elements) + len(p.forms) + len(p.frames) for p in site.pages)

    classify_times, analyze_times = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        findings = classify(site, rules)
        classify_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = analyze(site, rules)
        analyze_times.append(time.perf_counter() - started)
    tracemalloc.start()
    analyze(site, rules)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(
        f"site: {len(site.pages)} pages, {elements} elements/forms/frames, "
        f"{len(rules.rules)} rules, {len(findings)} findings, {len(result.plan.events)} events"
    )
    print(
        f"classify: median {statistics.median(classify_times):.2f} s "
        f"({len(site.pages) / statistics.median(classify_times):.0f} pages/s)"
    )
    print(
        f"analyze (classify + detect + plan + gtm): median "
        f"{statistics.median(analyze_times):.2f} s over {args.runs} runs"
    )
    print(f"peak Python memory during analyze: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
