"""Validation against the site's own analytics: the counts read from an export (ExportFacts,
scanner/analytics) and what they say about each event (Validation, scanner/analysis/validation.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scanner.models.vocabulary import Model

Verdict = Literal["keep", "promote to key", "demote", "not measurable yet"]


class EventFacts(Model):
    """One event's counts. A user "did it" when they did it before (or at) their first
    conversion, or at any time if they never converted: what happens after the conversion
    cannot have led to it."""

    event: str
    users: int = Field(description="Users who did it at any time.")
    sessions: int = Field(description="Sessions it happened in.")
    doers: int = Field(description="Users who did it (before converting, if they did).")
    doers_converted: int
    doers_revenue: float = Field(description="Revenue of the users who did it.")
    converters_did: int = Field(description="Converters who did it at any time.")
    converters_before: int = Field(description="Converters who did it before their conversion.")
    median_seconds_to_conversion: float | None = Field(
        description="Median time from its first occurrence to the first conversion."
    )
    session_doers: int = Field(description="Sessions it happened in, before their conversion.")
    session_doers_converted: int
    top_path: list[str] = Field(
        description="The most frequent user path before conversion with it."
    )


class PairFacts(Model):
    """Users who did both `event` and `other` (each before converting, if they did)."""

    event: str
    other: str
    both: int
    both_converted: int
    other_first: int = Field(description="Of them, how many did `other` first.")


class PathCount(Model):
    """A sequence of events before a conversion (repeats collapsed), and how often it came."""

    steps: list[str]
    count: int


class ExportFacts(Model):
    """What an analytics export holds, counted (scanner/analytics)."""

    source: str = Field(description="What was read, in a few words.")
    events_read: int
    users: int
    sessions: int
    converters: int = Field(description="Users with at least one conversion.")
    converting_sessions: int
    revenue: float
    conversions: list[str] = Field(description="The plan's macro events found in the data.")
    ordered: bool = Field(
        description="Whether any event comes before a conversion in time (session-level data "
        "without order: False)."
    )
    events: list[EventFacts]
    pairs: list[PairFacts]
    user_paths: list[PathCount] = Field(description="Most frequent, per converting user.")
    session_paths: list[PathCount] = Field(description="Most frequent, per converting session.")


class Lift(Model):
    """A risk ratio (conversion rate of doers / of the others) with its confidence interval."""

    ratio: float
    low: float
    high: float


class EventValidation(Model):
    """What the data says about one event, and what to do with it."""

    event: str
    planned: str = Field(description="Its tier in the plan, or '' when the plan lacks it.")
    users: int
    sessions: int
    conversion_rate_doers: float | None = None
    conversion_rate_others: float | None = None
    lift: Lift | None = Field(None, description="Doers against the others.")
    adjusted_lift: Lift | None = Field(
        None,
        description="Within the users who did `adjusted_for` and those who did not "
        "(Mantel-Haenszel), when a stronger earlier event could explain it.",
    )
    adjusted_for: str = ""
    converters_before: float | None = Field(
        None, description="Share of converters who did it before their first conversion."
    )
    median_hours_to_conversion: float | None = None
    revenue_per_doer: float | None = None
    revenue_per_other: float | None = None
    session_conversion_doers: float | None = None
    session_conversion_others: float | None = None
    top_path: list[str] = Field(
        default_factory=list, description="The most frequent path before conversion with it."
    )
    leak: str = Field("", description="Why it looks like a leak of the outcome, or ''.")
    verdict: Verdict
    why: str = Field(description="The verdict in one sentence, with its numbers.")


class Validation(Model):
    """The plan's events checked against an analytics export."""

    source: str
    events_read: int
    users: int
    sessions: int
    converters: int
    conversion_rate: float
    revenue: float
    conversions: list[str]
    ordered: bool
    confidence: str = Field(description="How the intervals are computed.")
    events: list[EventValidation] = Field(
        description="The plan's micro-conversions in plan order, then the other events."
    )
    proposals: list[str] = Field(description="Events the plan lacks that predict conversion.")
    user_paths: list[PathCount]
    session_paths: list[PathCount]


# The minimum sample for a verdict: users who did it and who did not, each at least this many.
MIN_USERS = 50
