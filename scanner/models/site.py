"""The crawl record written as site.json: what the browser saw on each page, and the crawl's
coverage. Fixture annotations are kept in `Site.annotations`, apart from the pages rules read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scanner.models.vocabulary import BusinessType, ContainerEvents, Model

SITE_SCHEMA_VERSION = 2


class Element(Model):
    """A clickable candidate (link, button, submit input, element with a button role)."""

    tag: str = Field(description="Lower-case tag name.")
    text: str = Field(description="Accessible name: aria-label(ledby), inner text, title, alt.")
    role: str = Field("", description="Explicit role attribute, or '' when none.")
    attrs: dict[str, str] = Field(default_factory=dict, description="Selected attributes.")
    href: str = Field("", description="Absolute link target for links, '' otherwise.")
    visible: bool = Field(description="Rendered with a non-empty box and not hidden by CSS.")
    landmark: str = Field(
        "",
        description="Closest landmark: nav, header, footer, main, aside; iframe when inside "
        "a same-origin iframe (the selector is then the iframe's).",
    )
    form: int = Field(-1, description="Index into the page's forms when inside one, else -1.")
    selector: str = Field(description="A CSS selector that matches this element on its page.")
    snippet: str = Field(description="Opening tag and text, at most 300 characters.")


class FormField(Model):
    """One control of a form."""

    tag: str
    type: str = Field("", description="input type, or the tag for select/textarea.")
    name: str = ""
    id: str = ""
    label: str = Field("", description="Associated label, aria-label or placeholder text.")
    autocomplete: str = ""
    required: bool = False
    visible: bool = True


class Form(Model):
    """A form (or an element with role=form / role=search, or a box of fields and their button
    that no form holds)."""

    selector: str
    id: str = ""
    name: str = ""
    action: str = Field("", description="Absolute action URL, '' when the form has none.")
    method: str = "get"
    classes: str = ""
    role: str = ""
    fields: list[FormField] = Field(default_factory=list)
    submit_text: str = Field("", description="Text of the submit control.")
    heading: str = Field("", description="The closest heading or legend before the form.")
    visible: bool = True
    landmark: str = ""
    snippet: str = ""
    formless: bool = Field(
        False,
        description="No <form> holds it (a script sends what it asks); `selector` is then its "
        "button's, which a click trigger catches: no form submission ever fires.",
    )


class Frame(Model):
    """An embed recorded by its source: an iframe, a media element or an external script."""

    tag: str = Field(description="iframe, video, audio or script.")
    src: str
    title: str = ""
    selector: str
    visible: bool = True


class Product(Model):
    """A product the page describes in its structured data (JSON-LD or microdata)."""

    name: str
    sku: str = ""
    price: str = Field("", description="As the page writes it (the first offer's).")
    currency: str = ""
    brand: str = ""
    category: str = ""


class Tracking(Model):
    """Tracking already on the page, and the analytics hits the crawl kept from being sent."""

    gtm: list[str] = Field(default_factory=list, description="GTM container IDs.")
    ga4: list[str] = Field(default_factory=list, description="GA4 measurement IDs.")
    google_ads: list[str] = Field(default_factory=list, description="Google Ads (AW-) IDs.")
    universal_analytics: list[str] = Field(default_factory=list, description="UA- IDs (dead).")
    meta_pixel: list[str] = Field(default_factory=list, description="Meta pixel IDs.")
    vendors: list[str] = Field(default_factory=list, description="Other tools, by script host.")
    datalayer: list[str] = Field(
        default_factory=list, description="dataLayer entries after load, as JSON (first 50)."
    )
    blocked_hits: list[str] = Field(
        default_factory=list, description="Collection requests intercepted, host and path."
    )
    hit_events: list[str] = Field(
        default_factory=list,
        description="The events those requests sent: ga4:<event name>, meta:<event name>.",
    )


class Expectation(Model):
    """A fixture annotation on one element: the kinds it must, must not, and should one day
    get (data-expect, data-expect-not, data-expect-todo)."""

    selector: str
    expect: list[str] = Field(default_factory=list)
    expect_not: list[str] = Field(default_factory=list)
    expect_todo: list[str] = Field(default_factory=list)


class PageAnnotations(Model):
    """The annotations of one fixture page. The collector strips them from the DOM, and they are
    kept beside the pages, never in them, so no rule can read them."""

    url: str = Field(description="The annotated page (Page.url).")
    page: list[str] = Field(default_factory=list, description="data-expect-page on <body>.")
    page_not: list[str] = Field(default_factory=list)
    business_type: str = Field("", description="<meta name=scanner-expect-type>.")
    elements: list[Expectation] = Field(default_factory=list)


class Page(Model):
    """What the browser saw on one page after it rendered."""

    url: str = Field(description="The page address after redirects.")
    requested_url: str = Field(description="The address the crawler asked for.")
    redirects: list[str] = Field(default_factory=list, description="Addresses redirected from.")
    status: int
    depth: int
    title: str = ""
    lang: str = ""
    text_length: int = Field(0, description="Characters of visible text.")
    obstacle: str = Field(
        "", description="Why this is not the site's content (bot challenge, login wall), or ''."
    )
    consent: str = Field("", description="The consent banner button clicked, or ''.")
    meta: dict[str, str] = Field(default_factory=dict, description="og:type, generator...")
    jsonld_types: list[str] = Field(default_factory=list, description="Sorted schema.org types.")
    products: list[Product] = Field(
        default_factory=list, description="Products in its structured data (the first 5)."
    )
    elements: list[Element] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    frames: list[Frame] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list, description="Sorted absolute link targets.")
    tracking: Tracking = Field(default_factory=Tracking)
    shots: dict[str, str] = Field(
        default_factory=dict,
        description="Screenshots of its controls and forms: selector -> file name in shots/.",
    )


class CrawlError(Model):
    url: str
    error: str


class TemplateCoverage(Model):
    template: str = Field(description="URL template, e.g. shop.com/products/<slug>.")
    found: int = Field(description="Distinct in-scope addresses of this template seen.")
    crawled: int


class SkippedPage(Model):
    url: str
    reason: str


class RobotsReport(Model):
    host: str
    found: bool = Field(description="Whether the host has a robots.txt.")
    crawl_delay: float = Field(0, description="Seconds waited between requests to the host.")
    sitemaps: list[str] = Field(default_factory=list)


class Coverage(Model):
    """What the crawl reached and what it left out, and why."""

    pages_found: int = 0
    pages_crawled: int = 0
    sitemap_pages: int = Field(0, description="Page addresses read from sitemaps.")
    ignore_robots: bool = False
    templates: list[TemplateCoverage] = Field(default_factory=list)
    robots: list[RobotsReport] = Field(default_factory=list)
    cuts: list[str] = Field(
        default_factory=list,
        description="Inputs read only in part at a bound (a huge sitemap, robots.txt or page), "
        "and what was left out.",
    )
    skipped_total: int = 0
    skipped: list[SkippedPage] = Field(
        default_factory=list, description="The first 500 skipped addresses, sorted."
    )


class AnalysisOptions(Model):
    """The options of everything after the crawl, recorded in site.json so that `analyze`
    reproduces a scan exactly."""

    business_type: Literal["auto", BusinessType] = Field(
        "auto", description="auto, or the business type to assume."
    )
    measurement_id: str = Field("", description="GA4 measurement ID, '' for the placeholder.")
    rules: str = Field("", description="Directory of extra rule packs (--rules), '' for none.")
    events: ContainerEvents = Field(
        "recommended", description="The tiers the GTM container tags (recommended: key too)."
    )
    meta_pixel_id: str = Field("", description="Meta pixel ID: adds the Meta tags, '' for none.")
    google_ads_id: str = Field(
        "", description="Google Ads ID (AW-...): adds the conversion tags, '' for none."
    )


class Site(Model):
    """The replayable crawl record written as site.json."""

    schema_version: int = SITE_SCHEMA_VERSION
    start_urls: list[str]
    settings: AnalysisOptions = Field(default_factory=AnalysisOptions)
    pages: list[Page] = Field(default_factory=list, description="Sorted by url.")
    errors: list[CrawlError] = Field(default_factory=list, description="Pages that failed.")
    coverage: Coverage = Field(default_factory=Coverage)
    annotations: list[PageAnnotations] = Field(
        default_factory=list, description="Fixture annotations of annotated pages, by url."
    )
