"""What changed between two scans or two plans (`scanner diff`)."""

from __future__ import annotations

from pydantic import Field

from scanner.models.vocabulary import Model


class EventChange(Model):
    """A decision that differs between the two plans, on one event (matched by what it tracks,
    not by name)."""

    event: str = Field(description="Its name in the new plan.")
    kind: str
    field: str = Field(description="name, tier, parameters, destinations, notes or trigger.")
    old: str
    new: str


class TemplateKinds(Model):
    template: str = Field(description="The URL template of the pages (/products/<slug>).")
    kinds: list[str]


class PlanDiff(Model):
    events_added: list[str] = Field(default_factory=list, description="name (kind)")
    events_removed: list[str] = Field(default_factory=list, description="name (kind)")
    events_changed: list[EventChange] = Field(
        default_factory=list, description="Decisions changed, the trigger aside."
    )
    triggers_changed: list[EventChange] = Field(
        default_factory=list, description="Events whose trigger (selector, pattern) changed."
    )
    kinds_found: list[TemplateKinds] = Field(
        default_factory=list, description="Kinds found per template that were not before."
    )
    kinds_lost: list[TemplateKinds] = Field(
        default_factory=list, description="Kinds found per template before, not now."
    )
    tracking_found: list[str] = Field(
        default_factory=list, description="The site's own tracking, new: 'ga4: G-...'."
    )
    tracking_lost: list[str] = Field(default_factory=list)
    not_compared: list[str] = Field(
        default_factory=list,
        description="What could not be compared, for want of findings.json or plan.json.",
    )
