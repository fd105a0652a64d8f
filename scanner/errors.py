"""The errors the library raises: each is a sentence saying what went wrong and what to do.

Only the command line turns them into exit codes and terminal lines (scanner/cli).
"""

from __future__ import annotations


class ScannerError(Exception):
    """An error caused by the input or the environment, reported without a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadArgument(ScannerError):
    """A malformed argument: a URL that is not one, a bad pattern or ID, a port in use."""


class SiteUnavailable(ScannerError):
    """The site could not be scanned: no page could be loaded, or a start page failed."""


class PartialScan(ScannerError):
    """Some start pages could not be scanned; the others were, and their outputs written."""


class BadInput(ScannerError):
    """An input file is unreadable or invalid: a site.json, a rule pack."""


class OutputNotWritable(ScannerError):
    """The output directory cannot be written."""


class BrowserUnavailable(ScannerError):
    """No usable browser was found, or it would not start."""


class VerificationFailed(ScannerError):
    """A trigger misses a planned control or fires on an unrelated one (scanner verify)."""


class Interrupted(ScannerError):
    """Stopped by Ctrl-C or SIGTERM."""


class QueueUnavailable(ScannerError):
    """The task queue's broker (a Redis server) cannot be reached."""
