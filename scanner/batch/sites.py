"""The site list of a batch: a text file (one URL a line, # comments), a CSV file with a header
row, or a YAML list (of URLs, or of mappings), each site with its own options. Every problem
is one BadInput naming the file, the line and the field."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from scanner.crawl import check_url
from scanner.errors import BadArgument, BadInput
from scanner.models import BUSINESS_TYPES, ID_FORMATS, SiteEntry

MAX_LIST_BYTES = 5 * 2**20
# The columns (CSV) or keys (YAML) a site may have, and the SiteEntry field each fills.
COLUMNS = {
    "url": "url",
    "type": "business_type",
    "measurement_id": "measurement_id",
    "meta_pixel_id": "meta_pixel_id",
    "google_ads_id": "google_ads_id",
    "max_pages": "max_pages",
    "consent": "consent",
    "time_budget": "time_budget",
}
FOLDER_LENGTH = 80
RESERVED = {"index.html", "summary.csv"}  # the batch's own files
UNSAFE = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class Defaults:
    """What a site gets for the options its line does not give."""

    max_pages: int = 20
    time_budget: int = 600
    block_third_party: bool = False


def read_sites(path: Path, defaults: Defaults) -> list[SiteEntry]:
    """The entries of the list at `path`, in its order; by its suffix: .csv, .yaml/.yml, or
    text."""
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise BadInput(f"{path}: larger than {MAX_LIST_BYTES // 2**20} MB; not a site list.")
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput(f"cannot read the site list {path}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text; save the site list as UTF-8.") from None
    suffix = path.suffix.lower()
    rows = (
        _csv_rows(path, text)
        if suffix == ".csv"
        else _yaml_rows(path, text)
        if suffix in (".yaml", ".yml")
        else _text_rows(text)
    )
    entries: list[SiteEntry] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        entry = _entry(path, line, row, defaults)
        if entry.url in first_line:
            raise BadInput(
                f"{path} line {line}, url: {entry.url} is already listed on line "
                f"{first_line[entry.url]}; list each site once."
            )
        first_line[entry.url] = line
        entries.append(entry)
    if not entries:
        raise BadInput(f"{path}: no site listed; give one URL a line (or a CSV or YAML list).")
    return _unique_folders(entries)


def _text_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        url = "" if line.lstrip().startswith("#") else line.strip()
        if url:
            rows.append((number, {"url": url}))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    header = [_column(path, 1, name) for name in next(reader, [])]
    if "url" not in header:
        raise BadInput(f"{path} line 1: the header row has no 'url' column.")
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if len(cells) > len(header):
            raise BadInput(
                f"{path} line {reader.line_num}: {len(cells)} cells for {len(header)} columns."
            )
        values = {
            name: cell.strip() for name, cell in zip(header, cells, strict=False) if cell.strip()
        }
        rows.append((reader.line_num, values))
    return rows


def _yaml_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise BadInput(f"{path}: a YAML site list is a list of URLs or of mappings.")
        rows = []
        for item in node.value:
            line = item.start_mark.line + 1
            value = loader.construct_object(item, deep=True)
            if isinstance(value, str):
                value = {"url": value}
            if not isinstance(value, dict):
                raise BadInput(f"{path} line {line}: a site is a URL or a mapping with a url.")
            rows.append((line, {_column(path, line, str(k)): v for k, v in value.items()}))
        return rows
    except yaml.YAMLError as error:
        raise BadInput(f"{path}: not valid YAML ({str(error).splitlines()[0]}).") from None
    finally:
        loader.dispose()


def _column(path: Path, line: int, name: str) -> str:
    column = name.strip().lower().replace("-", "_")
    if column not in COLUMNS:
        raise BadInput(
            f"{path} line {line}: unknown field '{name}'; the fields are {', '.join(COLUMNS)}."
        )
    return column


def _entry(path: Path, line: int, row: dict[str, Any], defaults: Defaults) -> SiteEntry:
    """One site's entry, each value checked as the command line checks its option."""
    where = f"{path} line {line}"
    if "url" not in row:
        raise BadInput(f"{where}, url: missing; every site needs its start page.")
    try:
        url = check_url(str(row["url"]))
    except BadArgument as error:
        raise BadInput(f"{where}, url: {error.message}") from None
    given = {COLUMNS[name]: value for name, value in row.items() if name != "url"}
    for name, (pattern, what) in ID_FORMATS.items():
        value = given.get(name)
        if value is not None and not pattern.match(str(value)):
            raise BadInput(f"{where}, {name}: '{value}' is not {what}.")
    if given.get("business_type") not in (None, "auto", *BUSINESS_TYPES):
        raise BadInput(
            f"{where}, type: '{given['business_type']}' is not one of auto, "
            f"{', '.join(BUSINESS_TYPES)}."
        )
    values = {
        "max_pages": defaults.max_pages,
        "time_budget": defaults.time_budget,
        "block_third_party": defaults.block_third_party,
        **given,
    }
    try:
        return SiteEntry.model_validate({"url": url, "folder": folder_name(url), **values})
    except ValidationError as error:
        problem = error.errors()[0]
        field = next(k for k, v in COLUMNS.items() if v == problem["loc"][0])
        raise BadInput(
            f"{where}, {field}: {problem['msg'].lower()} (got '{problem['input']}')."
        ) from None


def folder_name(url: str) -> str:
    """A safe, stable folder name for a site: its host, port and path in lower-case letters,
    digits, dots, dashes and underscores (www.example.com, 127.0.0.1_8080, example.com-de),
    with a digest of the URL when anything had to be replaced or cut."""
    parts = urlsplit(url)
    name = (parts.hostname or "") + (f"_{parts.port}" if parts.port else "")
    name += "".join(f"-{piece}" for piece in parts.path.split("/") if piece)
    name += f"-{parts.query}" if parts.query else ""
    safe = UNSAFE.sub("-", name).strip(".-")[:FOLDER_LENGTH]
    if safe != name or safe in RESERVED:
        return f"{safe[: FOLDER_LENGTH - 9]}-{_digest(url)}".lstrip("-")
    return safe


def _unique_folders(entries: list[SiteEntry]) -> list[SiteEntry]:
    """Sites whose names would meet (example.com/de and example.com/de/) keep them apart by a
    digest of their URL."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.folder] = counts.get(entry.folder, 0) + 1
    return [
        entry.model_copy(update={"folder": f"{entry.folder}-{_digest(entry.url)}"})
        if counts[entry.folder] > 1
        else entry
        for entry in entries
    ]


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:8]
