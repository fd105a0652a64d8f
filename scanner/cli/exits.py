"""Exit codes: what each means (shown in --help and the README), and which error gives it."""

from __future__ import annotations

from scanner.errors import (
    BadArgument,
    BadInput,
    BrowserUnavailable,
    Interrupted,
    OutputNotWritable,
    PartialScan,
    QueueUnavailable,
    ScannerError,
    SiteUnavailable,
    VerificationFailed,
)

EXIT_CODES = {
    0: "done",
    1: "scanner diff only: something changed between the two scans (what --fail-on counts)",
    2: "a malformed argument",
    3: "the site (in a batch: every site) could not be scanned",
    4: "an input file is unreadable or invalid, or the output directory cannot be written",
    5: "no usable browser",
    6: "some start pages (in a batch: some sites) could not be scanned; the outputs of the "
    "others are written",
    7: "verify: a trigger misses a planned control or fires on an unrelated one, or a page "
    "did not load",
    8: "the task queue (its Redis server) cannot be reached",
    130: "interrupted with Ctrl-C or SIGTERM",
}
EXIT_BY_ERROR: dict[type[ScannerError], int] = {
    BadArgument: 2,
    SiteUnavailable: 3,
    BadInput: 4,
    OutputNotWritable: 4,
    BrowserUnavailable: 5,
    PartialScan: 6,
    VerificationFailed: 7,
    QueueUnavailable: 8,
    Interrupted: 130,
}
