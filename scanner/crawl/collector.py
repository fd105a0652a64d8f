"""The in-page collector (snapshot.js) and the one pure function that turns what it returns,
with what the visit saw, into the typed page record."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from pydantic import Field

from scanner.crawl.inventory import vendors
from scanner.crawl.obstacles import obstacle
from scanner.models import (
    Element,
    Expectation,
    Form,
    Frame,
    Model,
    Page,
    PageAnnotations,
    Product,
    Tracking,
)


@cache
def collector_source() -> str:
    """The collector, a function to run in an isolated world: it returns a `Collected` as
    plain JSON."""
    return script("snapshot.js")


@cache
def datalayer_source() -> str:
    """A function to run in the page's own world: its dataLayer entries as JSON text."""
    return script("datalayer.js")


def script(name: str) -> str:
    return files("scanner.crawl").joinpath(name).read_text(encoding="utf-8")


class CollectedAnnotations(Model):
    """Fixture annotations as the collector found them (data-expect*)."""

    page: list[str] = Field(default_factory=list)
    page_not: list[str] = Field(default_factory=list)
    business_type: str = ""
    elements: list[Expectation] = Field(default_factory=list)


class Collected(Model):
    """What snapshot.js returns, validated: the rendered DOM facts of one page."""

    title: str
    text_length: int
    lang: str
    meta: dict[str, str]
    jsonld_types: list[str]
    products: list[Product]
    elements: list[Element]
    forms: list[Form]
    frames: list[Frame]
    links: list[str]
    tracking: Tracking
    expectations: CollectedAnnotations
    cuts: list[str] = Field(default_factory=list)  # what the collector's bounds left out


@dataclass(frozen=True)
class Visit:
    """What the browser saw of a page besides its DOM."""

    requested_url: str
    final_url: str
    status: int
    depth: int
    redirects: list[str]
    consent: str  # the consent option and the button clicked, or ''
    blocked_hits: list[str]  # analytics hits intercepted, host and path
    hit_events: list[str]  # the events those hits sent (ga4:page_view, meta:PageView)
    datalayer: list[str]  # the page's dataLayer entries after load, as JSON text


@dataclass(frozen=True)
class Recorded:
    page: Page
    annotations: PageAnnotations | None  # only for pages that carry annotations
    cuts: list[str]  # what the collector's bounds left out of the page
    shots: dict[str, bytes] = field(default_factory=dict)  # screenshots by file name (shots.py)


def page_record(collected: Collected, visit: Visit) -> Recorded:
    """The page record, its obstacle and tracking inventory, and its annotations kept apart."""
    scripts = [frame.src for frame in collected.frames if frame.tag == "script"]
    tracking = collected.tracking.model_copy(
        update={
            "vendors": vendors(scripts),
            "blocked_hits": sorted(set(visit.blocked_hits)),
            "hit_events": sorted(set(visit.hit_events)),
            "datalayer": visit.datalayer,
        }
    )
    facts = {
        name: value for name, value in collected if name not in ("tracking", "expectations", "cuts")
    }
    page = Page(
        **facts,
        url=visit.final_url,
        requested_url=visit.requested_url,
        redirects=visit.redirects,
        status=visit.status,
        depth=visit.depth,
        obstacle=obstacle(
            visit.status,
            collected.title,
            visit.requested_url,
            visit.final_url,
            [frame.src for frame in collected.frames],
            collected.text_length,
        ),
        consent=visit.consent,
        tracking=tracking,
    )
    found = collected.expectations
    annotated = found.page or found.page_not or found.business_type or found.elements
    annotations = PageAnnotations(url=page.url, **found.model_dump()) if annotated else None
    cuts = [f"{page.url}: {cut}" for cut in collected.cuts]
    return Recorded(page=page, annotations=annotations, cuts=cuts)
