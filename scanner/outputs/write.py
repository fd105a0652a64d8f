"""The one place that writes files: each output whole or not at all (written beside, then
renamed), into a directory checked before the crawl starts."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from scanner.errors import OutputNotWritable
from scanner.models import Analysis
from scanner.outputs.registry import Output


def check_writable(out: Path) -> None:
    """OutputNotWritable now, rather than after a long crawl, when `out` cannot be written."""
    if not str(out).strip():
        raise OutputNotWritable("the output directory is empty; give one with -o DIR.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".scanner-check-"):
            pass
    except OSError as error:
        raise OutputNotWritable(f"cannot write to {out}: {error.strerror}.") from None


def write_outputs(analysis: Analysis, outputs: Iterable[Output], out: Path) -> list[Path]:
    """Render each output and write it into `out` (created if needed); the paths written."""
    rendered = [(out / output.name, output.render(analysis)) for output in outputs]
    check_writable(out)
    try:
        for path, text in rendered:
            _write_whole(path, text)
    except OSError as error:
        raise OutputNotWritable(f"cannot write to {out}: {error.strerror}.") from None
    return [path for path, _ in rendered]


SHOTS_DIRECTORY = "shots"


def write_shots(shots: dict[str, bytes], out: Path) -> None:
    """The screenshots, by file name, into `out`/shots/ (report.html links them there)."""
    if not shots:
        return
    try:
        (out / SHOTS_DIRECTORY).mkdir(parents=True, exist_ok=True)
        for name, image in sorted(shots.items()):
            _write_whole(out / SHOTS_DIRECTORY / name, image)
    except OSError as error:
        raise OutputNotWritable(f"cannot write to {out}: {error.strerror}.") from None


def write_file(path: Path, content: str | bytes) -> None:
    """Write one file whole (its directory created if needed); OutputNotWritable if it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_whole(path, content)
    except OSError as error:
        raise OutputNotWritable(f"cannot write {path}: {error.strerror}.") from None


def _write_whole(path: Path, content: str | bytes) -> None:
    """Write beside the file, then rename over it: a full disk or Ctrl-C never leaves half a
    file (and the file gets the usual permissions, unlike a temporary file's)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        partial.write_bytes(data)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
