"""Trigger selectors: the fewest CSS selectors that catch every control of one kind across the
crawl and nothing else (pure).

The crawl gives each element a selector unique on its page, often positional. A GTM trigger
needs the opposite: selectors that catch the same control on every page (every product page's
add-to-cart button) and no other. Candidates are simple selectors built from each control's own
tag and attributes, the most stable first: data-* and name attributes and address patterns, then
ids, then classes. A candidate is usable only when every control of the crawl it can catch
(`catchable`) was found to be of the kind; the usable candidates that cover the most controls
are chosen one by one. Controls that no candidate fits keep their page's own selector, scoped
to that page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from scanner.models import Finding, PageSelectors, Site
from scanner.url_templates import split_url

# Attributes whose value names what a control does, the same on every page.
ATTRIBUTES = ("data-action", "data-testid", "data-test", "data-track", "name")
# Ids and classes that look generated (hashes, long digit runs, framework prefixes) change on the
# next deploy; the in-page collector skips the same ones (snapshot.js, stableToken).
UNSTABLE = re.compile(r"\d{4,}|[a-f0-9]{8,}|^\d|[:\[\]]|^(css|sc|jsx|svelte|ng|v|ember)-")
IDENTIFIER = re.compile(r"^[\w-]*\d[\w-]*$")  # an id, sku or count: differs per product
# Classes of a CSS framework's look (Bootstrap's btn-primary, Tailwind's utilities): on pages the
# crawl did not see they mark any control, so a class that says what the control is comes first.
# Only the framework's own names: btn-add-to-cart says what it is.
STYLING = re.compile(
    r"^((btn|button)(-{1,2}(primary|secondary|success|danger|warning|info|light|dark|link|"
    r"default|lg|sm|xs|small|medium|large|block|full-width|outline(-[a-z]+)?))?"
    r"|col(-(xs|sm|md|lg|xl|xxl))?(-\d+|-auto)?|row|primary|secondary"
    r"|[mp][trblxyse]?-(\d+|auto|px)|[wh]-(\d+|full|auto|screen|fit)|d-(none|block|flex|inline\S*)"
    r"|text-(left|right|center|start|end|xs|sm|base|lg|[2-9]?xl|white|black|[a-z]+-\d{2,3})"
    r"|bg-[a-z]+(-\d{2,3})?|font-(bold|semibold|medium|normal|light)|rounded(-[a-z]+)?"
    r"|shadow(-[a-z]+)?|border(-[a-z0-9]+)?|flex(-[a-z0-9]+)?|inline-flex|items-[a-z]+"
    r"|justify-[a-z]+|gap-\d+|space-[xy]-\d+|uppercase|lowercase|capitalize|cursor-pointer|z-\d+)$"
)


@dataclass(frozen=True)
class Control:
    """What a simple selector can be tested against: an element's or a form's tag and attributes."""

    page: str
    selector: str
    tag: str
    attrs: dict[str, str]
    visible: bool

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


def catchable(all_controls: list[Control], targets: set[tuple[str, str]]) -> list[Control]:
    """The controls a trigger can catch: those shown at load, and the kind's own `targets`
    (page, selector) hidden or not (a drawer's checkout link); a hidden copy of another control
    is never clicked."""
    return [c for c in all_controls if c.visible or (c.page, c.selector) in targets]


def controls(site: Site) -> list[Control]:
    out = [
        Control(page.url, element.selector, element.tag, element.attrs, element.visible)
        for page in site.pages
        for element in page.elements
    ]
    out += [
        Control(
            page.url,
            form.selector,
            "form",
            {"id": form.id, "name": form.name, "class": form.classes},
            form.visible,
        )
        for page in site.pages
        for form in page.forms
        if not form.formless  # its selector is its button's, a control already
    ]
    return out


def stable(token: str) -> bool:
    return bool(token) and len(token) <= 40 and not UNSTABLE.search(token)


@dataclass(frozen=True)
class Candidate:
    """A simple selector, how stable it is (lower is better), and its test on a control."""

    selector: str
    rank: int
    test: Callable[[Control], bool]


def candidates(control: Control) -> list[Candidate]:
    """Simple selectors for a control, the most stable first."""
    tag, attrs = control.tag, control.attrs
    out = [
        _equals(tag, name, attrs[name], 0)
        for name in ATTRIBUTES
        if attrs.get(name) and len(attrs[name]) <= 60 and '"' not in attrs[name]
    ]
    out += [
        _present(tag, name)
        for name, value in sorted(attrs.items())
        if name.startswith("data-") and name not in ATTRIBUTES and IDENTIFIER.match(value)
    ]
    out += _href_patterns(tag, attrs.get("href", ""))
    if stable(attrs.get("id", "")):
        ident = attrs["id"]
        out.append(Candidate(f"#{css_escape(ident)}", 1, lambda c: c.attrs.get("id") == ident))
    stable_classes = [name for name in control.classes() if stable(name)]
    out += [_with_class(tag, name) for name in stable_classes]
    if len(stable_classes) > 1:
        wanted = set(stable_classes)
        out.append(
            Candidate(
                tag + "".join(f".{css_escape(name)}" for name in stable_classes),
                3,
                lambda c: c.tag == tag and wanted <= set(c.classes()),
            )
        )
    return out


def _present(tag: str, name: str) -> Candidate:
    return Candidate(f"{tag}[{name}]", 0, lambda c: c.tag == tag and name in c.attrs)


def _with_class(tag: str, name: str) -> Candidate:
    rank = 3 if STYLING.match(name) else 2
    return Candidate(
        f"{tag}.{css_escape(name)}", rank, lambda c: c.tag == tag and name in c.classes()
    )


def _equals(tag: str, name: str, value: str, rank: int) -> Candidate:
    return Candidate(
        f'{tag}[{name}="{value}"]', rank, lambda c: c.tag == tag and c.attrs.get(name) == value
    )


def _href_patterns(tag: str, href: str) -> list[Candidate]:
    """Address patterns of a link: its address, the query key that says what it does
    (?add-to-cart=12), the first path segment (/pricing/...), the host of an outside service
    (calendly.com)."""
    if tag != "a" or not href or '"' in href or len(href) > 100:
        return []
    parts = split_url(href)
    out = [_equals(tag, "href", href, 0)]
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if IDENTIFIER.match(value) and stable(key):
            fragment = f"{key}="
            out.append(_contains(tag, fragment, 0))
    segment = parts.path.strip("/").split("/")[0] if parts.path.strip("/") else ""
    if not parts.netloc and segment and stable(segment) and "." not in segment:
        out.append(_starts(tag, f"/{segment}", 0))
    if parts.netloc and stable(parts.netloc.split(":")[0]):
        out.append(_contains(tag, f"//{parts.netloc}/", 0))
    return out


def _contains(tag: str, text: str, rank: int) -> Candidate:
    return Candidate(
        f'{tag}[href*="{text}"]', rank, lambda c: c.tag == tag and text in c.attrs.get("href", "")
    )


def _starts(tag: str, text: str, rank: int) -> Candidate:
    return Candidate(
        f'{tag}[href^="{text}"]',
        rank,
        lambda c: c.tag == tag and c.attrs.get("href", "").startswith(text),
    )


@dataclass(frozen=True)
class TriggerSelectors:
    """Selectors that catch a kind's controls on every page, and those kept for one page."""

    site_wide: list[str]
    scoped: list[PageSelectors]
    matched: int  # controls of the crawl the selectors catch (shown, or of the kind)
    unrelated: list[str]  # of those, the ones that are not of the kind (page and selector)


def trigger_selectors(all_controls: list[Control], findings: Iterable[Finding]) -> TriggerSelectors:
    """The fewest stable selectors for these findings (one kind).

    `all_controls` is `controls(site)`, computed once per site."""
    findings = list(findings)
    targets = {(f.page, f.selector) for f in findings}
    by_key = {(c.page, c.selector): c for c in all_controls}
    found = [by_key[key] for key in sorted(targets) if key in by_key]
    reachable = catchable(all_controls, targets)
    pool = {cand.selector: cand for control in found for cand in candidates(control)}
    usable = [
        cand
        for cand in pool.values()
        if all((c.page, c.selector) in targets for c in reachable if cand.test(c))
    ]
    uncovered = {(c.page, c.selector) for c in found}
    chosen: list[Candidate] = []
    while uncovered:
        scored = [
            (len([c for c in found if (c.page, c.selector) in uncovered and cand.test(c)]), cand)
            for cand in usable
        ]
        best = max(
            scored, key=lambda item: (item[0], -item[1].rank, item[1].selector), default=None
        )
        if best is None or best[0] == 0:
            break
        chosen.append(best[1])
        uncovered -= {(c.page, c.selector) for c in found if best[1].test(c)}
    leftover = uncovered | (targets - set(by_key))
    scoped: dict[str, set[str]] = {}
    for page, selector in leftover:
        scoped.setdefault(split_url(page).path or "/", set()).add(selector)
    caught = [c for c in reachable if any(cand.test(c) for cand in chosen)]
    caught += [c for c in reachable if (c.page, c.selector) in leftover]
    return TriggerSelectors(
        site_wide=sorted(cand.selector for cand in chosen),
        scoped=[
            PageSelectors(path=path, selectors=sorted(selectors))
            for path, selectors in sorted(scoped.items())
        ],
        matched=len({(c.page, c.selector) for c in caught}),
        unrelated=sorted(
            f"{c.page} {c.selector}" for c in caught if (c.page, c.selector) not in targets
        ),
    )


def css_escape(token: str) -> str:
    return re.sub(r"([^a-zA-Z0-9_-])", r"\\\1", token)
