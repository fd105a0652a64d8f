"""A batch of sites: what to scan for each (one entry of the site list) and what came of it."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from scanner.models.vocabulary import BusinessType, Model

# The formats of the IDs the container tags (checked on the command line and in site lists).
MEASUREMENT_ID = re.compile(r"^G-[A-Z0-9]{4,16}$")
META_PIXEL_ID = re.compile(r"^\d{6,20}$")
GOOGLE_ADS_ID = re.compile(r"^AW-\d{6,12}$")
ID_FORMATS = {
    "measurement_id": (MEASUREMENT_ID, "a GA4 measurement ID (G- and letters and digits)"),
    "meta_pixel_id": (META_PIXEL_ID, "a Meta pixel ID (digits)"),
    "google_ads_id": (GOOGLE_ADS_ID, "a Google Ads ID (AW- and digits)"),
}
SiteStatus = Literal["done", "partial", "failed"]


class SiteEntry(Model):
    """One site of a batch, with every option its scan needs (the list's defaults filled in)."""

    url: str = Field(description="The start page, normalised.")
    folder: str = Field(description="Its output folder inside the batch directory.")
    business_type: Literal["auto", BusinessType] = "auto"
    measurement_id: str = ""
    meta_pixel_id: str = ""
    google_ads_id: str = ""
    max_pages: int = Field(20, ge=1)
    consent: Literal["accept", "reject", "none"] = "accept"
    time_budget: int = Field(600, ge=1, description="Seconds the scan may take.")
    block_third_party: bool = False


class SiteOutcome(Model):
    """What a site's scan gave: the index's row."""

    status: SiteStatus
    error: str = Field("", description="Why it failed or is partial, '' when done.")
    business_type: str = ""
    pages: int = 0
    key_signals: list[str] = Field(default_factory=list, description="GA4 names of key events.")
    events: int = Field(0, description="Events planned.")
    crawl_errors: int = Field(0, description="Pages that could not be loaded.")
    verification: str = Field("", description="What `scanner verify` said of the container.")


class SiteRecord(Model):
    """The done marker of a site (batch.json in its folder): its entry and outcome."""

    entry: SiteEntry
    outcome: SiteOutcome


class IndexRow(Model):
    """A site as the batch index shows it."""

    entry: SiteEntry
    outcome: SiteOutcome | None = Field(description="None: not finished (the batch stopped).")
    files: list[str] = Field(default_factory=list, description="Its outputs to link to.")
