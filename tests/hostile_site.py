"""A hostile site for the leak tests: every way a page, its workers, its popups, its redirects
and its robots.txt and sitemaps can send an analytics hit, to hosts the sandbox resolves to a
logging stand-in (tests/sandbox.py) and to collection paths of the site itself."""

from __future__ import annotations

from tests.sites import Route, page

# Hosts that resolve to the stand-in: analytics endpoints, and a host the site names that the
# crawl has no reason to contact.
STAND_IN_HOSTS = (
    "www.google-analytics.com",
    "region1.google-analytics.com",
    "analytics.google.com",
    "stats.g.doubleclick.net",
    "www.google.com",
    "www.facebook.com",
    "sitemaps.example.net",
)
# Collection paths on the site's own host (server-side tagging serves GA4 from the site).
COLLECTION_PATHS = ("/g/collect", "/j/collect", "/mp/collect", "/r/collect")

HITS = [
    "http://stats.g.doubleclick.net/g/collect?v=2&tid=G-DC&en=page_view",
    "http://stats.g.doubleclick.net/j/collect?t=pageview",
    "http://www.google-analytics.com/mp/collect?measurement_id=G-MP",
    "http://www.google-analytics.com/r/collect?t=pageview",
    "http://www.google-analytics.com./g/collect?v=2&en=trailing_dot",
    "http://region1.google-analytics.com/g/collect?v=2&en=region",
    "http://analytics.google.com/g/collect?v=2&en=analytics",
    "http://www.google.com/ads/ga-audiences?t=sr&aip=1",
    "http://www.facebook.com/tr?id=1&ev=PageView",
    "/g/collect?v=2&en=first_party",
    "/mp/collect?measurement_id=G-FP",
]

SEND_HITS = f"""
const hits = {HITS!r};
for (const url of hits) {{
  new Image().src = url;
  fetch(url, {{mode: "no-cors"}}).catch(() => {{}});
  navigator.sendBeacon(url, "en=beacon");
}}
new Image().src = "/go-collect";
fetch("/go-collect", {{mode: "no-cors"}}).catch(() => {{}});
try {{ new WebSocket("ws://www.google-analytics.com/socket"); }} catch (e) {{}}
try {{ new WebSocket("ws://" + location.host + "/g/collect"); }} catch (e) {{}}
new Worker("/worker.js");
addEventListener("pagehide", () =>
  navigator.sendBeacon("http://region1.google-analytics.com/g/collect?v=2&en=pagehide", "x"));
addEventListener("visibilitychange", () =>
  fetch("http://www.google-analytics.com/g/collect?v=2&en=hidden",
        {{method: "POST", keepalive: true, mode: "no-cors", body: "x"}}));
addEventListener("pagehide", () => navigator.sendBeacon("/g/collect?v=2&en=pagehide_fp", "x"));
"""

WORKER = """
fetch("http://www.google-analytics.com/g/collect?v=2&en=worker", {mode: "no-cors"});
fetch("/g/collect?v=2&en=worker_first_party");
"""


def hostile_routes(base: str) -> dict[str, Route]:
    """The routes, for the site served at `base` (sitemaps name absolute addresses)."""
    home = page("/second", "/popup-opener")
    html = str(home.body).replace("</main>", f"</main><script>{SEND_HITS}</script>")
    opener = (
        "window.open('/popup'); window.open('/popup', '_blank', 'noopener');"
        "const frame = document.createElement('iframe'); document.body.append(frame);"
        "frame.contentWindow.open('/popup');"
        "const link = Object.assign(document.createElement('a'),"
        " {href: '/popup', target: '_blank'});"
        "document.body.append(link); link.click();"
    )
    return {
        "/": Route(html),
        "/second": Route(html.replace("<title>page", "<title>second")),
        "/popup-opener": Route(
            f"<!doctype html><title>opener</title><body><script>{opener}</script>"
        ),
        "/consent": Route(
            '<!doctype html><title>consent</title><body><div id="cookie-banner" role="dialog" '
            'style="position:fixed;bottom:0;left:0;right:0;padding:1rem">'
            "<p>We use cookies for statistics and marketing.</p>"
            '<form id="f" action="/popup" target="_blank"></form>'
            '<button type="button" onclick="window.open(\'/popup\'); '
            "document.getElementById('f').submit(); this.parentNode.remove()\">Accept all</button>"
            f"</div><main><h1>Shop</h1></main><script>{SEND_HITS}</script>"
        ),
        "/popup": Route(f"<!doctype html><title>popup</title><script>{SEND_HITS}</script>"),
        "/worker.js": Route(WORKER, content_type="text/javascript"),
        "/go-collect": Route(
            status=302, location="http://www.google-analytics.com/g/collect?v=2&en=redirected"
        ),
        "/robots.txt": Route(
            "User-agent: *\nAllow: /\n"
            "Sitemap: http://www.google-analytics.com/g/collect?v=2&en=robots_sitemap\n"
            "Sitemap: http://sitemaps.example.net/sitemap.xml\n"
            f"Sitemap: {base}/sitemap.xml\n",
            content_type="text/plain",
        ),
        "/sitemap.xml": Route(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            'sitemap/0.9"><sitemap><loc>http://stats.g.doubleclick.net/g/collect?v=2</loc>'
            f"</sitemap><sitemap><loc>{base}/go-collect</loc></sitemap></sitemapindex>",
            content_type="application/xml",
        ),
    }
