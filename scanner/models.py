"""Typed data passed between the stages: the crawl record, findings and the tracking plan.

Every model is frozen and round-trips through JSON (`model_dump(mode="json")` / `model_validate`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SITE_SCHEMA_VERSION = 1
PLAN_SCHEMA_VERSION = 1

Kind = Literal[
    "add_to_cart",
    "add_to_wishlist",
    "view_cart",
    "begin_checkout",
    "product_page",
    "pricing_link",
    "pricing_page",
    "free_trial",
    "demo_request",
    "quote_request",
    "contact_form",
    "newsletter_form",
    "signup_form",
    "login_form",
    "search_form",
    "video",
    "phone_link",
    "email_link",
    "messaging_link",
    "file_download",
    "booking",
    "chat_widget",
    "store_locator",
    "cart_page",
    "checkout_page",
    "thank_you_page",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]

BusinessType = Literal["ecommerce", "saas", "leadgen", "content", "local"]
Priority = Literal["high", "medium", "low"]
FunnelStage = Literal["awareness", "consideration", "conversion", "retention"]
Conversion = Literal["micro", "macro"]
BUSINESS_TYPES: tuple[str, ...] = BusinessType.__args__  # type: ignore[attr-defined]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- crawl record (site.json) -------------------------------------------------------------


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
    """A form (or an element with role=form / role=search)."""

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


class Frame(Model):
    """An embed recorded by its source: an iframe, a media element or an external script."""

    tag: str = Field(description="iframe, video, audio or script.")
    src: str
    title: str = ""
    selector: str
    visible: bool = True


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


class Expectation(Model):
    """A fixture annotation (data-expect*), kept apart so rules can never read it."""

    selector: str
    expect: list[str] = Field(default_factory=list)
    expect_not: list[str] = Field(default_factory=list)
    expect_todo: list[str] = Field(default_factory=list)


class PageExpectations(Model):
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
    elements: list[Element] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    frames: list[Frame] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list, description="Sorted absolute link targets.")
    tracking: Tracking = Field(default_factory=Tracking)
    expectations: PageExpectations = Field(default_factory=PageExpectations)


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
    skipped_total: int = 0
    skipped: list[SkippedPage] = Field(
        default_factory=list, description="The first 500 skipped addresses, sorted."
    )


class ScanSettings(Model):
    """Options of the scan that later stages need, so `analyze` reproduces `scan` exactly."""

    business_type: str = Field("auto", description="auto or a forced business type.")
    measurement_id: str = Field("", description="GA4 measurement ID, '' for the placeholder.")
    rules: str = Field("", description="Directory of extra rule packs (--rules), '' for none.")


class Site(Model):
    """The replayable crawl record written as site.json."""

    schema_version: int = SITE_SCHEMA_VERSION
    start_urls: list[str]
    settings: ScanSettings = Field(default_factory=ScanSettings)
    pages: list[Page] = Field(default_factory=list, description="Sorted by url.")
    errors: list[CrawlError] = Field(default_factory=list, description="Pages that failed.")
    coverage: Coverage = Field(default_factory=Coverage)


# --- classification ----------------------------------------------------------------------


class Finding(Model):
    """One kind recognised on one element, form, frame or page."""

    page: str
    kind: Kind
    rule: str
    target: Literal["element", "form", "frame", "page"]
    selector: str = Field(description="CSS selector of the element; 'html' for a page finding.")
    text: str
    confidence: float = Field(ge=0, le=1)
    evidence: list[str] = Field(description="Which conditions of the rule matched.")
    snippet: str = ""
    in_iframe: bool = Field(False, description="Inside a same-origin iframe of the page.")


class BusinessTypeGuess(Model):
    type: str
    confidence: float = Field(ge=0, le=1)
    evidence: list[str]
    also: list[str] = Field(
        default_factory=list,
        description="Other business types with strong signals (a SaaS with a blog: content).",
    )


# --- plan --------------------------------------------------------------------------------


class Trigger(Model):
    """How the event is caught in GTM."""

    type: Literal[
        "click", "link_click", "form_submit", "page_view", "custom_event", "enhanced_measurement"
    ]
    description: str
    css_selector: str = Field("", description="For click and form triggers.")
    url_regex: str = Field("", description="For link_click triggers: the link address regex.")
    page_path_regex: str = Field("", description="For page_view triggers.")


class Destinations(Model):
    meta: str = Field("", description="Meta pixel standard event, '' when none fits.")
    google_ads: str = Field("", description="Google Ads conversion category, '' when none.")


class EnhancedMeasurement(Model):
    collected: bool
    note: str = ""


class PlannedEvent(Model):
    event: str = Field(description="GA4 event name.")
    kind: Kind
    title: str
    why: str
    priority: Priority
    funnel_stage: FunnelStage
    conversion: Conversion
    key_event: bool
    trigger: Trigger
    parameters: dict[str, str] = Field(description="GA4 parameter -> where its value comes from.")
    destinations: Destinations
    enhanced_measurement: EnhancedMeasurement
    limitations: str = Field("", description="What a DOM trigger cannot capture.")
    datalayer: str = Field("", description="dataLayer.push snippet for the developers.")
    pages: list[str]
    findings: int = Field(description="How many findings back this event.")
    selectors: list[str]


class Plan(Model):
    schema_version: int = PLAN_SCHEMA_VERSION
    site: str
    measurement_id: str
    business_type: BusinessTypeGuess
    pages_scanned: int
    events: list[PlannedEvent]
    not_seen: list[str] = Field(
        description="Kinds that matter for this business type but were not found on any page."
    )
    existing_tracking: Tracking = Field(
        default_factory=Tracking,
        description="Tracking found on the pages, merged; datalayer holds the event names pushed.",
    )
    measurement_id_source: Literal["option", "site", "placeholder"] = "placeholder"
    crawl_errors: list[CrawlError] = Field(default_factory=list)
    obstacles: list[CrawlError] = Field(
        default_factory=list, description="Pages behind a bot challenge or a login wall."
    )
