"""Where the bundled rules, templates and demo site are: inside the installed package, or at the
top of a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`rules`, `templates` or `fixtures/demo`: the copy inside a wheel, else the checkout's."""
    for base in (PACKAGE / "_data", PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled '{name}' directory not found next to {PACKAGE}")
