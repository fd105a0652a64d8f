"""Stable JSON text, the form of every JSON output."""

from __future__ import annotations

import json
from typing import Any


def json_text(data: Any) -> str:
    """Indented, UTF-8 characters kept, newline at the end; checked to parse back."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    json.loads(text)
    return text + "\n"
