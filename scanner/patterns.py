"""Regular expressions that come from outside the code (rule packs, --include and --exclude) run
on RE2, whose time is linear in the text whatever the pattern: no pattern can hang a scan the
way `(a+)+$` hangs Python's backtracking engine. RE2 has no look-arounds or back-references;
`\\w` and `\\d` are given their Unicode meaning (as in Python), so rules in any language keep
working; `\\b` is RE2's, between ASCII word characters."""

from __future__ import annotations

from typing import Protocol

import re2  # type: ignore[import-untyped]

WORD = r"\pL\pN\pM_"  # what Python's \w matches: letters, digits, marks and _
UNICODE_CLASSES = {"w": (f"[{WORD}]", WORD), "W": (f"[^{WORD}]", ""), "d": (r"\p{Nd}", r"\p{Nd}")}
MAX_MEMORY = 64 * 2**20  # a rule's alternatives may hold a whole multilingual lexicon


class Match(Protocol):
    def group(self, group: int | str = 0, /) -> str: ...


class Pattern(Protocol):
    @property
    def pattern(self) -> str: ...

    def search(self, text: str, /) -> Match | None: ...

    def fullmatch(self, text: str, /) -> Match | None: ...


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message says why."""


def compile_pattern(source: str, ignore_case: bool = False) -> Pattern:
    """The pattern, compiled by RE2; PatternError when it is invalid or uses what RE2 lacks."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_MEMORY
    options.case_sensitive = not ignore_case
    try:
        pattern: Pattern = re2.compile(_unicode_classes(source), options)
    except re2.error as error:
        raise PatternError(_reason(error)) from None
    return pattern


def _unicode_classes(source: str) -> str:
    r"""`\w`, `\W` and `\d` spelled as the Unicode classes Python gives them, inside and outside
    brackets (a negated class inside brackets stays RE2's)."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            escaped = source[index + 1]
            outside, inside = UNICODE_CLASSES.get(escaped, ("", ""))
            replacement = inside if in_class else outside
            out.append(replacement or char + escaped)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if source[index + 1 : index + 2] == "^":
                out.append("^")
                index += 1
            if source[index + 1 : index + 2] == "]":  # a literal ] first in a class
                out.append("]")
                index += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _reason(error: Exception) -> str:
    text = error.args[0] if error.args else str(error)
    reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if "invalid perl operator: (?" in reason or "invalid escape sequence: \\" in reason:
        reason += " (look-arounds and back-references are not supported: RE2 runs in linear time)"
    return reason
