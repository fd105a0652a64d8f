"""The one exception type users see: a short sentence saying what went wrong and what to do."""

from __future__ import annotations

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_USAGE = 2  # a malformed argument, such as a URL that is not one (click uses 2 too)
EXIT_SITE = 3  # the site could not be scanned (bad URL, refused, HTTP error, not HTML)
EXIT_INPUT = 4  # an input file is unreadable or invalid (site.json, rule pack)
EXIT_BROWSER = 5  # no usable browser


class ScannerError(Exception):
    """An error caused by the input or the environment, reported without a traceback."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
