"""Time `scanner validate` on a 10-million-event GA4 export, against a naive baseline.

Generates once (bench/ga4_export.py, planted effects) a GA4 BigQuery export of about
`--events` events into DIR (default /tmp/scanner-bench-validate), as daily newline-delimited
JSON files and the same as Parquet, then runs, each in a fresh process so that its peak memory
is its own:

- `scanner validate` (the library call: plan, DuckDB counts, verdicts) on the Parquet export
  and on the JSON export, DuckDB limited to 1 GB (scanner/analytics/facts.py) on every core;
- a naive baseline in pure Python over the same JSON files: each line parsed with json.loads,
  users' first conversions and first events kept in dictionaries, then only the conversion rate
  of each event's doers (no sessions, pairs or paths: a fraction of the work).

    python -m bench.validate [--events 10000000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.ga4_export import generate, to_parquet
from scanner.analytics import ExportOptions
from scanner.api import validate

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "tests" / "golden" / "demo"
EVENTS_PER_USER = 6.6  # what the generator writes, on average


def naive(export: Path) -> int:
    """Per event: users who did it before converting (or ever), and how many of them converted."""
    first: dict[str, dict[str, int]] = {}
    converted: dict[str, int] = {}
    for path in sorted(export.glob("events_*.json")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                user, name = record["user_pseudo_id"], record["event_name"]
                at = int(record["event_timestamp"])
                if name == "purchase":
                    converted[user] = min(at, converted.get(user, at))
                else:
                    seen = first.setdefault(user, {})
                    seen[name] = min(at, seen.get(name, at))
    doers: dict[str, list[int]] = {}
    for user, seen in first.items():
        bought = converted.get(user)
        for name, at in seen.items():
            if bought is None or at <= bought:
                counts = doers.setdefault(name, [0, 0])
                counts[0] += 1
                counts[1] += bought is not None
    return len(doers)


def child(mode: str, export: Path) -> None:
    """One measured run, in this process: prints seconds and peak memory as JSON."""
    start = time.perf_counter()
    if mode == "naive":
        naive(export)
    else:
        validate(PLAN, ExportOptions(export))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": usage.ru_maxrss * 1024}))


def measure(mode: str, export: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.validate", "--child", mode, str(export)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def prepare(events: int, base: Path) -> tuple[Path, Path, int]:
    """The JSON and Parquet exports, generated on the first run only."""
    json_dir, parquet_dir = base / f"ga4-{events}-json", base / f"ga4-{events}-parquet"
    count_file = base / f"ga4-{events}.count"
    if not count_file.exists():
        start = time.perf_counter()
        count = generate(json_dir, users=round(events / EVENTS_PER_USER))
        to_parquet(json_dir, parquet_dir)
        count_file.write_text(str(count))
        print(f"generated {count} events in {time.perf_counter() - start:.0f} s", flush=True)
    return json_dir, parquet_dir, int(count_file.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/scanner-bench-validate"))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "EXPORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    json_dir, parquet_dir, count = prepare(args.events, args.dir)
    size = {d: sum(p.stat().st_size for p in d.iterdir()) / 2**20 for d in (json_dir, parquet_dir)}
    print(f"{count} events on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f})")
    runs = [
        ("scanner validate, Parquet", "scanner", parquet_dir),
        ("scanner validate, JSON", "scanner", json_dir),
        ("naive pure Python, JSON", "naive", json_dir),
    ]
    for label, mode, export in runs:
        result = measure(mode, export)
        print(
            f"{label:<28} {result['seconds']:6.1f} s ({result['cpu']:6.1f} s of CPU)  "
            f"{count / result['seconds'] / 1e6:5.2f} M events/s  peak memory "
            f"{result['peak'] / 2**20:5.0f} MiB  ({size[export]:.0f} MiB of files)",
            flush=True,
        )


if __name__ == "__main__":
    main()
