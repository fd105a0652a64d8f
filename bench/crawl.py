"""Crawl speed and coverage: the scanner's crawler against a naive one-page-at-a-time loop.

Generates a local shop of 306 pages (`--shop-pages`) over 11 URL templates, served on
127.0.0.1 with 100-300 ms of latency per page and images on every page, then in the same run:

- crawls it with the naive loop (Playwright, one page at a time, waiting for `load`) and
  with the scanner's crawler (sampling off), and prints pages per second, total time and peak
  memory (Python and Chromium processes together, shared pages counted once);
- under a budget of a tenth of the pages, counts the templates each reaches: the crawler with
  sampling on, and without.

Then, on every mirrored real site of ../shared/sites, the scanner crawls it and the naive loop
loads exactly the pages it recorded, with the same third-party blocking.

    python -m bench.crawl [--part shop|mirrors|all] [--shop-pages N] [--concurrency N]
                          [--block-third-party]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import psutil
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from scanner.crawl import CrawlOptions, crawl
from scanner.crawl.browser import QUIET_ARGS, RENDERER_LIMIT, find_browser, launch_args
from scanner.crawl.scope import Scope
from scanner.serve import LocalServer, reply, running, serve_directory
from scanner.url_templates import template

ROOT = Path(__file__).resolve().parents[1]

CATEGORIES = [f"category-{n}" for n in range(10)]
POSTS = [f"post-{n}-about-things" for n in range(60)]
TAGS = [f"tag-{n}" for n in range(10)]
HELP = [f"help-{n}" for n in range(20)]


def site_links(product_count: int = 200) -> dict[str, list[str]]:
    """Every page of the generated shop (106 pages and the products) and the pages each links
    to: every category lists a tenth of the products."""
    products = [f"product-{n}-handmade-item" for n in range(product_count)]
    per_category = product_count // len(CATEGORIES)
    common = ["/", "/pricing", "/contact", "/cart", "/blog/", "/help/"]
    pages: dict[str, list[str]] = {
        "/": common + [f"/category/{c}" for c in CATEGORIES],
        "/pricing": common,
        "/contact": common,
        "/cart": common,
        "/blog/": common + [f"/blog/{p}" for p in POSTS],
        "/help/": common + [f"/help/{h}" for h in HELP],
    }
    for index, category in enumerate(CATEGORIES):
        listed = products[index * per_category : (index + 1) * per_category]
        pages[f"/category/{category}"] = common + [f"/products/{p}" for p in listed]
    for index, product in enumerate(products):
        related = [products[(index + step) % len(products)] for step in (1, 2, 3)]
        pages[f"/products/{product}"] = common + [f"/products/{r}" for r in related]
    for index, post in enumerate(POSTS):
        following = POSTS[(index + 1) % len(POSTS)]
        pages[f"/blog/{post}"] = [*common, f"/blog/{following}", f"/blog/tag/{TAGS[index % 10]}"]
    for tag in TAGS:
        pages[f"/blog/tag/{tag}"] = common + [f"/blog/{p}" for p in POSTS[:5]]
    for item in HELP:
        pages[f"/help/{item}"] = common
    return pages


def latency(path: str) -> float:
    return 0.1 + (zlib.crc32(path.encode()) % 200) / 1000


@contextmanager
def serve_shop(product_count: int = 200) -> Iterator[str]:
    pages = site_links(product_count)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path.startswith("/img/"):
                time.sleep(0.05)
                reply(self, b"\x89PNG\r\n\x1a\n" + b"\0" * 2048, "image/png")
            elif path in pages:
                time.sleep(latency(path))
                links = "".join(f'<a href="{link}">{link}</a> ' for link in pages[path])
                images = "".join(f'<img src="/img/{path.strip("/")}-{n}.png">' for n in range(3))
                body = f"<!doctype html><title>{path}</title><main>{images}{links}</main>"
                reply(self, body.encode(), "text/html; charset=utf-8")
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(LocalServer(("127.0.0.1", 0), Handler)) as url:
        yield url


@contextmanager
def peak_memory(roots: list[int] | None = None) -> Iterator[list[int]]:
    """Samples the memory of each root process and its children (Chromium) every 0.5 s (by
    default of this process); the list holds each root's peak in bytes when the block ends."""
    pids = roots or [os.getpid()]
    peaks = [0] * len(pids)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for index, pid in enumerate(pids):
                peaks[index] = max(peaks[index], tree_memory(pid))
            stop.wait(0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        stop.set()
        thread.join()


def tree_memory(root: int) -> int:
    """The proportional set size of a process and all its descendants: each shared page is
    counted once across them (summing resident sizes would count Chromium's shared memory in
    every one of its processes); resident size where PSS is not available."""
    total = 0
    try:
        processes = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        with suppress(psutil.Error):
            info = process.memory_full_info()
            total += getattr(info, "pss", info.rss)
    return total


def naive_args(start: str, block_third_party: bool) -> list[str]:
    """Chromium as Playwright launches it (images and all) on the scanner's resolver rules:
    collection hosts resolve nowhere, and with `block_third_party` no host but the site's."""
    site_only = Scope.of([start]) if block_third_party else None
    return [arg for arg in launch_args(site_only) if arg not in (*QUIET_ARGS, RENDERER_LIMIT)]


async def naive_crawl(
    start: str, max_pages: int, only: list[str] | None = None, block_third_party: bool = False
) -> tuple[int, int]:
    """The loop everyone writes first: one tab, one page at a time, wait for `load`, read the
    links. With `only`, exactly those pages (the ones another crawl recorded), in that order.
    The pages it went through, and of those the ones that failed (a page that navigates itself
    away breaks the next `goto` too, which then costs next to nothing)."""
    async with async_playwright() as playwright:
        path = find_browser(None, dict(os.environ), playwright.chromium.executable_path)
        browser = await playwright.chromium.launch(
            executable_path=path, args=naive_args(start, block_third_party)
        )
        page = await browser.new_page()
        queue = list(only) if only is not None else [start]
        seen, done, failed = set(queue), 0, 0
        while queue and done < max_pages:
            url = queue.pop(0)
            hrefs: list[str] = []
            try:  # a page that breaks costs its time, like any other
                await page.goto(url, wait_until="load", timeout=30_000)
                hrefs = await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            except PlaywrightError:
                failed += 1
            done += 1
            for href in hrefs if only is None else ():
                target = urljoin(url, href).split("#")[0]
                if target.startswith(start) and target not in seen:
                    seen.add(target)
                    queue.append(target)
        await browser.close()
        return done, failed


def measure(label: str, run: Any) -> None:
    with peak_memory() as peak:
        started = time.perf_counter()
        pages = run()
        seconds = time.perf_counter() - started
    print(
        f"{label:<44} {pages:>4} pages  {seconds:6.1f} s  {pages / seconds:5.1f} pages/s  "
        f"peak {peak[0] / 2**20:5.0f} MiB"
    )


def mirror_times(folder: Path, start: str, options: CrawlOptions) -> tuple[int, float, float, int]:
    """Pages, scanner seconds, naive seconds and the pages the naive loop failed on one
    mirrored site: the scanner crawls it, then the naive loop loads exactly the pages it
    recorded, with the same third-party blocking."""
    with serve_directory(folder) as base:
        started = time.perf_counter()
        site = crawl([base.rstrip("/") + start], options).site
        scanner_s = time.perf_counter() - started
        pages = [page.url for page in site.pages]
        started = time.perf_counter()
        _, failed = asyncio.run(naive_crawl(base, len(pages), pages, options.block_third_party))
        return len(pages), scanner_s, time.perf_counter() - started, failed


def compare_on_mirrors(shared: Path, options: CrawlOptions) -> None:
    """Every mirrored site of ../shared/sites, and their sum."""
    blocking = "blocked" if options.block_third_party else "allowed"
    print(
        f"mirrors of {shared / 'sites'}: at most {options.max_pages} pages each, third parties "
        f"{blocking} on both sides"
    )
    pages, scanner_s, naive_s, failed = 0, 0.0, 0.0, 0
    for plan in sorted((shared / "sites").glob("*.json")):
        start = json.loads(plan.read_text())["start"]
        times = mirror_times(plan.with_suffix(""), start, options)
        pages, scanner_s, naive_s = pages + times[0], scanner_s + times[1], naive_s + times[2]
        failed += times[3]
        print(
            f"  {plan.stem:<12} {times[0]:>3} pages  scanner {times[1]:5.1f} s  "
            f"naive {times[2]:5.1f} s  {times[2] / times[1]:4.1f}x"
            + (f"  (naive failed {times[3]})" if times[3] else "")
        )
    print(
        f"  {'all':<12} {pages:>3} pages  scanner {scanner_s:5.1f} s ({pages / scanner_s:.1f} "
        f"pages/s)  naive {naive_s:5.1f} s ({pages / naive_s:.1f} pages/s)  "
        f"{naive_s / scanner_s:4.1f}x  (naive failed {failed} pages)"
    )


def compare_on_shop(concurrency: int | None, product_count: int) -> None:
    links = site_links(product_count)
    total = len(links)
    templates = {template(f"http://h{path}") for path in links}
    print(f"site: {total} pages, {len(templates)} templates, 100-300 ms per page, 3 images each")
    with serve_shop(product_count) as url:
        measure(
            "naive loop (one page at a time, load)",
            lambda: asyncio.run(naive_crawl(url, total))[0],
        )
        options = CrawlOptions(
            max_pages=total, depth=50, concurrency=concurrency, sample_per_template=0
        )
        measure(
            f"scanner crawler (concurrency {concurrency or 'auto'}, no sampling)",
            lambda: len(crawl([url], options).site.pages),
        )
        budget = max(1, total // 10)
        for sample in (3, 0):
            site = crawl(
                [url],
                CrawlOptions(
                    max_pages=budget, depth=50, concurrency=concurrency, sample_per_template=sample
                ),
            ).site
            reached = {template(page.url) for page in site.pages}
            label = f"sampling {sample} per template" if sample else "no sampling"
            print(
                f"budget {budget} pages, {label:<26}: {len(reached)}/{len(templates)} "
                "templates reached"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=CrawlOptions().concurrency)
    parser.add_argument("--part", choices=("shop", "mirrors", "all"), default="all")
    parser.add_argument("--shop-pages", type=int, default=306, help="pages of the shop (>= 116)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--max-pages", type=int, default=30, help="per mirrored site")
    parser.add_argument("--block-third-party", action="store_true", help="on the mirrors")
    args = parser.parse_args()
    if args.part in ("shop", "all"):
        compare_on_shop(args.concurrency, args.shop_pages - 106)
    if args.part in ("mirrors", "all"):
        options = CrawlOptions(
            max_pages=args.max_pages,
            concurrency=args.concurrency,
            ignore_robots=True,
            block_third_party=args.block_third_party,
        )
        compare_on_mirrors(args.shared, options)


if __name__ == "__main__":
    main()
