"""robots.txt: fetched once per host and obeyed (Disallow, Allow, Crawl-delay), with the
sitemaps it names."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from protego import Protego

from scanner.crawl.fetch import Fetched, Fetcher
from scanner.models import RobotsReport
from scanner.url_templates import split_url

ROBOTS_AGENT = "tracking-plan-scanner"
MAX_CRAWL_DELAY = 10.0  # seconds; a longer Crawl-delay is capped (and reported)
MAX_ROBOTS_BYTES = 500 * 1024  # what Google reads of a robots.txt; the rest is ignored


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
    cuts: list[str] = field(default_factory=list)  # files read only in part, and why

    async def learn(self, fetcher: Fetcher, urls: list[str]) -> None:
        """Fetch and parse the robots.txt of each new host of `urls`, all at once."""
        origins = sorted({(parts.scheme, parts.netloc) for parts in map(split_url, urls)})
        wanted = {host: f"{scheme}://{host}/robots.txt" for scheme, host in origins}
        wanted = {host: url for host, url in wanted.items() if host not in self.hosts}
        answers = await asyncio.gather(
            *(fetcher.get(url, MAX_ROBOTS_BYTES) for url in wanted.values())
        )
        for (host, url), answer in zip(wanted.items(), answers, strict=True):
            self._parse(url, host, answer)

    def _parse(self, url: str, host: str, answer: Fetched | None) -> None:
        if answer is None:
            self.hosts[host] = HostRules(False, None, 0.0, [])
            return
        if answer.truncated:
            self.cuts.append(f"{url}: only its first {MAX_ROBOTS_BYTES // 1024} KiB were read")
        parser = Protego.parse(answer.body.decode("utf-8", errors="replace"))
        delay = 0.0 if self.ignore else float(parser.crawl_delay(ROBOTS_AGENT) or 0)
        self.hosts[host] = HostRules(
            True, parser, min(delay, MAX_CRAWL_DELAY), sorted(set(parser.sitemaps))
        )

    def allows(self, url: str) -> bool:
        rules = self.hosts.get(split_url(url).netloc)
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
