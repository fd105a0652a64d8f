"""The options several commands share: crawl options, and the analysis options recorded in
site.json (business type, measurement ID, rules directory)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scanner.crawl import CrawlOptions
from scanner.models import BUSINESS_TYPES, ID_FORMATS, AnalysisOptions

F = TypeVar("F", bound=Callable[..., Any])

type_option = click.option(
    "--type",
    "business_type",
    type=click.Choice(["auto", *BUSINESS_TYPES]),
    default=None,
    help="Business type; 'auto' (the default for scan) detects it.",
)
measurement_option = click.option(
    "--measurement-id",
    default=None,
    metavar="G-XXXXXXX",
    help="GA4 measurement ID for the container (default: a placeholder to replace in GTM).",
)
rules_option = click.option(
    "--rules",
    "rules_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of rule packs that add to or replace the bundled ones (same file name).",
)
meta_option = click.option(
    "--meta-pixel-id",
    default=None,
    metavar="ID",
    help="Meta pixel ID: adds the base pixel and standard events, sharing an event ID with GA4.",
)
google_ads_option = click.option(
    "--google-ads-id",
    default=None,
    metavar="AW-XXXXXXXXX",
    help="Google Ads ID: adds the Conversion Linker and conversion tags for the key events.",
)
events_option = click.option(
    "--events",
    type=click.Choice(["key", "recommended", "all"]),
    default=None,
    help="Which tiers of the plan the GTM container tags: key, recommended (with key: the "
    "default) or all.",
)


def output_directory(_: click.Context, __: click.Parameter, value: str) -> Path:
    """-o DIR, which must name a directory (-o '' would write into the current one)."""
    if not value.strip():
        raise click.BadParameter("give a directory to write into.", param_hint="-o/--out")
    return Path(value)


def out_option(help_text: str) -> Callable[[F], F]:
    """-o DIR, saying what is written into it."""
    return click.option(
        "-o", "--out", required=True, type=click.Path(), callback=output_directory, help=help_text
    )


class Concurrency(click.ParamType):  # type: ignore[type-arg]
    """A number of pages at once (1 to 16), or 'auto' (None: the crawl follows the CPU)."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or isinstance(value, int) or value == "auto":
            return None if value == "auto" else value
        if str(value).isdigit() and 1 <= int(value) <= 16:
            return int(value)
        self.fail(f"{value!r} is not a number from 1 to 16, nor 'auto'.", param, ctx)


def _number_option(
    flag: str, field: str, low: int, high: int | None, help_text: str
) -> Callable[[F], F]:
    """A whole-number crawl option whose default is CrawlOptions' own."""
    return click.option(
        flag,
        field,
        default=getattr(CrawlOptions(), field),
        show_default=True,
        type=click.IntRange(low, high),
        help=help_text,
    )


CRAWL_OPTIONS = [
    _number_option("--max-pages", "max_pages", 1, None, "Stop after this many pages."),
    _number_option(
        "--depth",
        "depth",
        0,
        None,
        "How many links away from the start pages to go (0: only them).",
    ),
    click.option(
        "--concurrency",
        "concurrency",
        default="auto",
        show_default=True,
        type=Concurrency(),
        help="Pages loaded at once, 1 to 16, or 'auto': as many as the CPU and the network "
        "allow (2 to 16).",
    ),
    _number_option(
        "--sample-per-template",
        "sample_per_template",
        0,
        None,
        "Pages crawled per URL template such as /products/<slug> (0: no sampling).",
    ),
    click.option("--same-host", is_flag=True, help="Stay on the start host (default: same site)."),
    click.option(
        "--allow-host",
        "allowed_hosts",
        multiple=True,
        metavar="HOST",
        help="Also crawl this host (repeatable).",
    ),
    click.option(
        "--include",
        multiple=True,
        metavar="REGEX",
        help="Only crawl addresses matching this regex (repeatable).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="REGEX",
        help="Never crawl addresses matching this regex (repeatable).",
    ),
    click.option(
        "--ignore-robots", is_flag=True, help="Do not obey robots.txt (a warning is printed)."
    ),
    click.option(
        "--consent",
        type=click.Choice(["accept", "reject", "none"]),
        default=CrawlOptions().consent,
        show_default=True,
        help="What to click on a cookie consent banner (tags often load only after accept).",
    ),
    click.option(
        "--no-screenshots",
        "screenshots",
        is_flag=True,
        flag_value=False,
        default=True,
        help="Take no screenshots of the evidence (report.html then shows none).",
    ),
    type_option,
    measurement_option,
    meta_option,
    google_ads_option,
    events_option,
    rules_option,
    click.option(
        "--browser",
        default=None,
        metavar="PATH",
        help="Chromium or Chrome executable (default: $SCANNER_BROWSER, "
        "Playwright's Chromium, then chromium on PATH).",
    ),
]


def with_crawl_options(func: F) -> F:
    for option in reversed(CRAWL_OPTIONS):
        func = option(func)
    return func


def analysis_options(base: AnalysisOptions, **given: Any) -> AnalysisOptions:
    """The analysis options given on the command line (None: not given), the others from
    `base`: business_type, measurement_id, meta_pixel_id, google_ads_id, events, rules_dir."""
    for name, (pattern, what) in ID_FORMATS.items():
        value = given.get(name)
        if value is not None and not pattern.match(value):
            raise click.BadParameter(
                f"'{value}' is not {what}.", param_hint="--" + name.replace("_", "-")
            )
    rules_dir = given.pop("rules_dir", None)
    if rules_dir is not None:
        given["rules"] = str(rules_dir.resolve())
    changes = {name: value for name, value in given.items() if value is not None}
    return AnalysisOptions.model_validate({**base.model_dump(), **changes})


ANALYSIS_FLAGS = (
    "business_type",
    "measurement_id",
    "meta_pixel_id",
    "google_ads_id",
    "events",
    "rules_dir",
)


def split_options(settings: dict[str, Any]) -> tuple[AnalysisOptions, dict[str, Any]]:
    """A command's options: those of the analysis (as AnalysisOptions), and the others."""
    given = {name: settings.pop(name) for name in ANALYSIS_FLAGS if name in settings}
    return analysis_options(AnalysisOptions(), **given), settings
