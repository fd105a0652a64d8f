"""The one place that writes files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scanner.errors import OutputNotWritable
from scanner.models import Analysis
from scanner.outputs.registry import Output


def write_outputs(analysis: Analysis, outputs: Iterable[Output], out: Path) -> list[Path]:
    """Render each output and write it into `out` (created if needed); the paths written."""
    rendered = [(out / output.name, output.render(analysis)) for output in outputs]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, text in rendered:
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise OutputNotWritable(f"cannot write to {out}: {error.strerror}.") from None
    return [path for path, _ in rendered]
