"""Measure the whole pipeline on the whole-site development set (../shared/sites) against the
expert reference plans beside the sites.

Each site is served on 127.0.0.1 (every other host blocked by the closed network, and no
analytics hit ever sent), scanned from its start page with the scanner's default options, and
compared with `<site>.json`:

- kinds: recall of the kinds the expert lists as present (`must`), on the site and on the pages
  the expert names; false alarms, the kinds found that the expert lists as `absent`;
- business type;
- key events: Jaccard of the kinds of the plan's key events and the expert's key micro and macro
  conversions.

    python -m bench.sites [--cache DIR] [--shared PATH] [--max-pages N] [--ignore-robots]
                          [--only NAME ...] [--expert-pages]

With --expert-pages, each site is scanned on exactly the pages its expert names (depth 0) instead
of a crawl from its start page, and the figures add, per kind, the (kind, page) pairs found and
the ones missed: the page-level view of hand-labelled pages.

With --cache, crawl records are kept in DIR and re-analysed on the next run (fast iteration on
rules and planning); without, every site is crawled again.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scanner.analysis import analyze
from scanner.analysis.rules import rules_for
from scanner.crawl import CrawlOptions, crawl
from scanner.models import Analysis, AnalysisOptions, Site, read_site
from scanner.outputs.text import json_text
from scanner.serve import serve_directory

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Score:
    name: str
    expected_type: str
    found_type: str
    must: set[str]
    found: set[str]
    on_pages: tuple[int, int]  # (kind, page) pairs found on the pages the expert names, of all
    wanted_pairs: set[tuple[str, str]]  # (kind, page path) the expert names
    missed_pairs: set[tuple[str, str]]
    false_alarms: set[str]
    expert_key: set[str]
    plan_key: set[str]
    pages: int
    seconds: float

    @property
    def recall(self) -> float:
        return len(self.must & self.found) / len(self.must) if self.must else 1.0

    @property
    def key_jaccard(self) -> float:
        union = self.expert_key | self.plan_key
        return len(self.expert_key & self.plan_key) / len(union) if union else 1.0


def site_record(folder: Path, starts: list[str], options: CrawlOptions, cache: Path | None) -> Site:
    suffix = ".json" if options.depth else ".pages.json"
    cached = cache / f"{folder.name}{suffix}" if cache else None
    if cached and cached.exists():
        return read_site(cached)
    with serve_directory(folder) as base:
        site = crawl([base.rstrip("/") + start for start in starts], options).site
        served = base.removeprefix("http://").rstrip("/")
    site = Site.model_validate_json(site.model_dump_json().replace(served, "127.0.0.1:8000"))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json_text(site.model_dump(mode="json")), encoding="utf-8")
    return site


def page_path(url: str) -> str:
    """The file path under the site folder that a crawled page address serves."""
    path = unquote(urlsplit(url).path)
    return path + "index.html" if path.endswith("/") else path


@dataclass(frozen=True)
class Expert:
    """A reference plan (<site>.json)."""

    start: str
    business_type: str
    must: dict[str, list[str]]
    absent: list[str]
    key_micro: list[str]
    macro: list[str]

    @staticmethod
    def read(path: Path) -> Expert:
        data = json.loads(path.read_text())
        return Expert(**{name: data[name] for name in Expert.__dataclass_fields__})


def score(name: str, expert: Expert, analysis: Analysis, seconds: float) -> Score:
    findings = analysis.findings
    found: set[str] = {f.kind for f in findings}
    by_page = {(f.kind, page_path(f.page)) for f in findings}
    wanted = {(kind, unquote(path)) for kind, paths in expert.must.items() for path in paths}
    key: set[str] = {e.kind for e in analysis.plan.events if e.tier == "key"}
    return Score(
        name=name,
        expected_type=expert.business_type,
        found_type=analysis.plan.business_type.type,
        must=set(expert.must),
        found=found,
        on_pages=(len(wanted & by_page), len(wanted)),
        wanted_pairs=wanted,
        missed_pairs=wanted - by_page,
        false_alarms=found & set(expert.absent),
        expert_key=set(expert.key_micro) | set(expert.macro),
        plan_key=key,
        pages=len(analysis.site.pages),
        seconds=seconds,
    )


def print_pairs_by_kind(scores: list[Score]) -> None:
    """Per kind: the (kind, page) pairs found of those the experts name, then the missed ones."""
    named = Counter(kind for result in scores for kind, _ in result.wanted_pairs)
    missed = Counter(kind for result in scores for kind, _ in result.missed_pairs)
    print("\n(kind, page) pairs found on the expert's pages, by kind:")
    for kind in sorted(named):
        found = named[kind] - missed[kind]
        print(f"  {kind:<16} {found:>3}/{named[kind]:<3} = {found / named[kind]:.2f}")
    print("missed:")
    for result in scores:
        for kind, path in sorted(result.missed_pairs):
            print(f"  {kind:<16} {result.name}{path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--max-pages", type=int, default=CrawlOptions().max_pages)
    parser.add_argument(
        "--ignore-robots",
        action="store_true",
        help="crawl sites whose mirror's robots.txt forbids everything (cryptomator's staging)",
    )
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument(
        "--expert-pages",
        action="store_true",
        help="scan exactly the pages each expert names (depth 0) and score them kind by kind",
    )
    args = parser.parse_args()
    sites = args.shared / "sites"
    if not any(sites.glob("*.json")):
        parser.error(f"no expert plans (*.json) in {sites}: give --shared the parent of sites/")
    scores = []
    for plan_file in sorted(sites.glob("*.json")):
        if args.only and plan_file.stem not in args.only:
            continue
        expert = Expert.read(plan_file)
        starts = [expert.start]
        options = CrawlOptions(max_pages=args.max_pages, ignore_robots=args.ignore_robots)
        if args.expert_pages:
            named = {path for paths in expert.must.values() for path in paths}
            starts = sorted(named | {expert.start})
            options = replace(options, depth=0, max_pages=len(starts))
        started = time.perf_counter()
        site = site_record(sites / plan_file.stem, starts, options, args.cache)
        analysis = analyze(site, AnalysisOptions(), rules_for(AnalysisOptions()))
        result = score(plan_file.stem, expert, analysis, time.perf_counter() - started)
        scores.append(result)
        verdict = "ok " if result.found_type == result.expected_type else "NO "
        print(
            f"{result.name:<12} {result.pages:>3} pages {result.seconds:5.1f} s  type "
            f"{result.found_type:<10}{verdict}"
            f" recall {result.recall:4.2f} (pages {result.on_pages[0]}/{result.on_pages[1]})"
            f"  key J {result.key_jaccard:4.2f}"
        )
        missed = sorted(result.must - result.found)
        if missed or result.false_alarms:
            print(f"{'':14}missed {missed}; false alarms {sorted(result.false_alarms)}")
        print(
            f"{'':14}key: expert {sorted(result.expert_key)}\n{'':14}     plan   "
            f"{sorted(result.plan_key)}"
        )
    if not scores:
        return
    if args.expert_pages:
        print_pairs_by_kind(scores)
    count = len(scores)
    must = sum(len(s.must) for s in scores)
    hits = sum(len(s.must & s.found) for s in scores)
    page_hits = sum(s.on_pages[0] for s in scores)
    page_total = sum(s.on_pages[1] for s in scores)
    print(
        f"\n{count} sites: kinds recall {hits}/{must} = {hits / must:.2f} "
        f"(on the expert's pages {page_hits}/{page_total} = {page_hits / page_total:.2f}), "
        f"false alarms {sum(len(s.false_alarms) for s in scores)}, business type right "
        f"{sum(s.found_type == s.expected_type for s in scores)}/{count}, key-event Jaccard "
        f"mean {sum(s.key_jaccard for s in scores) / count:.2f}"
    )


if __name__ == "__main__":
    main()
