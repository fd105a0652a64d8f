"""How many sites this machine scans at once: one per processor, as far as memory allows. Each
scan already loads several pages at once in its own Chromium, so more sites than processors
only slow each other down."""

from __future__ import annotations

import os

import psutil

SITE_MEMORY = 2**30  # bytes a scan may take (PSS of Python and Chromium: bench/batch.py)


def sites_at_once(cpus: int | None = None, available: int | None = None) -> int:
    """At least 1; at most the processors, and the available memory over SITE_MEMORY."""
    cpus = cpus if cpus is not None else os.cpu_count() or 1
    available = available if available is not None else psutil.virtual_memory().available
    return max(1, min(cpus, available // SITE_MEMORY))
