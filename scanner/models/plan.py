"""The tracking plan: decisions (which events, how each is triggered, with which parameters and
destinations) and the evidence behind them. The words that explain a decision (trigger
descriptions, limitations, developer snippets) are generated from it by scanner/outputs.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from scanner.models.findings import BusinessTypeGuess
from scanner.models.site import CrawlError, Product, Tracking
from scanner.models.vocabulary import ContainerEvents, Conversion, FunnelStage, Kind, Model

PLAN_SCHEMA_VERSION = 2
# A selector that locates a control by its position in the page (an nth-of-type path) may hit
# other controls on other pages, and breaks when the layout changes.
POSITIONAL_SELECTOR = re.compile(r":nth-of-type|\s>\s")

TriggerType = Literal[
    "click", "link_click", "form_submit", "page_view", "custom_event", "enhanced_measurement"
]
Tier = Literal["key", "recommended", "optional"]
# The listener tags the container can ship (scanner/outputs/gtm/listeners.py).
ListenerName = Literal["", "html5_video", "chat", "calendly"]
TIERS: tuple[str, ...] = Tier.__args__  # type: ignore[attr-defined]
# seen: the crawl found it; not seen: planned, but the crawl found nothing of it (added by hand,
# or out of the crawl's reach); gone: planned, found by the plan's previous crawl and not by this
# one (its elements disappeared); new: proposed by this scan, not in the plan it was given.
EventStatus = Literal["seen", "not seen", "gone", "new"]


class PageSelectors(Model):
    """Selectors kept for one page: no stable selector fits these controls across the site."""

    path: str
    selectors: list[str]


class TriggerSpec(Model):
    """How GTM catches the event; the one place the container reads it from."""

    type: TriggerType
    selectors: list[str] = Field(
        default_factory=list,
        description="click and form_submit: CSS selectors of the controls on every page.",
    )
    scoped: list[PageSelectors] = Field(
        default_factory=list,
        description="click and form_submit: the page's own selectors of controls no stable "
        "selector fits, each trigger limited to its page.",
    )
    buttons: list[str] = Field(
        default_factory=list,
        description="form_submit: CSS selectors of the buttons of the kind's boxes no <form> "
        "holds (a script sends them), caught by a click on them on every page.",
    )
    scoped_buttons: list[PageSelectors] = Field(
        default_factory=list,
        description="form_submit: the page's own selectors of such buttons no stable selector "
        "fits, each click trigger limited to its page.",
    )
    pushed_by: Literal["", "frame", "site", "listener"] = Field(
        "",
        description="custom_event: who pushes the dataLayer event: the embedded frame's API or "
        "GTM, the site's own code, or a listener tag the container ships.",
    )
    listener: ListenerName = Field("", description="pushed_by listener: which one.")
    url_regex: str = Field("", description="link_click: the link address regex (any case).")
    page_path_regex: str = Field("", description="page_view: the page path regex.")

    def button_selectors(self) -> list[str]:
        """The selectors of its boxes' buttons, for every page and each page's own."""
        return self.buttons + [s for scope in self.scoped_buttons for s in scope.selectors]

    def positional_selectors(self) -> list[str]:
        every = self.selectors + [s for scope in self.scoped for s in scope.selectors]
        every += self.button_selectors()
        return [selector for selector in every if POSITIONAL_SELECTOR.search(selector)]


class TriggerCheck(Model):
    """The trigger tried on every crawled page: how many controls, links or pages it catches,
    and those that are not of its kind."""

    matched: int = 0
    unrelated: int = 0
    examples: list[str] = Field(default_factory=list, description="The first unrelated ones.")


class Destinations(Model):
    meta: str = Field("", description="Meta pixel standard event, '' when none fits.")
    google_ads: str = Field("", description="Google Ads conversion category, '' when none.")


class SignalScore(Model):
    """How well an event predicts the business's macro conversions (analysis/signals.py):
    total = 0.45 weight + 0.25 closeness + 0.2 reach + 0.1 confidence."""

    total: float = Field(0, ge=0, le=1)
    weight: float = Field(0, ge=0, le=1, description="The kind's weight for the business type.")
    closeness: float = Field(
        0, ge=0, le=1, description="How close its funnel stage is to the macro conversion."
    )
    reach: float = Field(0, ge=0, le=1, description="Page templates it was seen on, of 3.")
    confidence: float = Field(0, ge=0, le=1, description="Mean confidence of its findings.")


class PlannedEvent(Model):
    """One event of the plan."""

    event: str = Field(description="GA4 event name.")
    kind: Kind
    title: str = Field(description="What the event is, in a few words (from the rules).")
    why: str = Field(description="Its business reason (from the rules).")
    tier: Tier = Field(
        "optional",
        description="key: a macro conversion or one of the 3-5 micro-conversions that best "
        "predict it; recommended; optional (left out of the container by default).",
    )
    conversion: Conversion = "micro"
    key_event: bool = Field(False, description="Mark as a key event in GA4 (the macros).")
    leads_to: str = Field(
        "", description="For a micro-conversion, the macro conversion (event) it predicts."
    )
    score: SignalScore = Field(default_factory=SignalScore)
    funnel_stage: FunnelStage
    trigger: TriggerSpec
    trigger_check: TriggerCheck = Field(default_factory=TriggerCheck)
    parameters: dict[str, str] = Field(description="GA4 parameter -> where its value comes from.")
    destinations: Destinations
    enhanced_measurement: str = Field(
        "",
        description="How GA4 enhanced measurement collects it, or part of it; when the trigger "
        "type is enhanced_measurement, it collects all of it and no tag is added.",
    )
    existing: Literal["", "implemented", "named differently", "missing", "not verifiable"] = Field(
        "",
        description="What the site's own tracking does of it ('' when the site has none): "
        "see scanner/analysis/gaps.py.",
    )
    existing_name: str = Field("", description="The name the site sends it under.")
    notes: str = Field("", description="The analyst's notes (plan.yaml).")
    status: EventStatus = Field(
        "seen", description="seen, not seen, gone or new: what the crawl found of it."
    )
    pages: list[str] = Field(description="Pages it was seen on.")
    findings: int = Field(description="How many findings back this event.")
    selectors: list[str] = Field(description="Selectors of the elements, forms or frames found.")

    @property
    def collected_by_enhanced_measurement(self) -> bool:
        return self.trigger.type == "enhanced_measurement"


class FunnelStep(Model):
    """One step of the site's funnel: the events that make it (any of them)."""

    name: str
    events: list[str]
    kinds: list[str]


class Plan(Model):
    schema_version: int = PLAN_SCHEMA_VERSION
    site: str
    measurement_id: str
    business_type: BusinessTypeGuess
    pages_scanned: int
    events: list[PlannedEvent] = Field(description="Key events first, then by score.")
    funnel: list[FunnelStep] = Field(
        default_factory=list, description="The ordered steps to the macro conversion."
    )
    container_events: ContainerEvents = Field(
        "recommended", description="The tiers the GTM container tags (recommended: key too)."
    )
    example_product: Product | None = Field(
        None, description="A product seen on the site, for the developers' dataLayer pushes."
    )
    meta_pixel_id: str = Field("", description="The Meta pixel the container tags, or ''.")
    google_ads_id: str = Field("", description="The Google Ads account it tags, or ''.")
    not_seen: list[str] = Field(
        description="Kinds that matter for this business type but were not found on any page."
    )
    existing_tracking: Tracking = Field(
        default_factory=Tracking,
        description="Tracking found on the pages, merged; datalayer holds the event names pushed.",
    )
    uncovered_events: list[str] = Field(
        default_factory=list,
        description="Events the site already sends that no planned event covers.",
    )
    measurement_id_source: Literal["option", "site", "placeholder"] = "placeholder"
    crawl_errors: list[CrawlError] = Field(default_factory=list)
    obstacles: list[CrawlError] = Field(
        default_factory=list, description="Pages behind a bot challenge or a login wall."
    )
