"""robots.txt: fetched once per host and obeyed (Disallow, Allow, Crawl-delay), with the
sitemaps it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext
from protego import Protego

from scanner.crawl.fetch import fetch
from scanner.models import RobotsReport

ROBOTS_AGENT = "tracking-plan-scanner"
MAX_CRAWL_DELAY = 10.0  # seconds; a longer Crawl-delay is capped (and reported)


@dataclass(frozen=True)
class HostRules:
    found: bool
    parser: Protego | None
    crawl_delay: float
    sitemaps: list[str]


@dataclass
class Robots:
    """The robots.txt rules of every host met so far."""

    ignore: bool  # --ignore-robots: read (for sitemaps), never obeyed
    hosts: dict[str, HostRules] = field(default_factory=dict)

    async def learn(self, context: BrowserContext, url: str) -> None:
        """Fetch and parse the robots.txt of `url`'s host, once."""
        parts = urlsplit(url)
        if parts.netloc in self.hosts:
            return
        body = await fetch(context, f"{parts.scheme}://{parts.netloc}/robots.txt")
        if body is None:
            self.hosts[parts.netloc] = HostRules(False, None, 0.0, [])
            return
        parser = Protego.parse(body.decode("utf-8", errors="replace"))
        delay = 0.0 if self.ignore else float(parser.crawl_delay(ROBOTS_AGENT) or 0)
        self.hosts[parts.netloc] = HostRules(
            True, parser, min(delay, MAX_CRAWL_DELAY), sorted(set(parser.sitemaps))
        )

    def allows(self, url: str) -> bool:
        rules = self.hosts.get(urlsplit(url).netloc)
        if self.ignore or rules is None or rules.parser is None:
            return True
        return bool(rules.parser.can_fetch(url, ROBOTS_AGENT))

    def crawl_delay(self, host: str) -> float:
        rules = self.hosts.get(host)
        return rules.crawl_delay if rules else 0.0

    def sitemaps(self, host: str) -> list[str]:
        rules = self.hosts.get(host)
        return rules.sitemaps if rules else []

    def reports(self) -> list[RobotsReport]:
        return [
            RobotsReport(
                host=host, found=rules.found, crawl_delay=rules.crawl_delay, sitemaps=rules.sitemaps
            )
            for host, rules in sorted(self.hosts.items())
        ]
