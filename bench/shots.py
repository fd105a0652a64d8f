"""What screenshots cost in scan time: the same sites scanned with and without them, in the same
run, alternating (so a busy machine slows both alike), with the shots' count and sizes.

The demo shop (17 pages) and the mirrored real sites of ../shared/sites, third parties blocked
(robots.txt not obeyed: they are local copies).

    python -m bench.shots [--rounds N] [--no-mirrors]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import scanner
from scanner.serve import serve_directory

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def timed_scan(url: str, screenshots: bool) -> tuple[float, int, dict[str, bytes]]:
    options = scanner.ScanOptions(
        # one mirror's robots.txt disallows everything: the local copies are read anyway
        crawl=scanner.CrawlOptions(
            block_third_party=True, ignore_robots=True, screenshots=screenshots
        )
    )
    started = time.perf_counter()
    result = scanner.scan([url], options)
    return time.perf_counter() - started, len(result.site.pages), result.shots


def compare(label: str, folder: Path, start: str, rounds: int) -> tuple[float, float, int, int]:
    """Median seconds with and without shots, pages, shots."""
    with_shots, without = [], []
    pages, shots = 0, dict[str, bytes]()
    with serve_directory(folder) as base:
        url = base.rstrip("/") + start
        for _ in range(rounds):
            seconds, pages, shots = timed_scan(url, True)
            with_shots.append(seconds)
            without.append(timed_scan(url, False)[0])
    on, off = statistics.median(with_shots), statistics.median(without)
    sizes = [len(image) for image in shots.values()] or [0]
    print(
        f"{label:<14} {pages:>3} pages  without {off:5.1f} s  with {on:5.1f} s  "
        f"+{on - off:4.1f} s ({(on - off) / off:+.0%})  {len(shots):>3} shots, "
        f"median {statistics.median(sizes) / 1024:.1f} KiB, largest {max(sizes) / 1024:.1f} KiB"
    )
    return on, off, pages, len(shots)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-mirrors", action="store_true")
    args = parser.parse_args()
    runs = [compare("demo", ROOT / "fixtures" / "demo", "/", args.rounds)]
    if not args.no_mirrors and (SHARED / "sites").is_dir():
        for plan in sorted((SHARED / "sites").glob("*.json")):
            start = json.loads(plan.read_text())["start"]
            runs.append(compare(plan.stem, plan.with_suffix(""), start, 1))
    on = sum(run[0] for run in runs)
    off = sum(run[1] for run in runs)
    pages = sum(run[2] for run in runs)
    shots = sum(run[3] for run in runs)
    print(
        f"{'all':<14} {pages:>3} pages  without {off:5.1f} s  with {on:5.1f} s  "
        f"+{on - off:4.1f} s ({(on - off) / off:+.0%}), {shots} shots, "
        f"{(on - off) / max(1, shots) * 1000:.0f} ms a shot"
    )


if __name__ == "__main__":
    main()
