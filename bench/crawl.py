"""Crawl speed and coverage: the scanner's crawler against a naive one-page-at-a-time loop.

Generates a local shop of about 300 pages over 9 URL templates, served on 127.0.0.1 with
100-300 ms of latency per page and images on every page, then in the same run:

- crawls it with the naive loop (Playwright, one page at a time, waiting for network idle) and
  with the scanner's crawler (sampling off), and prints pages per second, total time and peak
  memory (Python and Chromium processes together);
- under a budget of a tenth of the pages, counts the templates each reaches: the crawler with
  sampling on, and without.

    python -m bench.crawl [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import async_playwright

from scanner.crawl import CrawlOptions, crawl
from scanner.crawl.browser import find_browser, launch_args
from scanner.serve import LocalServer, reply, running
from scanner.url_templates import template

CATEGORIES = [f"category-{n}" for n in range(10)]
PRODUCTS = [f"product-{n}-handmade-item" for n in range(200)]
POSTS = [f"post-{n}-about-things" for n in range(60)]
TAGS = [f"tag-{n}" for n in range(10)]
HELP = [f"help-{n}" for n in range(20)]


def site_links() -> dict[str, list[str]]:
    """Every page of the generated shop and the pages it links to."""
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
        products = PRODUCTS[index * 20 : index * 20 + 20]
        pages[f"/category/{category}"] = common + [f"/products/{p}" for p in products]
    for index, product in enumerate(PRODUCTS):
        related = [PRODUCTS[(index + step) % len(PRODUCTS)] for step in (1, 2, 3)]
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
def serve_shop() -> Iterator[str]:
    pages = site_links()

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
def peak_memory() -> Iterator[list[int]]:
    """Samples the resident memory of this process and its children (Chromium) every 0.1 s;
    the list holds the peak in bytes when the block ends."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(os.getpid()))
            stop.wait(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def tree_rss(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


async def naive_crawl(start: str, max_pages: int) -> int:
    """The loop everyone writes first: one tab, one page at a time, wait for network idle."""
    async with async_playwright() as playwright:
        path = find_browser(None, dict(os.environ), playwright.chromium.executable_path)
        browser = await playwright.chromium.launch(executable_path=path, args=launch_args())
        page = await browser.new_page()
        queue, seen, done = [start], {start}, 0
        while queue and done < max_pages:
            url = queue.pop(0)
            await page.goto(url, wait_until="networkidle")
            done += 1
            for href in await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                target = urljoin(url, href).split("#")[0]
                if target.startswith(start) and target not in seen:
                    seen.add(target)
                    queue.append(target)
        await browser.close()
        return done


def measure(label: str, run: Any) -> None:
    with peak_memory() as peak:
        started = time.perf_counter()
        pages = run()
        seconds = time.perf_counter() - started
    print(
        f"{label:<44} {pages:>4} pages  {seconds:6.1f} s  {pages / seconds:5.1f} pages/s  "
        f"peak {peak[0] / 2**20:5.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    total = len(site_links())
    templates = {template(f"http://h{path}") for path in site_links()}
    print(f"site: {total} pages, {len(templates)} templates, 100-300 ms per page, 3 images each")
    with serve_shop() as url:
        measure(
            "naive loop (one page at a time, networkidle)",
            lambda: asyncio.run(naive_crawl(url, total)),
        )
        options = CrawlOptions(
            max_pages=total, depth=50, concurrency=args.concurrency, sample_per_template=0
        )
        measure(
            f"scanner crawler (concurrency {args.concurrency}, no sampling)",
            lambda: len(crawl([url], options).site.pages),
        )
        budget = max(1, total // 10)
        for sample in (3, 0):
            site = crawl(
                [url],
                CrawlOptions(
                    max_pages=budget,
                    depth=50,
                    concurrency=args.concurrency,
                    sample_per_template=sample,
                ),
            ).site
            reached = {template(page.url) for page in site.pages}
            label = f"sampling {sample} per template" if sample else "no sampling"
            print(
                f"budget {budget} pages, {label:<26}: {len(reached)}/{len(templates)} "
                "templates reached"
            )


if __name__ == "__main__":
    main()
