"""Markdown that page text cannot turn into markup: every value a template prints is escaped
for where it lands. Text taken from a page (titles, button texts, selectors, dataLayer names,
error messages) is hostile input: it may hold `<script>`, `<img onerror=...>`, a
`[link](javascript:...)` or bidirectional overrides that make a line read backwards."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from scanner.resources import resource_dir

# Directional formatting characters: they reorder what a reader sees (U+202E turns 'txt.exe'
# into 'exe.txt').
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MARKUP = re.compile(r"[\\\[\]|<>]|&(?=#?\w+;)")
WHITESPACE = re.compile(r"\s+")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def text(value: object) -> str:
    """Plain Markdown text: on one line (no heading, list or table row can start), no HTML tag,
    entity or link can form, no table cell can end, no bidirectional override. Code spans in it
    are kept as they are: Markdown and HTML are not read inside them."""
    line = WHITESPACE.sub(" ", BIDI_CONTROLS.sub("", str(value)))
    pieces = CODE_SPAN.split(line)  # text, fence, code, fence-end text...
    out = []
    for index, piece in enumerate(pieces):
        if index % 3 == 0:
            out.append(MARKUP.sub(lambda m: ENTITIES.get(m.group(0), "\\" + m.group(0)), piece))
        elif index % 3 == 2:
            out.append(f"{pieces[index - 1]}{piece}{pieces[index - 1]}")
    return "".join(out)


def code(value: object) -> Markup:
    """A code span: shown as written (Markdown and HTML are not read inside one), fenced with
    more backticks than the value holds in a row, on one line."""
    line = " ".join(BIDI_CONTROLS.sub("", str(value)).split())
    fence = "`" * (_longest_backtick_run(line) + 1)
    padded = f" {line} " if line.startswith("`") or line.endswith("`") else line
    return Markup(f"{fence}{padded}{fence}")


def fenced(value: object, language: str = "") -> Markup:
    """A fenced code block whose fence no line of the value can close."""
    body = BIDI_CONTROLS.sub("", str(value))
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return Markup(f"{fence}{language}\n{body}\n{fence}")


def _longest_backtick_run(value: str) -> int:
    return max((len(run) for run in re.findall("`+", value)), default=0)


def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) else text(value)


@cache
def templates() -> Environment:
    """The Markdown templates: every printed value escaped as text unless a filter (`code`,
    `fenced`) made it safe for its place."""
    environment = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        finalize=_finalize,
    )
    environment.filters["code"] = code
    environment.filters["fenced"] = fenced
    return environment
