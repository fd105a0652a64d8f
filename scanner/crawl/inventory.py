"""Existing tracking (pure): which tools a page loads, and which requests are analytics hits."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# Script hosts (and paths) of common tag, analytics, ads and marketing tools.
VENDORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("Google Tag Manager", r"googletagmanager\.com/gtm\.js"),
        ("Google tag (gtag.js)", r"googletagmanager\.com/gtag/js"),
        ("Universal Analytics", r"google-analytics\.com/(analytics|ga)\.js"),
        ("Google Ads", r"googleadservices\.com|googlesyndication\.com"),
        ("Meta pixel", r"connect\.facebook\.net/.*/fbevents\.js"),
        ("LinkedIn Insight", r"snap\.licdn\.com"),
        ("TikTok pixel", r"analytics\.tiktok\.com"),
        ("Pinterest tag", r"s\.pinimg\.com/ct"),
        ("Microsoft Ads (UET)", r"bat\.bing\.com"),
        ("X (Twitter) pixel", r"static\.ads-twitter\.com"),
        ("Microsoft Clarity", r"clarity\.ms"),
        ("Hotjar", r"hotjar\.com"),
        ("Segment", r"cdn\.segment\.com"),
        ("HubSpot", r"js\.hs-(scripts|analytics)\.net|js\.hs-scripts\.com"),
        ("Klaviyo", r"klaviyo\.com"),
        ("Matomo", r"matomo\.js|piwik\.js"),
        ("Plausible", r"plausible\.io"),
        ("Adobe Analytics / Launch", r"assets\.adobedtm\.com"),
        ("Mixpanel", r"mixpanel"),
        ("Amplitude", r"amplitude\.com"),
        ("Heap", r"heapanalytics\.com"),
        ("Shopify analytics", r"cdn\.shopify\.com/shopifycloud/"),
        ("Cookie consent (OneTrust)", r"cookielaw\.org|onetrust"),
        ("Cookie consent (Cookiebot)", r"cookiebot\.com"),
        ("Cookie consent (Didomi)", r"didomi"),
        ("Cookie consent (Usercentrics)", r"usercentrics"),
    )
)
# Requests that send a hit: the crawl intercepts them so that scanning never pollutes a client's
# analytics. Libraries (gtm.js, fbevents.js) still load, so their ids and dataLayer are seen.
COLLECTION_ENDPOINTS = re.compile(
    r"^https?://([a-z0-9-]+\.)*("
    r"google-analytics\.com/(g/|j/)?collect|analytics\.google\.com/g/collect|"
    r"doubleclick\.net/(pagead|activity|ddm)|googleadservices\.com/pagead/conversion|"
    r"google\.[a-z.]+/(pagead/1p-|ccm/collect)|facebook\.com/tr|bat\.bing\.com/action|"
    r"analytics\.tiktok\.com/api|ct\.pinterest\.com|px\.ads\.linkedin\.com|t\.co/i/adsct|"
    r"analytics\.twitter\.com|clarity\.ms/collect|in\.hotjar\.com|api\.segment\.io|"
    r"api2?\.amplitude\.com|api-js\.mixpanel\.com|heapanalytics\.com/h|plausible\.io/api/event"
    r")|/(matomo|piwik)\.php",
    re.IGNORECASE,
)


def vendors(script_sources: list[str]) -> list[str]:
    """Names of the known tools these script addresses load, sorted."""
    return sorted(
        {name for name, pattern in VENDORS for src in script_sources if pattern.search(src)}
    )


def is_hit(url: str) -> bool:
    return bool(COLLECTION_ENDPOINTS.search(url))


def hit_label(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"


def hit_events(url: str, body: str) -> list[str]:
    """The events an intercepted hit was sending: GA4's `en` (ga4:add_to_cart), the Meta pixel's
    `ev` (meta:AddToCart), read from the address and, for batched hits, each line of the body."""
    parts = urlsplit(url)
    if parts.path.endswith("/g/collect"):
        key, source = "en", "ga4"
    elif parts.path.rstrip("/").endswith("/tr") and "facebook" in (parts.hostname or ""):
        key, source = "ev", "meta"
    else:
        return []
    names = [value for name, value in parse_qsl(parts.query) if name == key]
    for line in body.splitlines():
        names += [value for name, value in parse_qsl(line) if name == key]
    return sorted({f"{source}:{name}" for name in names if name})
