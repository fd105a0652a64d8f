"""Time the stages after the crawl on a 200-page site: classify, the whole analysis (classify,
business type, plan) and the outputs (findings.json, plan.json, plan.md, the GTM container).

Takes the recorded crawl of the bundled demo shop (tests/golden/demo/site.json, what
`scanner demo` crawls), copies its pages under new addresses until the site has `--pages`
pages, then times each stage over several runs and reports peak Python memory.

    python -m bench.analyze [--pages 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from scanner.analysis import analyze
from scanner.analysis.classify import classify
from scanner.analysis.rules import load_rules
from scanner.models import Analysis, AnalysisOptions, Site, read_site
from scanner.outputs.registry import ANALYSIS_OUTPUTS
from scanner.resources import resource_dir

RECORDED_DEMO = Path(__file__).resolve().parents[1] / "tests" / "golden" / "demo" / "site.json"


def grown_site(pages: int) -> Site:
    site = read_site(RECORDED_DEMO)
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

    options = AnalysisOptions()
    classify_times, analyze_times, output_times = [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        findings = classify(site, rules)
        classify_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = analyze(site, options, rules)
        analyze_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        render_outputs(result)
        output_times.append(time.perf_counter() - started)
    tracemalloc.start()
    analysis = analyze(site, options, rules)
    analysis_peak = tracemalloc.get_traced_memory()[1]
    render_outputs(analysis)
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
        f"analysis (classify + business type + plan): median "
        f"{statistics.median(analyze_times):.2f} s over {args.runs} runs"
    )
    print(
        f"outputs ({', '.join(o.name for o in ANALYSIS_OUTPUTS)}): median "
        f"{statistics.median(output_times):.2f} s"
    )
    print(
        f"peak Python memory: analysis {analysis_peak / 2**20:.1f} MiB, "
        f"with the outputs {peak / 2**20:.1f} MiB"
    )


def render_outputs(analysis: Analysis) -> list[str | bytes]:
    return [output.render(analysis) for output in ANALYSIS_OUTPUTS]


if __name__ == "__main__":
    main()
