"""The parts of a batch that need no browser: the site list and its errors, folder names, the
machine's bound, the done markers, the files a worker sends back, and the index."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from scanner.batch.folders import check_folders, finish, finished, pack, staging, unpack
from scanner.batch.machine import sites_at_once
from scanner.batch.site_scan import scan_command
from scanner.batch.sites import Defaults, folder_name, read_sites
from scanner.errors import BadInput, OutputNotWritable
from scanner.models import IndexRow, SiteEntry, SiteOutcome
from scanner.outputs.batch_index import render_csv, render_html
from tests.conftest import invoke

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_three_list_formats_give_the_same_sites(tmp_path: Path) -> None:
    text = write(
        tmp_path,
        "sites.txt",
        "# clients\nhttps://Shop.Example/\n\n  https://example.org/de/  \n",
    )
    table = write(
        tmp_path,
        "sites.csv",
        "url,type,measurement_id,meta_pixel_id,google_ads_id,max_pages,consent,time_budget\n"
        "https://shop.example/,ecommerce,G-ABC1234,123456789,AW-1234567,5,reject,90\n"
        "https://example.org/de/,,,,,,,\n",
    )
    listed = write(
        tmp_path,
        "sites.yaml",
        "- url: https://shop.example/\n  type: ecommerce\n  measurement-id: G-ABC1234\n"
        "  meta_pixel_id: '123456789'\n  google_ads_id: AW-1234567\n  max_pages: 5\n"
        "  consent: reject\n  time_budget: 90\n- https://example.org/de/\n",
    )
    defaults = Defaults(max_pages=7, time_budget=60, block_third_party=True)
    plain = read_sites(text, defaults)
    assert [(e.url, e.folder, e.max_pages, e.time_budget) for e in plain] == [
        ("https://shop.example/", "shop.example", 7, 60),
        ("https://example.org/de/", "example.org-de", 7, 60),
    ]
    assert read_sites(table, defaults) == read_sites(listed, defaults)
    shop = read_sites(table, defaults)[0]
    assert shop == SiteEntry(
        url="https://shop.example/",
        folder="shop.example",
        business_type="ecommerce",
        measurement_id="G-ABC1234",
        meta_pixel_id="123456789",
        google_ads_id="AW-1234567",
        max_pages=5,
        consent="reject",
        time_budget=90,
        block_third_party=True,
    )
    assert scan_command(shop, Path("out"))[3:] == [
        *("scan", "https://shop.example/", "-o", "out", "--max-pages", "5"),
        *("--consent", "reject", "--type", "ecommerce", "--measurement-id", "G-ABC1234"),
        *("--meta-pixel-id", "123456789", "--google-ads-id", "AW-1234567"),
        "--block-third-party",
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.csv", "url,measurement_id\nhttps://a.example/,UA-1\n", "2, measurement_id: 'UA-1'"),
        ("a.csv", "url,colour\nhttps://a.example/,red\n", "line 1: unknown field 'colour'"),
        ("a.csv", "type\nsaas\n", "line 1: the header row has no 'url' column"),
        ("a.csv", "url,max_pages\nhttps://a.example/,many\n", "line 2, max_pages: input should"),
        ("a.csv", "url,max_pages\nhttps://a.example/,0\n", "line 2, max_pages: input should"),
        ("a.csv", "url\nhttps://a.example/,x\n", "line 2: 2 cells for 1 columns"),
        ("a.yaml", "- https://a.example/\n- {url: 'https://b.example/', type: shop}\n", "2, type"),
        ("a.yaml", "- https://a.example/\n- url: https://b.example/\n  consent: maybe\n", "line 2"),
        ("a.yaml", "- https://a.example/\n- {type: saas}\n", "line 2, url: missing"),
        ("a.yaml", "url: https://a.example/\n", "a YAML site list is a list"),
        ("a.yaml", "- [https://a.example/\n", "not valid YAML"),
        ("a.txt", "https://a.example/\nftp://b.example/\n", "line 2, url: 'ftp://b.example/'"),
        ("a.txt", "https://a.example/\n# again\nhttps://A.example\n", "line 3, url: https://a"),
        ("a.txt", "# nothing\n\n", "no site listed"),
    ],
)
def test_a_bad_list_is_one_error_naming_the_line_and_the_field(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(BadInput) as error:
        read_sites(write(tmp_path, name, text), Defaults())
    assert message in error.value.message
    assert str(tmp_path / name) in error.value.message


def test_the_command_line_reports_a_bad_list_in_one_line(tmp_path: Path) -> None:
    sites = write(tmp_path, "a.csv", "url,type\nhttps://a.example/,shop\n")
    result = invoke("batch", str(sites), "-o", str(tmp_path / "out"))
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "line 2, type: 'shop' is not one of auto, ecommerce" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--queue", "http://127.0.0.1:1/"], 2, "is not a Redis URL"),
        (["--queue", "redis://127.0.0.1:1/0"], 8, "cannot reach the queue at redis://127.0.0.1:1"),
        (["--queue", "redis://127.0.0.1:1/0", "--jobs", "2"], 2, "--jobs is for this machine"),
        (["--jobs", "0"], 2, "is not a number of sites"),
    ],
)
def test_bad_queue_options_are_one_error(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    sites = write(tmp_path, "sites.txt", "https://a.example/\n")
    result = invoke("batch", str(sites), "-o", str(tmp_path / "out"), *args)
    assert (result.returncode, result.stderr.count("\n")) == (code, 1), result.stderr
    assert message in result.stderr


def test_folder_names_are_safe_stable_and_distinct(tmp_path: Path) -> None:
    urls = [
        "https://www.example.com/",
        "http://127.0.0.1:8080/",
        "https://example.com/de/",
        "https://example.com/de",
        "https://example.com/?lang=de",
        "https://bücher.example/",
        "http://index.html/",
        "https://" + "a" * 90 + ".example/x",
        "https://example.com/..%2F..%2Fetc/",
    ]
    sites = write(tmp_path, "sites.txt", "\n".join(urls))
    folders = [entry.folder for entry in read_sites(sites, Defaults())]
    assert folders[:3] == ["www.example.com", "127.0.0.1_8080", "example.com-de-a0637b29"]
    assert len(set(folders)) == len(folders)
    for folder in folders:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", folder), folder
        assert folder not in ("index.html", "summary.csv") and ".." not in folder.split("/")
    assert folder_name("https://www.example.com/") == "www.example.com"


def test_sites_at_once_follow_the_processors_and_the_memory() -> None:
    gib = 2**30
    assert sites_at_once(2, 24 * gib) == 2
    assert sites_at_once(16, 3 * gib) == 3
    assert sites_at_once(4, gib // 10) == 1
    assert sites_at_once() >= 1


def entry(folder: str = "shop.example") -> SiteEntry:
    return SiteEntry(url=f"https://{folder}/", folder=folder)


def test_a_site_is_finished_once_its_marker_is_in_place(tmp_path: Path) -> None:
    shop = entry()
    staged = staging(tmp_path, shop)
    (staged / "shots").mkdir(parents=True)
    (staged / "plan.md").write_text("# plan\n")
    (staged / "shots" / "a.png").write_bytes(b"\x89PNG")
    assert finished(tmp_path, shop) is None
    record = finish(tmp_path, shop, SiteOutcome(status="done", pages=3), staged)
    assert finished(tmp_path, shop) == record
    assert (tmp_path / "shop.example" / "shots" / "a.png").read_bytes() == b"\x89PNG"
    assert finished(tmp_path, shop.model_copy(update={"max_pages": 50})) is None
    again = staging(tmp_path, shop)
    finish(tmp_path, shop, SiteOutcome(status="failed", error="gone"), again)
    assert sorted(p.name for p in (tmp_path / "shop.example").iterdir()) == ["batch.json"]
    (tmp_path / "blog.example").mkdir()
    with pytest.raises(OutputNotWritable, match="was not written by scanner batch"):
        check_folders(tmp_path, [shop, entry("blog.example")])


def test_a_packed_folder_comes_back_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "shots").mkdir(parents=True)
    (source / "site.json").write_text('{"pages": []}\n' * 1000)
    (source / "shots" / "home-1.png").write_bytes(bytes(range(256)))
    packed = pack(source)
    assert list(packed) == ["shots/home-1.png", "site.json"] and packed == pack(source)
    unpack(packed, tmp_path / "copy")
    assert (tmp_path / "copy" / "shots" / "home-1.png").read_bytes() == bytes(range(256))
    assert (tmp_path / "copy" / "site.json").read_text() == '{"pages": []}\n' * 1000
    for name in ("../evil", "/etc/evil", "shots/../../evil"):
        with pytest.raises(BadInput, match="outside its site's folder"):
            unpack({name: packed["site.json"]}, tmp_path / "copy")


def rows() -> list[IndexRow]:
    hostile = SiteOutcome(status="failed", error=f'=HYPERLINK("http://x") {HOSTILE}')
    done = SiteOutcome(
        status="done", business_type="ecommerce", pages=5, key_signals=["add_to_cart"], events=9
    )
    return [
        IndexRow(entry=entry(), outcome=done, files=["plan.md", "gtm-container.json"]),
        IndexRow(entry=entry("evil.example"), outcome=hostile),
        IndexRow(entry=entry("later.example"), outcome=None),
    ]


def test_the_index_shows_hostile_text_as_text() -> None:
    html = render_html(rows())
    assert HOSTILE not in html and "<script>" not in html.split("</style>", 1)[1]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert '<a href="shop.example/plan.md">plan.md</a>' in html
    assert "1 done, 0 partial, 1 failed, 1 not finished" in html
    assert render_html(rows()) == html


def test_the_summary_has_a_row_per_site_and_no_formula() -> None:
    table = list(csv.DictReader(io.StringIO(render_csv(rows()))))
    assert [row["status"] for row in table] == ["done", "failed", "not finished"]
    assert table[0]["key_signals"] == "add_to_cart" and table[0]["pages"] == "5"
    assert table[1]["error"].startswith("'=HYPERLINK")
    assert "run it again" in table[2]["error"]
