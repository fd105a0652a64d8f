"""Trigger selectors: the most general CSS selector that still means exactly one kind (pure).

The crawl gives each element a selector unique on its page, often positional. A GTM trigger
needs the opposite: one selector that catches the same control on every page (every product
page's add-to-cart button) and nothing else. Candidates are simple selectors built from the
element's own tag, stable attributes and classes; one is kept only when every visible element of
the crawl that it matches was found to be of the same kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.models import Finding, Site

ATTRIBUTES = ("data-action", "data-testid", "data-test", "data-track", "name", "href")
# Ids and classes that look generated (hashes, long digit runs, framework prefixes) change on the
# next deploy; the in-page collector skips the same ones (snapshot.js, stableToken).
UNSTABLE = re.compile(r"\d{4,}|[a-f0-9]{8,}|^\d|[:\[\]]|^(css|sc|jsx|svelte|ng|v|ember)-")


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
    ]
    return out


def stable(token: str) -> bool:
    return bool(token) and len(token) <= 40 and not UNSTABLE.search(token)


def candidates(control: Control) -> list[str]:
    """Simple selectors for a control, most general first."""
    tag, attrs = control.tag, control.attrs
    out = [f"{tag}.{css_escape(name)}" for name in control.classes() if stable(name)]
    out += [
        f'{tag}[{name}="{attrs[name]}"]'
        for name in ATTRIBUTES
        if attrs.get(name) and len(attrs[name]) <= 60 and '"' not in attrs[name]
    ]
    if stable(attrs.get("id", "")):
        out.append(f"#{css_escape(attrs['id'])}")
    stable_classes = [name for name in control.classes() if stable(name)]
    if len(stable_classes) > 1:
        out.append(tag + "".join(f".{css_escape(name)}" for name in stable_classes))
    return out


def matches(selector: str, control: Control) -> bool:
    """Whether a simple selector from `candidates` matches a control."""
    if selector.startswith("#"):
        return control.attrs.get("id") == css_unescape(selector[1:])
    attribute = re.fullmatch(r'([a-z0-9]+)\[([a-z-]+)="([^"]*)"\]', selector)
    if attribute:
        tag, name, value = attribute.groups()
        return control.tag == tag and control.attrs.get(name) == value
    tag, *classes = selector.split(".")
    return control.tag == tag and {css_unescape(c) for c in classes} <= set(control.classes())


def trigger_selectors(all_controls: list[Control], findings: Iterable[Finding]) -> list[str]:
    """Selectors for a trigger on these findings (one kind), sorted; a finding whose control
    no general selector fits keeps its own, often positional, selector.

    `all_controls` is `controls(site)`, computed once per site."""
    findings = list(findings)
    kind_of = {(f.page, f.selector) for f in findings}
    visible = [c for c in all_controls if c.visible]
    by_key = {(c.page, c.selector): c for c in all_controls}
    chosen: set[str] = set()
    for finding in findings:
        control = by_key.get((finding.page, finding.selector))
        if control is None:
            chosen.add(finding.selector)
            continue
        if any(matches(selector, control) for selector in chosen):
            continue
        chosen.add(
            next(
                (
                    selector
                    for selector in candidates(control)
                    if all((c.page, c.selector) in kind_of for c in visible if matches(selector, c))
                ),
                finding.selector,
            )
        )
    return sorted(chosen)


def css_escape(token: str) -> str:
    return re.sub(r"([^a-zA-Z0-9_-])", r"\\\1", token)


def css_unescape(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token)
