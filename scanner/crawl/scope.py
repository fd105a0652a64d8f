"""Crawl scope and URL facts (pure): normalisation, same-site tests, templates, intent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlunsplit

from publicsuffixlist import PublicSuffixList

from scanner.errors import BadArgument
from scanner.patterns import Pattern, PatternError, compile_pattern
from scanner.url_templates import split_url

# Parameters that only say where a visitor came from: the same page with or without them.
TRACKING_PARAMETERS = re.compile(
    r"^(utm_[a-z_]+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|yclid|twclid|ttclid|li_fat_id|"
    r"mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|igshid|srsltid|ref_src|spm)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Links to these are recorded (file_download) but never opened as pages.
NOT_PAGES = re.compile(
    r"\.(pdf|zip|gz|rar|7z|dmg|exe|msi|docx?|xlsx?|pptx?|csv|txt|xml|json|jpe?g|png|gif|svg|"
    r"webp|avif|ico|mp4|mov|avi|webm|mp3|wav|ics|css|js)$",
    re.IGNORECASE,
)
# Links whose visit changes something on a live site (adds to or empties the cart, removes,
# compares, logs the crawl out): never followed.
STATE_CHANGING = re.compile(
    r"[?&](add[-_]?to[-_]?(cart|basket|wishlist)|remove[-_]?item|removeitem|remove_coupon|"
    r"empty[-_]?cart|clear[-_]?cart|delete|logout|log[-_]?out|action=(add|remove|delete|logout|"
    r"log-?out))(=|&|$)|"
    r"/(log-?out|sign-?out|sign_out|log-?off|logoff)(/|\.|\?|$)|"
    r"/(cart|basket|warenkorb|panier)/(add|remove|delete|clear|empty|change|update)(/|\?|$)|"
    r"/checkout/cart/(add|delete|remove|updatePost)(/|\?|$)|"
    r"/(wishlist|catalog/product_compare)/(index/)?(add|remove|clear)(/|\?|$)|"
    r"/customer/account/logout",
    re.IGNORECASE,
)
# Path words of pages that carry buying or lead intent: crawled first.
INTENT_WORDS = re.compile(
    r"pric|plan|tarif|preis|precio|prezz|prijs|cart|basket|bag|warenkorb|panier|carrito|carrell|"
    r"checkout|kasse|contact|kontakt|contatt|contacto|demo|trial|quote|devis|angebot|"
    r"signup|sign-up|register|product|produkt|produit|producto|shop|store|book|reserv|termin",
    re.IGNORECASE,
)


def check_url(url: str) -> str:
    """The normalised URL; BadArgument when it is not an http(s) address."""
    parts = split_url(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadArgument(
            f"'{url}' is not a web address; give a full URL such as https://example.com/."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise BadArgument(f"'{url}' has an invalid port number.") from None
    return normalise(url.strip())


def normalise(url: str) -> str:
    """One address per page: lower-case scheme and host, no default port, no fragment (except a
    single-page app's hash route, #/pricing or #!/pricing), no tracking parameters, query
    parameters sorted, an empty path as '/'."""
    parts = split_url(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMETERS.match(key)
        )
    )
    route = parts.fragment if parts.fragment.startswith(("/", "!/")) else ""
    return urlunsplit((scheme, netloc, parts.path or "/", query, route))


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """example.co.uk for shop.example.co.uk; the host itself for IP addresses and localhost."""
    host = host.lower().rstrip(".")
    if not host or re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host) or "." not in host:
        return host
    return _suffixes().privatesuffix(host) or host


@dataclass(frozen=True)
class Scope:
    """Which addresses belong to the crawl."""

    sites: frozenset[str] = frozenset()
    same_host: bool = False
    include: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    hosts: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def of(
        starts: list[str],
        same_host: bool = False,
        allowed_hosts: tuple[str, ...] = (),
        include: tuple[str, ...] = (),
        exclude: tuple[str, ...] = (),
    ) -> Scope:
        hosts = {split_url(url).hostname or "" for url in starts} | {
            h.lower() for h in allowed_hosts
        }
        return Scope(
            sites=frozenset(registrable_domain(h) for h in hosts),
            same_host=same_host,
            include=tuple(_compile(p, "--include") for p in include),
            exclude=tuple(_compile(p, "--exclude") for p in exclude),
            hosts=frozenset(hosts),
        )

    def on_site(self, url: str) -> bool:
        host = split_url(url).hostname or ""
        if self.same_host:
            return host in self.hosts
        return registrable_domain(host) in self.sites or host in self.hosts

    def why_not(self, url: str) -> str:
        """Why a same-site link is not crawled, or '' when it is."""
        parts = split_url(url)
        if parts.scheme not in ("http", "https"):
            return "not a web address"
        if not self.on_site(url):
            return "another site"
        if NOT_PAGES.search(parts.path):
            return "a file, not a page"
        if STATE_CHANGING.search(parts.path + ("?" + parts.query if parts.query else "")):
            return "changes state (the cart, a list, the session): never followed"
        if self.include and not any(p.search(url) for p in self.include):
            return "not matched by --include"
        if any(p.search(url) for p in self.exclude):
            return "matched by --exclude"
        return ""


def _compile(pattern: str, option: str) -> Pattern:
    """A user's pattern, on RE2: linear time, so no --include can hang the crawl."""
    try:
        return compile_pattern(pattern)
    except PatternError as error:
        raise BadArgument(
            f"{option} '{pattern}' is not a valid regular expression ({error})."
        ) from None


def intent(url: str) -> bool:
    """Whether the address says the page carries buying or lead intent."""
    return bool(INTENT_WORDS.search(split_url(url).path))
