"""Hostile input, without a browser: every input is bounded by size and time, and what a bound
cut is said; no pattern, rule pack, sitemap, robots.txt or record can hang, exhaust memory or
end in a traceback."""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import time
from pathlib import Path

import pytest

from scanner.analysis.rules import load_rules
from scanner.crawl import CrawlOptions
from scanner.crawl.fetch import Fetcher
from scanner.crawl.frontier import CrawlState
from scanner.crawl.robots import MAX_ROBOTS_BYTES, Robots
from scanner.crawl.scope import Scope, check_url, normalise
from scanner.crawl.sitemaps import MAX_LOCATIONS, MAX_SITEMAP_BYTES, parse_sitemap
from scanner.errors import BadArgument, BadInput
from scanner.patterns import PatternError, compile_pattern
from scanner.resources import resource_dir
from tests.conftest import invoke
from tests.sites import Route, serve

CATASTROPHIC = r"(a+)+$"  # Python's re takes ages on 'aaaa…b'


def extra_rules(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """The bundled rules with one more pack."""
    rules = tmp_path / "rules"
    shutil.copytree(resource_dir("rules"), rules)
    path = rules / name
    path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)
    return rules


def urlset(count: int) -> bytes:
    entries = "".join(f"<url><loc>https://shop.test/p/{n}</loc></url>" for n in range(count))
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>"
    ).encode()


def test_a_gzip_bomb_sitemap_is_read_up_to_its_bound_and_the_cut_is_said() -> None:
    head = urlset(3)[: -len(b"</urlset>")]
    bomb = gzip.compress(head + b" " * (MAX_SITEMAP_BYTES * 4), compresslevel=9)
    assert len(bomb) < MAX_SITEMAP_BYTES // 100  # small on the wire, 200 MB inflated
    started = time.monotonic()
    content = parse_sitemap(bomb)
    assert time.monotonic() - started < 10
    assert content.pages == [f"https://shop.test/p/{n}" for n in range(3)]
    assert "decompressed" in content.cut


def test_a_sitemap_keeps_its_first_50000_addresses_and_says_so() -> None:
    content = parse_sitemap(urlset(MAX_LOCATIONS + 10))
    assert len(content.pages) == MAX_LOCATIONS
    assert f"{MAX_LOCATIONS + 10} addresses" in content.cut


def test_a_sitemap_broken_half_way_gives_what_came_before() -> None:
    content = parse_sitemap(urlset(5)[:-40])
    assert len(content.pages) >= 3 and not content.cut


def test_catastrophic_patterns_run_in_linear_time() -> None:
    started = time.monotonic()
    assert compile_pattern(CATASTROPHIC).search("a" * 100_000 + "b") is None
    assert time.monotonic() - started < 1


def test_patterns_keep_unicode_word_and_digit_classes() -> None:
    assert compile_pattern(r"^\w+ \d$").search("straße ٣")  # Arabic-Indic three
    assert compile_pattern(r"[\w-]+").search("корзина-1")


@pytest.mark.parametrize("pattern", [r"(?!login)", r"(a)\1", r"(?<=x)y"])
def test_look_arounds_and_back_references_are_refused_with_the_reason(pattern: str) -> None:
    with pytest.raises(PatternError, match="not supported: RE2 runs in linear time"):
        compile_pattern(pattern)


def test_a_catastrophic_include_pattern_cannot_hang_the_crawl() -> None:
    scope = Scope.of(["https://shop.test/"], False, (), (CATASTROPHIC,), ())
    started = time.monotonic()
    assert scope.why_not("https://shop.test/" + "a" * 50_000 + "!") == "not matched by --include"
    assert time.monotonic() - started < 1


def test_an_include_pattern_re2_cannot_run_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("scan", "http://127.0.0.1:9/", "-o", str(tmp_path), "--include", "(?!x)")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--include" in result.stderr and "look-arounds" in result.stderr


def test_a_rule_pattern_cannot_hang_the_analysis(tmp_path: Path) -> None:
    rules = extra_rules(
        tmp_path,
        "extra.yaml",
        f"""
description: an extra pack
rules:
  - id: extra/slow
    kind: free_trial
    target: element
    title: t
    why: w
    match: {{text: '{CATASTROPHIC}'}}
""",
    )
    rule = next(r for r in load_rules(rules).rules if r.id == "extra/slow")
    assert rule is not None  # compiled on RE2: matching it is linear in the text


def test_a_rule_with_a_look_around_is_refused_naming_the_rule(tmp_path: Path) -> None:
    rules = extra_rules(
        tmp_path,
        "extra.yaml",
        "description: d\nrules:\n  - id: extra/look\n    kind: free_trial\n    target: element\n"
        "    title: t\n    why: w\n    match: {href: 'github\\.com/(?!login)'}\n",
    )
    with pytest.raises(BadInput) as raised:
        load_rules(rules)
    assert "extra/look" in raised.value.message and "look-arounds" in raised.value.message


def test_a_yaml_alias_bomb_in_a_rule_pack_is_refused_quickly(tmp_path: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]" for n in range(8)
    ]
    rules = extra_rules(tmp_path, "bomb.yaml", "\n".join(levels) + "\nrules: []\n")
    started = time.monotonic()
    with pytest.raises(BadInput, match="alias bomb"):
        load_rules(rules)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"\xff\xfe\x00binary", "not UTF-8"), (b"a: " + b"[" * 5000 + b"]" * 5000, "nested")],
)
def test_rule_packs_that_are_not_text_or_too_deep_are_one_error(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    rules = extra_rules(tmp_path, "odd.yaml", content)
    with pytest.raises(BadInput, match=problem):
        load_rules(rules)


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ('{"schema_version": ' + "9" * 5000 + "}", "a number too long"),
        ('{"pages": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ],
)
def test_site_json_with_huge_numbers_or_deep_nesting_is_one_error(
    tmp_path: Path, record: str, problem: str
) -> None:
    path = tmp_path / "site.json"
    path.write_text(record)
    result = invoke("analyze", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert problem in result.stderr


@pytest.mark.parametrize("url", ["http://[::1/", "http://[not-an-address]/", "http://[::1"])
def test_invalid_ipv6_addresses_are_one_usage_error(url: str, tmp_path: Path) -> None:
    with pytest.raises(BadArgument):
        check_url(url)
    result = invoke("scan", url, "-o", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_ipv6_addresses_keep_their_brackets() -> None:
    assert normalise("http://[::1]:8080/a") == "http://[::1]:8080/a"


def test_invalid_addresses_in_pages_and_sitemaps_are_dropped_not_raised() -> None:
    scope = Scope.of(["https://shop.test/"], False, (), (), ())
    assert scope.why_not(normalise("http://[::1")) == "not a web address"
    assert parse_sitemap(b"<urlset><url><loc>http://[::1</loc></url></urlset>").pages


def fetch(url: str, limit: int, may_contact: object = None) -> object:
    fetcher = Fetcher("test", may_contact or (lambda _: True))  # type: ignore[arg-type]
    return asyncio.run(fetcher.get(url, limit))


def test_python_fetches_check_every_redirect_hop_before_following_it() -> None:
    routes = {
        "/robots.txt": Route(status=302, location="/elsewhere"),
        "/elsewhere": Route("User-agent: *\nDisallow: /private\n", content_type="text/plain"),
        "/to-collect": Route(status=302, location="/g/collect?v=2&en=page_view"),
    }
    with serve(routes) as (base, site):
        assert fetch(base + "/robots.txt", 1000) is not None
        allowed = lambda url: "/collect" not in url  # noqa: E731
        assert fetch(base + "/to-collect", 1000, allowed) is None
        assert site.hits["/g/collect"] == 0  # refused before it was asked for


def test_a_huge_robots_txt_is_read_up_to_500_kib_and_the_cut_is_said() -> None:
    rules = "".join(f"Disallow: /*{n}*x$\n" for n in range(60_000))
    routes = {"/robots.txt": Route(f"User-agent: *\n{rules}", content_type="text/plain")}
    with serve(routes) as (base, _):
        robots = Robots(ignore=False)
        asyncio.run(robots.learn(Fetcher("test", lambda _: True), [base + "/"]))
    assert len(rules) > MAX_ROBOTS_BYTES
    assert robots.cuts == [f"{base}/robots.txt: only its first 500 KiB were read"]
    # and 50,000 sitemap addresses are chosen from in seconds: only those loaded are matched
    listed = [f"{base}/p/{n}" for n in range(50_000)]
    scope = Scope.of([base + "/"], False, (), (), ())
    started = time.monotonic()
    chosen = CrawlState().choose(listed, 1, scope, robots, CrawlOptions(max_pages=30))
    assert len(chosen) == 3 and time.monotonic() - started < 20  # three of template /p/<id>


def test_the_bundled_rules_still_load_on_re2() -> None:
    assert load_rules(resource_dir("rules")).rules


def test_site_json_cuts_are_recorded_in_the_coverage() -> None:
    from scanner.models import Coverage

    assert "cuts" in json.loads(Coverage(cuts=["x"]).model_dump_json())
