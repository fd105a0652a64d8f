"""Text taken from a page is hostile input: whatever markup it holds reaches the Markdown
outputs as text, never as HTML, a link or reordered characters."""

from __future__ import annotations

import re

import pytest

from scanner.models import CrawlError, Site
from scanner.outputs import datalayer_md, plan_md
from scanner.outputs.markdown import code, fenced, text
from tests.golden import recording, replay

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
LINK = "[win](javascript:alert(1))"
REVERSED = "\u202egpj.exe"


def hostile(site: Site) -> Site:
    """The demo's crawl with markup in a title, a button's text and selector, a dataLayer
    event, a product name and an error message."""
    pages = []
    for page in site.pages:
        elements = [
            element.model_copy(
                update={
                    "text": f"{element.text} {LINK}",
                    "selector": f"{element.selector}{SCRIPT}"
                    if element.tag == "button"
                    else element.selector,
                }
            )
            for element in page.elements
        ]
        tracking = page.tracking.model_copy(
            update={"datalayer": [*page.tracking.datalayer, f'{{"event":"{IMAGE}{REVERSED}"}}']}
        )
        products = [
            p.model_copy(update={"name": f"{p.name} {SCRIPT}{LINK}"}) for p in page.products
        ]
        pages.append(
            page.model_copy(
                update={
                    "title": f"{page.title} {IMAGE}",
                    "elements": elements,
                    "tracking": tracking,
                    "products": products,
                }
            )
        )
    error = CrawlError(url=f"{site.start_urls[0]}{REVERSED}", error=f"failed {SCRIPT} {LINK}")
    return site.model_copy(update={"pages": pages, "errors": [*site.errors, error]})


@pytest.mark.parametrize("output", [plan_md, datalayer_md], ids=["plan.md", "datalayer.md"])
def test_page_markup_reaches_the_markdown_outputs_as_text(output: object) -> None:
    markdown = output.render(replay(hostile(recording("demo"))))  # type: ignore[attr-defined]
    outside_code = "".join(markdown.split("`")[::2])  # code spans and blocks show text as is
    assert "<script" not in outside_code and "<img" not in outside_code
    assert not re.search(r"(?<!\\)\]\(javascript:", outside_code)  # an escaped ] links nothing
    assert "\u202e" not in markdown
    assert "alert(1)" in markdown  # the text is there, shown, not run


def test_markdown_text_escapes_html_links_table_cells_and_line_breaks() -> None:
    assert text(f"a {SCRIPT}") == "a &lt;script&gt;alert(1)&lt;/script&gt;"
    assert text(LINK) == "\\[win\\](javascript:alert(1))"
    assert text("a | b\n# heading") == "a \\| b # heading"
    assert text(REVERSED) == "gpj.exe"
    assert text("on `a[href='/x']` only") == "on `a[href='/x']` only"  # code spans kept


def test_code_spans_and_blocks_cannot_be_closed_by_their_content() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`x") == "`` `x ``"
    assert fenced("x\n```\n<script>", "js") == "````js\nx\n```\n<script>\n````"
