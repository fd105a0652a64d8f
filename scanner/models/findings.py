"""What classification and business-type detection conclude from a crawl record."""

from __future__ import annotations

from pydantic import Field

from scanner.models.vocabulary import Kind, Model, Target


class Finding(Model):
    """One kind recognised on one element, form, frame or page."""

    page: str
    kind: Kind
    rule: str
    target: Target
    selector: str = Field(description="CSS selector of the element; 'html' for a page finding.")
    text: str
    confidence: float = Field(ge=0, le=1)
    evidence: list[str] = Field(description="Which conditions of the rule matched.")
    snippet: str = ""
    in_iframe: bool = Field(False, description="Inside a same-origin iframe of the page.")
    hidden: bool = Field(
        False, description="Hidden when the page loaded (a drop-down, drawer, modal or pop-up)."
    )


class BusinessTypeGuess(Model):
    type: str
    confidence: float = Field(ge=0, le=1)
    evidence: list[str]
    also: list[str] = Field(
        default_factory=list,
        description="Other business types with strong signals (a SaaS with a blog: content).",
    )
