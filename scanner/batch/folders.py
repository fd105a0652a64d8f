"""The batch directory: one folder per site, each finished whole. A site is scanned into
OUT/.partial/FOLDER; its done marker (batch.json: the entry and its outcome) is written there
last, then the folder is renamed into place, so OUT/FOLDER always holds complete outputs and a
site without it is scanned again."""

from __future__ import annotations

import base64
import shutil
import zlib
from contextlib import suppress
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from scanner.errors import BadInput, OutputNotWritable
from scanner.models import SiteEntry, SiteOutcome, SiteRecord
from scanner.outputs.write import write_file

MARKER = "batch.json"
STAGING = ".partial"


def check_folders(out: Path, entries: list[SiteEntry]) -> None:
    """OutputNotWritable when a site's folder exists but is not one a batch wrote."""
    for entry in entries:
        folder = out / entry.folder
        if folder.exists() and not (folder / MARKER).is_file():
            raise OutputNotWritable(
                f"{folder} exists and was not written by scanner batch; remove it or choose "
                "another -o DIR."
            )


def finished(out: Path, entry: SiteEntry) -> SiteRecord | None:
    """The record of a site finished with these very options, else None (to scan)."""
    try:
        record = SiteRecord.model_validate_json((out / entry.folder / MARKER).read_bytes())
    except (OSError, ValidationError):
        return None
    return record if record.entry == entry else None


def staging(out: Path, entry: SiteEntry) -> Path:
    """An empty directory to scan the site into."""
    folder = out / STAGING / entry.folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def finish(out: Path, entry: SiteEntry, outcome: SiteOutcome, staged: Path) -> SiteRecord:
    """Write the done marker into the staged folder, then move it into place."""
    record = SiteRecord(entry=entry, outcome=outcome)
    write_file(staged / MARKER, record.model_dump_json(indent=2) + "\n")
    final, old = out / entry.folder, out / STAGING / f"{entry.folder}.old"
    try:
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
        staged.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        raise OutputNotWritable(f"cannot move {staged} to {final}: {error.strerror}.") from None
    return record


def tidy(out: Path) -> None:
    """Remove the staging directory once nothing is left in it."""
    with suppress(OSError):
        (out / STAGING).rmdir()


def pack(folder: Path) -> dict[str, str]:
    """Every file under `folder` (screenshots too) as relative path -> compressed base64, for
    a task result to carry; sorted, so the same folder gives the same map."""
    return {
        path.relative_to(folder).as_posix(): base64.b64encode(
            zlib.compress(path.read_bytes())
        ).decode("ascii")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def unpack(files: dict[str, str], folder: Path) -> None:
    """Write a packed folder into `folder`; BadInput for a path that would leave it."""
    for name, data in sorted(files.items()):
        relative = PurePosixPath(name)
        if relative.is_absolute() or not relative.parts or ".." in relative.parts:
            raise BadInput(f"a worker returned the file '{name}', outside its site's folder.")
        write_file(folder.joinpath(*relative.parts), zlib.decompress(base64.b64decode(data)))
