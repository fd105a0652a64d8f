"""plan.yaml, the editable plan: the decisions only. The evidence behind them (pages, findings,
scores, the site's own tracking) comes from the crawl record it names, so every output can be
regenerated from the file (`scanner export`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scanner.models.plan import Destinations, Tier, TriggerSpec
from scanner.models.vocabulary import ContainerEvents, Kind, Model

PLAN_FILE_VERSION = 1


class EventDecision(Model):
    """One event as the analyst decides it."""

    name: str = Field(description="GA4 event name.")
    kind: Kind = Field(description="The element kind it tracks (its identity across scans).")
    tier: Tier = Field(description="key, recommended or optional (left out of the container).")
    trigger: TriggerSpec
    parameters: dict[str, str] = Field(
        default_factory=dict, description="GA4 parameter -> where its value comes from."
    )
    destinations: Destinations = Field(default_factory=Destinations)
    notes: str = Field("", description="Free text, kept across scans and shown in the plan.")
    status: Literal["", "gone", "new"] = Field(
        "",
        description="Written by `scanner scan --plan`: gone (its elements disappeared from the "
        "site) or new (proposed by that scan); kept by export, recomputed by the next scan.",
    )


class PlanFile(Model):
    """The whole of plan.yaml."""

    schema_version: int = PLAN_FILE_VERSION
    site: str = Field(description="The site's start page.")
    crawl: str = Field(
        "site.json",
        description="The crawl record the evidence comes from, relative to this file; '' for "
        "none (the outputs then hold the decisions only).",
    )
    business_type: str = Field(
        description="The business type the plan is for (a rule pack's); one other than the "
        "crawl's detected type re-plans the crawl for it."
    )
    measurement_id: str = Field(description="GA4 measurement ID (G-XXXXXXXXXX: a placeholder).")
    container_events: ContainerEvents = Field(
        "recommended", description="The tiers the GTM container tags (recommended: key too)."
    )
    meta_pixel_id: str = Field("", description="The Meta pixel the container tags, or ''.")
    google_ads_id: str = Field("", description="The Google Ads account it tags, or ''.")
    events: list[EventDecision]
