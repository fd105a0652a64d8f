"""Sites per hour for a batch of local fixture sites, and the memory it takes, in one run:

- naive: `scanner scan` run once per site, one after the other (what a shell loop does);
- `scanner batch` on this machine, one site at a time (--jobs 1) and as the machine allows
  (--jobs auto);
- `scanner batch --queue` with two local `scanner worker --jobs 1` processes on a Redis server
  started for the run (Debian's redis-server).

The sites are copies of fixtures/demo (a shop) and fixtures/batch/saas, each on its own
127.0.0.1 port (so each is a site of its own), scanned with third parties blocked. Memory is the
peak proportional set size (PSS: shared pages counted once) of each command's process tree,
Python and Chromium together, sampled every 0.5 s; for the queue, of each worker.

    python -m bench.batch [--sites 8] [--max-pages 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from bench.crawl import peak_memory
from scanner.batch.machine import sites_at_once
from scanner.serve import serve_directory
from tests.redis_server import redis_server

ROOT = Path(__file__).resolve().parents[1]
SCANNER = [sys.executable, "-m", "scanner"]
MIB = 2**20


def timed(command: list[str]) -> tuple[float, int]:
    """Run a command; its time in seconds and its tree's peak PSS."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with peak_memory([process.pid]) as peaks:
        process.wait()
    return time.monotonic() - start, peaks[0]


def report(label: str, sites: int, seconds: float, memory: str) -> None:
    print(f"{label:<44} {seconds:6.1f} s  {sites / seconds * 3600:6.0f} sites/h  {memory}")


def naive(urls: list[str], work: Path, max_pages: int) -> float:
    total, peak = 0.0, 0
    for index, url in enumerate(urls):
        out = str(work / "naive" / str(index))
        seconds, used = timed(
            [*SCANNER, "scan", url, "-o", out, "--max-pages", str(max_pages), "--block-third-party"]
        )
        total, peak = total + seconds, max(peak, used)
    memory = f"peak {peak / MIB:.0f} MiB"
    report("naive: scanner scan per site, in sequence", len(urls), total, memory)
    return total


def local(sites: Path, work: Path, max_pages: int, jobs: str) -> float:
    out = str(work / f"batch-{jobs}")
    common = ["-o", out, "--max-pages", str(max_pages), "--block-third-party"]
    seconds, peak = timed([*SCANNER, "batch", str(sites), *common, "--jobs", jobs])
    count = len(sites.read_text().split())
    label = f"scanner batch --jobs {jobs}" + (f" ({sites_at_once()})" if jobs == "auto" else "")
    report(label, count, seconds, f"peak {peak / MIB:.0f} MiB")
    return seconds


def queued(sites: Path, work: Path, max_pages: int) -> float:
    with redis_server(work) as url, ExitStack() as stack:
        workers = [
            subprocess.Popen(
                [*SCANNER, "worker", "--queue", url, "--jobs", "1"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        for worker in workers:
            stack.callback(worker.wait)
            stack.callback(worker.terminate)
        time.sleep(3)  # both ready: the time measured is the batch's, not the workers' start
        start = time.monotonic()
        with peak_memory([worker.pid for worker in workers]) as peaks:
            common = ["-o", str(work / "queued"), "--max-pages", str(max_pages)]
            subprocess.run(
                [*SCANNER, "batch", str(sites), "--queue", url, *common, "--block-third-party"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        seconds = time.monotonic() - start
    memory = ", ".join(f"{peak / MIB:.0f}" for peak in peaks)
    count = len(sites.read_text().split())
    report("scanner batch --queue, 2 workers --jobs 1", count, seconds, f"peak {memory} MiB")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--max-pages", type=int, default=8)
    args = parser.parse_args()
    folders = [ROOT / "fixtures" / "demo", ROOT / "fixtures" / "batch" / "saas"]
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        urls = [
            stack.enter_context(serve_directory(folders[index % 2])) for index in range(args.sites)
        ]
        sites = work / "sites.txt"
        sites.write_text("\n".join(urls) + "\n")
        print(f"{args.sites} local sites, at most {args.max_pages} pages each")
        print(f"load average before: {' '.join(f'{n:.1f}' for n in os.getloadavg())}\n")
        baseline = naive(urls, work, args.max_pages)
        for run in (
            partial(local, sites, work, args.max_pages, "1"),
            partial(local, sites, work, args.max_pages, "auto"),
            partial(queued, sites, work, args.max_pages),
        ):
            print(f"{'':<44} {baseline / run():.2f}x the naive loop")
        print(f"\nload average after: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
