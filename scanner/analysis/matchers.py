"""The closed vocabulary of rule matchers, compiled once and evaluated against one subject.

A `match` block is a mapping; all its keys must hold. `any`, `all` and `not` combine blocks.
Evaluating returns the evidence (what matched, in words) or None when the block does not hold.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard, TypeVar

from scanner.models import KINDS, Element, Form, Frame, Kind, Page
from scanner.patterns import WORD, Pattern, PatternError, compile_pattern
from scanner.url_templates import split_url

TARGETS = ("element", "form", "frame", "page")
LANDMARKS = ("nav", "header", "footer", "main", "aside", "form")
LEXICON_REFERENCE = re.compile(r"@([a-z_]+)")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Subject:
    """What one rule looks at: an element, form or frame on a page, or the page itself.

    An element inside a form carries that form too, so `fields` and `action` work on its buttons.
    """

    target: str
    page: Page
    element: Element | None = None
    form: Form | None = None
    frame: Frame | None = None
    field_types: frozenset[str] = frozenset()
    field_count: int = 0
    page_kinds: Mapping[str, int] = field(default_factory=dict)
    page_looks: Mapping[tuple[Kind, str], int] = field(default_factory=dict)  # classify._look

    def text(self) -> str:
        if self.element is not None:
            return self.element.text
        if self.form is not None:
            return " | ".join(part for part in (self.form.heading, self.form.submit_text) if part)
        if self.frame is not None:
            return self.frame.title
        return self.page.title


Check = Callable[[Subject], "list[str] | None"]


MENUS = ("header", "nav")  # landmarks whose hidden links are menus that open on a hover


class RuleSyntaxError(ValueError):
    """A match block that does not follow the vocabulary; the message names the field."""


@dataclass(frozen=True)
class Compiler:
    """Compiles match blocks; `lexicon` maps @names to lists of phrases (regular expressions)."""

    lexicon: Mapping[str, list[str]]
    target: str

    def block(self, spec: Any, where: str) -> Check:
        if not isinstance(spec, dict) or not spec:
            raise RuleSyntaxError(f"{where}: a match block must be a non-empty mapping")
        return _every([self.matcher(key, value, f"{where}.{key}") for key, value in spec.items()])

    def matcher(self, key: str, value: Any, where: str) -> Check:
        builders: dict[str, Callable[[Any, str], Check]] = {
            "any": self._any,
            "all": self._all,
            "not": self._not,
            "tag": self._tag,
            "role": self._role,
            "text": self._text,
            "submit": self._submit,
            "words": self._words,
            "attr": self._attr,
            "href": self._href,
            "external": self._external,
            "in_page_anchor": self._in_page_anchor,
            "action": self._action,
            "src": self._src,
            "fields": self._fields,
            "inside": self._inside,
            "visible": self._visible,
            "url": self._url,
            "title": self._title,
            "jsonld": self._jsonld,
            "meta": self._meta,
            "links": self._links,
            "page_has": self._page_has,
        }
        if key not in builders:
            raise RuleSyntaxError(
                f"{where}: unknown matcher '{key}'; known: {', '.join(sorted(builders))}"
            )
        return builders[key](value, where)

    # --- combinators ---

    def _blocks(self, value: Any, where: str) -> list[Check]:
        if not isinstance(value, list) or not value:
            raise RuleSyntaxError(f"{where}: expects a non-empty list of match blocks")
        return [self.block(item, f"{where}[{i}]") for i, item in enumerate(value)]

    def _any(self, value: Any, where: str) -> Check:
        return _first(self._blocks(value, where))

    def _all(self, value: Any, where: str) -> Check:
        return _every(self._blocks(value, where))

    def _not(self, value: Any, where: str) -> Check:
        block = self.block(value, where)
        return lambda subject: None if block(subject) is not None else []

    # --- element and form matchers ---

    def _tag(self, value: Any, where: str) -> Check:
        tags = set(_strings(value, where))

        def check(subject: Subject) -> list[str] | None:
            tag = _subject_tag(subject)
            return [f"tag {tag}"] if tag in tags else None

        return check

    def _role(self, value: Any, where: str) -> Check:
        roles = set(_strings(value, where))

        def check(subject: Subject) -> list[str] | None:
            item = subject.element or subject.form
            role = item.role if item is not None else ""
            return [f"role {role}"] if role in roles else None

        return check

    def _text(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where, words=True)
        return _search("text", pattern, Subject.text)

    def _words(self, value: Any, where: str) -> Check:
        """How many words the subject's text has: calls to action are short."""
        if not isinstance(value, dict) or set(value) - {"min", "max"} or not value:
            raise RuleSyntaxError(f"{where}: expects a mapping with min and/or max")
        low, high = value.get("min", 0), value.get("max", 10_000)
        if not isinstance(low, int) or not isinstance(high, int):
            raise RuleSyntaxError(f"{where}: min and max must be whole numbers")

        def check(subject: Subject) -> list[str] | None:
            count = len(subject.text().split())
            return [f"{count} word(s)"] if low <= count <= high else None

        return check

    def _submit(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where, words=True)
        return _search("submit text", pattern, lambda s: _subject_form(s).submit_text)

    def _attr(self, value: Any, where: str) -> Check:
        if not isinstance(value, dict) or not value:
            raise RuleSyntaxError(f"{where}: expects a mapping of attribute name to pattern")
        patterns = {name: self.pattern(p, f"{where}.{name}") for name, p in value.items()}

        def check(subject: Subject) -> list[str] | None:
            attrs = _subject_attrs(subject)
            for name, pattern in patterns.items():
                items = attrs.items() if name == "*" else [(name, attrs.get(name, ""))]
                for attr, text in items:
                    if text and pattern.found(text) is not None:
                        return [f"{attr}={text[:60]!r} matches /{pattern.source[:60]}/"]
            return None

        return check

    def _href(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where)
        return _search("href", pattern, lambda s: s.element.href if s.element else "")

    def _external(self, value: Any, where: str) -> Check:
        """Whether the element links to another host than its page's (an app, a booking
        service), or to its own (the one it is on, or the one its canonical address names)."""
        if not isinstance(value, bool):
            raise RuleSyntaxError(f"{where}: expects true or false")

        own_hosts = _of_last_page(_own_hosts)

        def check(subject: Subject) -> list[str] | None:
            href = subject.element.href if subject.element else ""
            if not href.startswith(("http://", "https://")):
                return None
            other = _host(href) not in own_hosts(subject.page)
            if other != value:
                return None
            return [f"links to {'another host' if other else 'its own host'}"]

        return check

    def _in_page_anchor(self, value: Any, where: str) -> Check:
        """Whether the element is a link to a place on its own page (#main, #pricing: skip links,
        tabs, table-of-contents anchors), which never leads anywhere."""
        if not isinstance(value, bool):
            raise RuleSyntaxError(f"{where}: expects true or false")

        def check(subject: Subject) -> list[str] | None:
            element = subject.element
            href = element.href if element else ""
            written = element.attrs.get("href", "") if element else ""
            page = subject.page
            addresses = (page.url, page.requested_url, page.meta.get("canonical", ""))
            anchor = _in_page_anchor(href, addresses, written)
            if anchor != value:
                return None
            return [f"in-page anchor {href}"] if anchor else []

        return check

    def _action(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where)
        return _search("form action", pattern, lambda s: _subject_form(s).action)

    def _src(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where)
        return _search("src", pattern, lambda s: s.frame.src if s.frame else "")

    def _fields(self, value: Any, where: str) -> Check:
        if not isinstance(value, dict):
            raise RuleSyntaxError(f"{where}: expects a mapping with all/any/none/min/max")
        unknown = set(value) - {"all", "any", "none", "min", "max"}
        if unknown:
            raise RuleSyntaxError(f"{where}: unknown key(s) {sorted(unknown)}")
        need, some, never = (
            set(_strings(value[key], f"{where}.{key}")) if key in value else set()
            for key in ("all", "any", "none")
        )
        low, high = value.get("min", 0), value.get("max", 10_000)
        if not isinstance(low, int) or not isinstance(high, int):
            raise RuleSyntaxError(f"{where}: min and max must be whole numbers")

        def check(subject: Subject) -> list[str] | None:
            types = subject.field_types
            if not (need <= types and (not some or some & types) and not never & types):
                return None
            if not low <= subject.field_count <= high:
                return None
            return [f"form fields {sorted(types)}"]

        return check

    def _inside(self, value: Any, where: str) -> Check:
        places = set(_strings(value, where))
        if not places <= set(LANDMARKS):
            raise RuleSyntaxError(f"{where}: landmarks are {', '.join(LANDMARKS)}")

        def check(subject: Subject) -> list[str] | None:
            item = subject.element or subject.form
            if item is None:
                return None
            if "form" in places and subject.element is not None and subject.form is not None:
                return ["inside a form"]
            return [f"inside {item.landmark}"] if item.landmark in places else None

        return check

    def _visible(self, value: Any, where: str) -> Check:
        """true, false, any (shown or hidden when the page loaded: a drop-down, a drawer), or
        menu: shown, or in the header or navigation, whose menus open on a hover or a tap."""
        if value == "any":
            return lambda subject: []
        if value == "menu":

            def in_view_or_menu(subject: Subject) -> list[str] | None:
                element = subject.element
                if element is None or element.visible:
                    return []
                return (
                    [f"in a menu of the {element.landmark}"] if element.landmark in MENUS else None
                )

            return in_view_or_menu
        if not isinstance(value, bool):
            raise RuleSyntaxError(f"{where}: expects true, false, any or menu")

        def check(subject: Subject) -> list[str] | None:
            item = subject.element or subject.form or subject.frame
            shown = item.visible if item is not None else True
            return [] if shown == value else None

        return check

    # --- page matchers (usable on every target: they read the subject's page) ---

    def _url(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where)
        return _search("page URL", pattern, lambda s: _path_and_query(s.page.url))

    def _title(self, value: Any, where: str) -> Check:
        pattern = self.pattern(value, where, words=True)
        return _search("page title", pattern, lambda s: s.page.title)

    def _jsonld(self, value: Any, where: str) -> Check:
        types = set(_strings(value, where))

        def check(subject: Subject) -> list[str] | None:
            found = types & set(subject.page.jsonld_types)
            return [f"schema.org {', '.join(sorted(found))}"] if found else None

        return check

    def _meta(self, value: Any, where: str) -> Check:
        if not isinstance(value, dict) or not value:
            raise RuleSyntaxError(f"{where}: expects a mapping of meta name to pattern")
        patterns = {name: self.pattern(p, f"{where}.{name}") for name, p in value.items()}

        def check(subject: Subject) -> list[str] | None:
            for name, pattern in patterns.items():
                content = subject.page.meta.get(name, "")
                if not (content and pattern.found(content) is not None):
                    return None
            return [f"meta {', '.join(sorted(patterns))}"]

        return check

    def _links(self, value: Any, where: str) -> Check:
        """Whether the page links to an address of its own site that the pattern matches (its
        pricing page, say): what the site is, seen from every page of it."""
        pattern = self.pattern(value, where)

        def linked(page: Page) -> list[str] | None:
            own = _own_hosts(page)
            found = (a for a in page.links if _host(a) in own and pattern.found(a) is not None)
            link = next(found, None)
            return None if link is None else [f"page links to {link}"]

        answer = _of_last_page(linked)
        return lambda subject: answer(subject.page)

    def _page_has(self, value: Any, where: str) -> Check:
        """Kinds found on the page: a list (any of them), or {kinds, min, max} to count them,
        and `max_alike`, the most of them that may look the same (a listing repeats one button
        for each product; a product page has an add-to-cart and a buy-now)."""
        spec = value if isinstance(value, dict) else {"kinds": value}
        unknown_keys = set(spec) - {"kinds", "min", "max", "max_alike"}
        if unknown_keys:
            raise RuleSyntaxError(f"{where}: unknown key(s) {sorted(unknown_keys)}")
        kinds = set(_strings(spec.get("kinds"), f"{where}.kinds"))
        low, high = spec.get("min", 1), spec.get("max", 10_000)
        most_alike = spec.get("max_alike", high)
        if kinds - set(KINDS):
            raise RuleSyntaxError(f"{where}: unknown kind(s) {sorted(kinds - set(KINDS))}")
        if not (_whole(low) and _whole(high) and _whole(most_alike)):
            raise RuleSyntaxError(f"{where}: min, max and max_alike must be whole numbers")
        if self.target != "page":
            raise RuleSyntaxError(f"{where}: page_has is only for rules whose target is page")

        def check(subject: Subject) -> list[str] | None:
            count = sum(subject.page_kinds.get(kind, 0) for kind in kinds)
            alike = [n for (kind, _), n in subject.page_looks.items() if kind in kinds]
            if not low <= count <= high or max(alike, default=0) > most_alike:
                return None
            return [f"page has {count} {'/'.join(sorted(kinds))}"]

        return check

    # --- patterns ---

    def pattern(self, value: Any, where: str, words: bool = False) -> RulePattern:
        """A case-insensitive pattern from a pattern or a list of patterns, where `@name` stands
        for the phrases of a lexicon entry (alone or inside a larger pattern). It runs on RE2
        (scanner.patterns): no rule can make the analysis of a page hang.

        With `words`, each alternative must stand as whole words (the text around it is not a
        letter or digit), so 'cart' does not match 'cartridge'.
        """

        def expand(reference: re.Match[str]) -> str:
            name = reference.group(1)
            if name not in self.lexicon:
                raise RuleSyntaxError(f"{where}: unknown lexicon entry '@{name}'")
            return "(?:" + "|".join(f"(?:{phrase})" for phrase in self.lexicon[name]) + ")"

        parts = [LEXICON_REFERENCE.sub(expand, item) for item in _strings(value, where)]
        alternatives = "|".join(f"(?:{part})" for part in parts)
        found = f"(?P<found>{alternatives})"
        source = rf"(?:^|[^{WORD}]){found}(?:[^{WORD}]|$)" if words else found
        try:
            return RulePattern(alternatives, compile_pattern(source, ignore_case=True))
        except PatternError as error:
            raise RuleSyntaxError(f"{where}: invalid regular expression ({error})") from None


@dataclass(frozen=True)
class RulePattern:
    """A rule's pattern as written (lexicon references expanded) and compiled."""

    source: str
    regex: Pattern

    def found(self, text: str) -> str | None:
        """The text the pattern matches in `text` (without the word boundaries), or None."""
        match = self.regex.search(text)
        return None if match is None else match.group("found")


def _every(checks: list[Check]) -> Check:
    """Holds when every check holds; the evidence of all of them."""

    def check(subject: Subject) -> list[str] | None:
        evidence: list[str] = []
        for one in checks:
            found = one(subject)
            if found is None:
                return None
            evidence.extend(found)
        return evidence

    return check


def _first(checks: list[Check]) -> Check:
    """Holds when one check holds; the evidence of the first that does."""

    def check(subject: Subject) -> list[str] | None:
        for one in checks:
            found = one(subject)
            if found is not None:
                return found
        return None

    return check


def _strings(value: Any, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise RuleSyntaxError(f"{where}: expects a non-empty string or list of strings")
    return items


def _search(what: str, pattern: RulePattern, read: Callable[[Subject], str]) -> Check:
    def check(subject: Subject) -> list[str] | None:
        text = read(subject)
        found = pattern.found(text) if text else None
        return [f"{what} contains {found!r}"] if found is not None else None

    return check


def _subject_tag(subject: Subject) -> str:
    if subject.element is not None:
        return subject.element.tag
    if subject.frame is not None:
        return subject.frame.tag
    return "form" if subject.form is not None else ""


def _subject_attrs(subject: Subject) -> dict[str, str]:
    if subject.element is not None:
        return subject.element.attrs
    if subject.form is not None:
        form = subject.form
        return {"id": form.id, "name": form.name, "class": form.classes, "role": form.role}
    return {}


def _subject_form(subject: Subject) -> Form:
    """The subject's form: itself, or the form an element sits in."""
    return subject.form or Form(selector="")


def _in_page_anchor(href: str, addresses: tuple[str, ...], written: str = "") -> bool:
    """A link to a fragment of the page it is on (not '#' alone, not a #/route): written as
    '#pricing', or resolving to one of the page's `addresses`: as recorded (without tracking
    parameters, query sorted), as requested, or its canonical address (og:url and <base href>
    often name the home page, not this one)."""
    if written.startswith("#"):
        return _fragment(written)
    base, _, fragment = href.partition("#")
    if not _fragment("#" + fragment):
        return False
    return _same_document(base) in {
        _same_document(address.partition("#")[0]) for address in addresses if address
    }


def _of_last_page(compute: Callable[[Page], _T]) -> Callable[[Page], _T]:
    """`compute`, remembered for the last page it was asked about: the subjects of one page come
    in a row, and what the page says of itself is the same for each of them."""
    last: list[tuple[Page, _T]] = []

    def remembered(page: Page) -> _T:
        if not last or last[0][0] is not page:
            last[:] = [(page, compute(page))]
        return last[0][1]

    return remembered


def _own_hosts(page: Page) -> set[str]:
    """The hosts of the page's site: the one it is on, those it names (rel=canonical, og:url,
    its <base href>; a relative og:url names none), and the one most of its links go to when
    that is not the one it is on, so that a saved or mirrored copy served from elsewhere still
    knows which of its links stay on its site (a saved page links to its site by full address)."""
    named = [page.meta.get(name, "") for name in ("canonical", "og:url", "base")]
    own = {_host(a) for a in (page.url, *named) if a.startswith(("http://", "https://"))}
    linked = Counter(_host(link) for link in page.links if link.startswith(("http://", "https://")))
    for host, links in linked.most_common(1):
        if links * 2 >= linked.total() and linked[_host(page.url)] < links:
            own.add(host)
    return own


def _same_document(address: str) -> str:
    """An address without what does not change the document: /index.html, a trailing slash."""
    path, mark, query = address.partition("?")
    for index in ("index.html", "index.htm", "index.php"):
        path = path.removesuffix(index)
    return path.rstrip("/") + mark + query


def _fragment(written: str) -> bool:
    fragment = written[1:]
    return bool(fragment) and not fragment.startswith(("/", "!/"))


def _host(url: str) -> str:
    return split_url(url).hostname or ""


def _path_and_query(url: str) -> str:
    without_scheme = url.split("://", 1)[-1]
    return "/" + without_scheme.split("/", 1)[1] if "/" in without_scheme else "/"


def _whole(value: object) -> TypeGuard[int]:
    """A count a rule may give: a whole number, not negative (and not a YAML true)."""
    return type(value) is int and value >= 0
