"""plan.json as it is written: the plan with the words generated from its decisions. The model
says what the file holds; its JSON Schema is published in schemas/ (`scanner schema plan`)."""

from __future__ import annotations

from pydantic import Field

from scanner.models.plan import (
    Destinations,
    EventStatus,
    PageSelectors,
    Plan,
    SignalScore,
    Tier,
    TriggerCheck,
    TriggerType,
)
from scanner.models.vocabulary import Conversion, FunnelStage, Kind, Model


class TriggerRecord(Model):
    type: TriggerType
    description: str = Field(description="The trigger in words.")
    css_selector: str = Field(description="The selectors for every page, joined by ', '.")
    scoped: list[PageSelectors]
    pushed_by: str
    url_regex: str
    page_path_regex: str


class EnhancedMeasurement(Model):
    collected: bool = Field(description="GA4 enhanced measurement collects all of it.")
    note: str


class EventRecord(Model):
    event: str
    kind: Kind
    title: str
    why: str
    tier: Tier
    conversion: Conversion
    key_event: bool
    leads_to: str
    selection: str = Field(description="Why it is in its tier, in one sentence.")
    score: SignalScore
    funnel_stage: FunnelStage
    trigger: TriggerRecord
    trigger_check: TriggerCheck
    parameters: dict[str, str]
    destinations: Destinations
    enhanced_measurement: EnhancedMeasurement
    existing: str
    existing_name: str
    notes: str
    status: EventStatus
    limitations: str
    datalayer: str = Field(description="The dataLayer.push the site's code makes, or ''.")
    pages: list[str]
    findings: int
    selectors: list[str]


class PlanRecord(Plan):
    """The whole of plan.json."""

    events: list[EventRecord]  # type: ignore[assignment]
