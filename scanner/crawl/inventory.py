"""Existing tracking (pure): which tools a page loads, and which requests are analytics hits."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from scanner.url_templates import split_url

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
# Hosts are matched with any subdomain, a port and a trailing dot (www.google-analytics.com.).
_HOST = r"^(https?|wss?)://([^/?#@]*@)?([a-z0-9-]+\.)*"
_END = r"\.?(:\d+)?"  # a trailing dot, a port
COLLECTION_ENDPOINTS = re.compile(
    # hosts that only collect
    _HOST + r"(google-analytics\.com|analytics\.google\.com|stats\.g\.doubleclick\.net|"
    r"[a-z]\.clarity\.ms|in\.hotjar\.com|api\.segment\.io|"
    r"api2?\.amplitude\.com|api-js\.mixpanel\.com|ct\.pinterest\.com|px\.ads\.linkedin\.com|"
    r"analytics\.twitter\.com)" + _END + r"([/?#;]|$)"
    # collection paths on hosts that also serve libraries or pages
    r"|"
    + _HOST
    + r"((doubleclick\.net|google\.[a-z.]*[a-z])"
    + _END
    + r"/(pagead/|activity|ddm/|ads/ga-audiences)|googleadservices\.com"
    + _END
    + r"/pagead/conversion/|google\.[a-z.]*[a-z]"
    + _END
    + r"/ccm/collect|facebook\.com"
    + _END
    + r"/tr\b|bat\.bing\.com"
    + _END
    + r"/action|analytics\.tiktok\.com"
    + _END
    + r"/api/|t\.co"
    + _END
    + r"/i/adsct|heapanalytics\.com"
    + _END
    + r"/h\b|plausible\.io"
    + _END
    + r"/api/event)"
    # GA's paths on any host (server-side tagging serves them from the site), Matomo's script
    r"|^[^?#]*/(g|j|r|mp)/collect([/?#]|$)|^[^?#]*/collect\?(.*&)?v=[12]&|/(matomo|piwik)\.php",
    re.IGNORECASE,
)
# Hosts that only collect: they resolve nowhere in the crawl's browser, so nothing it runs (a
# worker, a WebSocket, a redirect, a beacon sent as a tab closes) can reach them.
COLLECTION_HOSTS = (
    "*google-analytics.com",
    "analytics.google.com",
    "stats.g.doubleclick.net",
    "*.g.doubleclick.net",
    "ad.doubleclick.net",
    "*facebook.com",
    "ct.pinterest.com",
    "px.ads.linkedin.com",
    "analytics.twitter.com",
    "in.hotjar.com",
    "*.in.hotjar.com",
    "api.segment.io",
    "api.amplitude.com",
    "api2.amplitude.com",
    "api-js.mixpanel.com",
    "?.clarity.ms",
)
# The same paths as patterns for the renderer's own blocking (its wildcards: * is anything).
COLLECTION_URL_PATTERNS = (
    "*/g/collect*",
    "*/j/collect*",
    "*/r/collect*",
    "*/mp/collect*",
    "*/collect?v=1&*",
    "*/collect?v=2&*",
    "*/ads/ga-audiences*",
    "*doubleclick.net/pagead/*",
    "*doubleclick.net/activity*",
    "*doubleclick.net/ddm/*",
    "*googleadservices.com/pagead/conversion/*",
    "*://www.google.*/pagead/*",
    "*://www.google.*/ccm/collect*",
    "*facebook.com/tr*",
    "*bat.bing.com/action*",
    "*analytics.tiktok.com/api/*",
    "*t.co/i/adsct*",
    "*heapanalytics.com/h?*",
    "*plausible.io/api/event*",
    "*/matomo.php*",
    "*/piwik.php*",
)


def vendors(script_sources: list[str]) -> list[str]:
    """Names of the known tools these script addresses load, sorted."""
    return sorted(
        {name for name, pattern in VENDORS for src in script_sources if pattern.search(src)}
    )


def is_hit(url: str) -> bool:
    return bool(COLLECTION_ENDPOINTS.search(url))


def hit_label(url: str) -> str:
    parts = split_url(url)
    return f"{parts.hostname}{parts.path}"


def hit_events(url: str, body: str) -> list[str]:
    """The events an intercepted hit was sending: GA4's `en` (ga4:add_to_cart), the Meta pixel's
    `ev` (meta:AddToCart), read from the address and, for batched hits, each line of the body."""
    parts = split_url(url)
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
