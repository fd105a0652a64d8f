"""What `scanner verify` found: each tag of a GTM container evaluated, the way GTM does, on the
controls, forms and pages of the scanned site (or the same paths on another origin)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scanner.models.site import CrawlError
from scanner.models.vocabulary import Model

Outcome = Literal["fires", "selector gone", "covered", "no match", "unplanned"]


class ControlCheck(Model):
    """One control, form or page the verification looked at for a tag."""

    page: str
    selector: str = Field(description="The planned selector, or the control's own; '' for a page.")
    outcome: Outcome = Field(
        description="fires: planned and the trigger fires; selector gone: the planned selector "
        "matches nothing on the page; covered: another element is at the control's centre and "
        "takes the click; no match: the trigger does not fire on it; unplanned: the trigger "
        "fires on a control that is not planned."
    )
    detail: str = Field("", description="The element that takes the click, or what differs.")


class TagCheck(Model):
    """One tag and the triggers it fires on."""

    tag: str
    event: str = Field("", description="The GA4 event name it sends, '' when none.")
    triggers: list[str] = Field(description="Names of its triggers.")
    status: Literal["ok", "fails", "not checkable"]
    fires: list[ControlCheck] = Field(default_factory=list, description="Planned, and fired.")
    misses: list[ControlCheck] = Field(default_factory=list, description="Planned, not fired.")
    unrelated: list[ControlCheck] = Field(default_factory=list, description="Fired, not planned.")
    note: str = Field("", description="Why it could not be checked, or what was checked.")


class Verification(Model):
    """The whole verification, written as verification.json."""

    origin: str = Field(description="Where the pages were loaded from.")
    container: str = Field(description="The container file evaluated (its name).")
    pages: list[str] = Field(description="Pages loaded, sorted.")
    errors: list[CrawlError] = Field(default_factory=list, description="Pages that failed.")
    tags: list[TagCheck]

    @property
    def passed(self) -> bool:
        """Every trigger fires where planned and nowhere unrelated, on pages that all loaded."""
        return not self.errors and all(tag.status != "fails" for tag in self.tags)


class ElementVariables(Model):
    """GTM's element variables of one element (Click/Form Element, URL, Text, ID, Classes,
    Target), and which of the container's CSS selectors it matches (their indices)."""

    matches: list[int] = Field(default_factory=list)
    url: str = ""
    text: str = ""
    id: str = ""
    classes: str = ""
    target: str = ""
    description: str = Field("", description="Tag, id, classes and text, to name it.")


class ControlFacts(Model):
    """A control a visitor can click: what a click at its centre would target."""

    description: str
    visible: bool
    covered: bool = Field(description="The element at its centre is not the control or in it.")
    cover: str = Field("", description="That element, when it covers the control.")
    within: list[int] = Field(
        default_factory=list, description="The controls (indices) that contain that element."
    )
    click: ElementVariables | None = Field(None, description="All Elements: the target itself.")
    link: ElementVariables | None = Field(None, description="Just Links: its nearest link.")


class FormFacts(Model):
    is_form: bool = Field(description="A <form> (GTM hears only their submit events).")
    element: ElementVariables


class PageFacts(Model):
    """What verify.js saw on one page, without clicking or submitting anything."""

    url: str
    subjects: list[ControlFacts]
    planned: list[list[int]] = Field(description="For each planned selector, its controls.")
    forms: list[FormFacts]
    forms_planned: list[list[int]] = Field(description="For each planned form, its forms.")
