"""Measure the classifier on saved real-world pages (../shared/realworld) with their labels.

Each page is served on 127.0.0.1 at its original path (plus a `__rw` query naming the file), so
URL signals stay realistic, and crawled by the real crawler with every other host blocked. Prints
form-type accuracy against forms/labels.json, product-page and add-to-cart recall on
products/, false shopping signals on articles/, and crawl and classify speed.

    python -m bench.realworld [--limit N] [--shared PATH] [--show-errors]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from scanner.analysis.classify import classify_page
from scanner.analysis.rules import load_rules
from scanner.crawl import CrawlOptions, crawl
from scanner.models import Finding, Page, read_site
from scanner.outputs.text import json_text
from scanner.resources import resource_dir
from scanner.serve import LocalServer, reply, running

ROOT = Path(__file__).resolve().parents[1]
# What each publisher label should produce; None: the form must get no form kind at all.
FORM_LABELS: dict[str, str | None] = {
    "search": "search_form",
    "login": "login_form",
    "registration": "signup_form",
    "join mailing list": "newsletter_form",
    "password/login recovery": None,
    "other": None,
    "display options": None,
    "navigation": None,
    "poll": None,
    "captcha": None,
}
FORM_KINDS = {
    "search_form",
    "login_form",
    "signup_form",
    "newsletter_form",
    "contact_form",
    "demo_request",
    "quote_request",
    "booking",
}
SHOPPING_KINDS = {"product_page", "add_to_cart", "cart_page", "checkout_page", "begin_checkout"}


def served_path(original_url: str, page_id: str) -> str:
    parts = urlsplit(original_url)
    query = f"{parts.query}&" if parts.query else ""
    return f"{quote(parts.path or '/')}?{query}__rw={quote(page_id)}"


@contextmanager
def serve_pages(files: dict[str, Path]) -> Iterator[str]:
    """Serve gzip-compressed pages by their `__rw` id on 127.0.0.1."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page_id = parse_qs(urlsplit(self.path).query).get("__rw", [""])[0]
            if page_id not in files:
                self.send_error(404)
                return
            reply(self, gzip.decompress(files[page_id].read_bytes()), "text/html; charset=utf-8")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with running(LocalServer(("127.0.0.1", 0), Handler)) as url:
        yield url.rstrip("/")


def crawl_pages(
    pages: dict[str, tuple[Path, str]], cache: Path | None
) -> tuple[dict[str, Page], float]:
    """Crawl every page once (depth 0); returns pages by id and the seconds it took.

    With a cache file, a previous crawl record is replayed instead (0 seconds)."""
    if cache is not None and cache.exists():
        site = read_site(cache)
        return _by_id(site.pages, pages), 0.0
    files = {page_id: path for page_id, (path, _) in pages.items()}
    with serve_pages(files) as base:
        urls = {base + served_path(url, page_id): page_id for page_id, (_, url) in pages.items()}
        options = CrawlOptions(
            max_pages=len(urls), depth=0, block_third_party=True, timeout_ms=15_000
        )
        started = time.perf_counter()
        site = crawl(sorted(urls), options).site
        seconds = time.perf_counter() - started
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json_text(site.model_dump(mode="json")), encoding="utf-8")
    return _by_id(site.pages, pages), seconds


def _by_id(crawled: list[Page], wanted: dict[str, tuple[Path, str]]) -> dict[str, Page]:
    """Crawled pages by the `__rw` id in their (normalised) address."""
    by_id = {parse_qs(urlsplit(page.requested_url).query)["__rw"][0]: page for page in crawled}
    return {page_id: page for page_id, page in by_id.items() if page_id in wanted}


def form_kinds(page: Page, findings: list[Finding]) -> list[set[str]]:
    """Form kinds found on each <form> of the page, in document order."""
    by_selector: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        if finding.target == "form":
            by_selector[finding.selector].add(finding.kind)
    return [
        by_selector[form.selector] & FORM_KINDS
        for form in page.forms
        if form.snippet.startswith("<form")
    ]


def evaluate_forms(
    shared: Path, limit: int, show: bool, rules: Any, cache: Path | None
) -> dict[str, Any]:
    labels = json.loads((shared / "forms" / "labels.json").read_text())
    names = sorted(labels)[:limit] if limit else sorted(labels)
    pages = {name: (shared / "forms" / f"{name}.gz", labels[name]["url"]) for name in names}
    crawled, seconds = crawl_pages(pages, cache and cache / f"forms-{limit or 'all'}.json")
    started = time.perf_counter()
    per_label: dict[str, Counter[str]] = defaultdict(Counter)
    skipped = 0
    for name in names:
        page = crawled.get(name)
        if page is None:
            skipped += 1
            continue
        predicted = form_kinds(page, classify_page(page, rules))
        expected = labels[name]["forms"]
        if len(predicted) != len(expected):
            skipped += 1  # the rendered DOM does not have the labelled forms
            continue
        for label, kinds in zip(expected, predicted, strict=True):
            if label in ("NOT ANNOTATED", "SKIP THIS FORM"):
                continue
            if label == "contact/comment":
                per_label[label]["contact_form" if "contact_form" in kinds else "other"] += 1
                continue
            if label == "order/add to cart":
                continue
            want = FORM_LABELS[label]
            ok = (want in kinds) if want else not kinds
            per_label[label]["ok" if ok else "wrong"] += 1
            if show and not ok:
                print(f"  {label:>24} -> {sorted(kinds) or '-'}  {name}")
    classify_seconds = time.perf_counter() - started
    return {
        "per_label": per_label,
        "pages": len(names),
        "skipped": skipped,
        "crawl_seconds": seconds,
        "classify_seconds": classify_seconds,
    }


def evaluate_products(shared: Path, rules: Any, show: bool, cache: Path | None) -> dict[str, Any]:
    truth = json.loads((shared / "products" / "ground-truth.json").read_text())
    pages = {
        pid: (shared / "products" / f"{pid}.html.gz", item["url"]) for pid, item in truth.items()
    }
    crawled, _ = crawl_pages(pages, cache and cache / "products.json")
    product_pages = buy_controls = in_stock = 0
    for pid, item in sorted(truth.items()):
        page = crawled.get(pid)
        kinds = {f.kind for f in classify_page(page, rules)} if page else set()
        product_pages += "product_page" in kinds
        if "InStock" in item.get("availability", []):
            in_stock += 1
            buy_controls += "add_to_cart" in kinds
            if show and "add_to_cart" not in kinds:
                print(f"  no add_to_cart: {item['url']}")
        if show and "product_page" not in kinds:
            print(f"  no product_page: {item['url']}")
    return {
        "pages": len(truth),
        "crawled": len(crawled),
        "product_pages": product_pages,
        "in_stock": in_stock,
        "buy_controls": buy_controls,
    }


def evaluate_articles(shared: Path, rules: Any, show: bool, cache: Path | None) -> dict[str, Any]:
    urls = json.loads((shared / "articles" / "urls.json").read_text())
    pages = {
        aid: (shared / "articles" / f"{aid}.html.gz", item["url"]) for aid, item in urls.items()
    }
    crawled, _ = crawl_pages(pages, cache and cache / "articles.json")
    false_shopping: Counter[str] = Counter()
    newsletters = 0
    for aid, page in sorted(crawled.items()):
        kinds = {f.kind for f in classify_page(page, rules)}
        for kind in kinds & SHOPPING_KINDS:
            false_shopping[kind] += 1
            if show:
                print(f"  {kind} on article {urls[aid]['url']}")
        newsletters += "newsletter_form" in kinds
    return {
        "pages": len(urls),
        "crawled": len(crawled),
        "false_shopping": false_shopping,
        "newsletters": newsletters,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, default=0, help="only the first N form pages")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep the crawl records here and replay them on the next run",
    )
    args = parser.parse_args()
    shared = args.shared / "realworld"
    if not (shared / "forms" / "labels.json").is_file():
        parser.error(
            f"no labelled real-world pages in {shared}: give --shared the parent of realworld/"
        )
    rules = load_rules(resource_dir("rules"))

    forms = evaluate_forms(shared, args.limit, args.show_errors, rules, args.cache)
    total_ok = sum(c["ok"] for c in forms["per_label"].values())
    total = sum(c["ok"] + c["wrong"] for c in forms["per_label"].values())
    speed = (
        f"crawl {forms['crawl_seconds']:.0f} s ({forms['pages'] / forms['crawl_seconds']:.1f} "
        "pages/s, 4 at a time)"
        if forms["crawl_seconds"]
        else "crawl replayed from cache"
    )
    print(
        f"forms: {forms['pages']} pages, {forms['skipped']} skipped (form count differs "
        f"offline), {speed}, classify {forms['classify_seconds']:.2f} s"
    )
    for label, counts in sorted(forms["per_label"].items()):
        judged = counts["ok"] + counts["wrong"]
        if judged:
            print(f"  {label:>24}: {counts['ok']}/{judged} = {counts['ok'] / judged:.0%}")
        else:
            print(
                f"  {label:>24}: contact_form on {counts['contact_form']} of "
                f"{sum(counts.values())} (comments are not contact forms)"
            )
    print(f"  {'form-type accuracy':>24}: {total_ok}/{total} = {total_ok / max(total, 1):.1%}")

    products = evaluate_products(shared, rules, args.show_errors, args.cache)
    print(
        f"products: {products['crawled']}/{products['pages']} crawled; "
        f"product_page on {products['product_pages']}/{products['pages']}, "
        f"add_to_cart on {products['buy_controls']}/{products['in_stock']} in-stock pages"
    )
    articles = evaluate_articles(shared, rules, args.show_errors, args.cache)
    shopping = sum(articles["false_shopping"].values())
    print(
        f"articles: {articles['crawled']}/{articles['pages']} crawled; shopping kinds "
        f"wrongly found {shopping} times {dict(articles['false_shopping'])}; "
        f"newsletter_form on {articles['newsletters']}"
    )


if __name__ == "__main__":
    main()
