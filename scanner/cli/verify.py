"""`scanner verify OUT`: the container's triggers evaluated on the scanned pages (or the same
paths on staging), the way GTM evaluates them, without clicking or submitting anything."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scanner.api import verify
from scanner.crawl import check_url
from scanner.errors import BadInput, VerificationFailed
from scanner.models import Verification, read_site
from scanner.outputs.registry import VERIFY_OUTPUTS
from scanner.outputs.write import write_outputs
from scanner.url_templates import split_url


@click.command(name="verify")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--site",
    "origin",
    default=None,
    metavar="URL",
    help="Load the same paths from this origin (staging) instead of the scanned site.",
)
@click.option(
    "--container",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The GTM container export to check (default: OUT/gtm-container.json).",
)
@click.option("--browser", default=None, metavar="PATH", help="Chromium or Chrome executable.")
def verify_command(
    out: Path, origin: str | None, container: Path | None, browser: str | None
) -> None:
    """Check that every trigger of the container fires on its planned controls, forms and
    pages, and nowhere else; write verification.json and the report's verification column."""
    site = read_site(out / "site.json")
    path = container or out / "gtm-container.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BadInput(f"{path}: not a readable container export ({error}).") from None
    where = ""
    if origin is not None:
        parts = split_url(check_url(origin))
        where = f"{parts.scheme}://{parts.netloc}"
    analysis = verify(site, data, path.name, where, browser)
    checked = analysis.verification
    assert checked is not None
    write_outputs(analysis, VERIFY_OUTPUTS, out)
    _summarise(checked)
    if not checked.passed:
        raise VerificationFailed(
            f"{_failures(checked)}; see {out}/verification.json and the report's verification "
            "column."
        )
    click.echo(f"verified {len(checked.tags)} tag(s) on {len(checked.pages)} page(s)", err=True)


def _summarise(checked: Verification) -> None:
    for tag in checked.tags:
        line = f"{tag.status:<13} {tag.tag}: fires on {len(tag.fires)} planned"
        if tag.misses:
            line += f", misses {len(tag.misses)} ({tag.misses[0].outcome}: {tag.misses[0].page}"
            line += f" {tag.misses[0].selector})"
        if tag.unrelated:
            line += f", {len(tag.unrelated)} unrelated ({tag.unrelated[0].selector})"
        if tag.note:
            line += f"; {tag.note}"
        click.echo(line, err=True)
    for error in checked.errors:
        click.echo(f"page failed: {error.error}", err=True)


def _failures(checked: Verification) -> str:
    failing = [tag.tag for tag in checked.tags if tag.status == "fails"]
    parts = []
    if failing:
        parts.append(f"{len(failing)} tag(s) do not fire as planned: {', '.join(failing[:5])}")
    if checked.errors:
        parts.append(f"{len(checked.errors)} page(s) did not load")
    return "; ".join(parts)
