"""The classify stage: apply rule packs to the crawl record and produce findings (pure)."""

from __future__ import annotations

from collections import Counter

from scanner.analysis.matchers import Subject
from scanner.analysis.rules import Rule, RuleSet
from scanner.analysis.selectors import IDENTIFIER, stable
from scanner.models import Finding, Form, Page, Site


def classify(site: Site, rules: RuleSet) -> list[Finding]:
    """All findings of all pages, sorted by page, kind and selector."""
    findings = [finding for page in site.pages for finding in classify_page(page, rules)]
    return sorted(findings, key=lambda f: (f.page, f.kind, f.selector, f.rule))


def classify_page(page: Page, rules: RuleSet) -> list[Finding]:
    """Element, form and frame rules first; then page rules, which may ask what those found.

    A bot challenge or a login wall is not the site's content: it gets no findings."""
    if page.obstacle:
        return []
    fields = [field_types(form, rules) for form in page.forms]
    subjects: dict[str, list[Subject]] = {"element": [], "form": [], "frame": []}
    for element, form in zip(page.elements, element_forms(page), strict=True):
        types, count = fields[element.form] if form is not None else (frozenset(), 0)
        subjects["element"].append(
            Subject(
                "element", page, element=element, form=form, field_types=types, field_count=count
            )
        )
    for form, (types, count) in zip(page.forms, fields, strict=True):
        subjects["form"].append(
            Subject("form", page, form=form, field_types=types, field_count=count)
        )
    subjects["frame"] = [Subject("frame", page, frame=frame) for frame in page.frames]

    best: dict[tuple[str, str], Finding] = {}
    for rule in rules.rules:
        for subject in subjects.get(rule.target, []):
            _keep_best(best, _apply(rule, subject))
    best = _one_purpose_per_form(best)
    page_kinds = Counter(kind for _, kind in best)
    classes = {element.selector: element.attrs.get("class", "") for element in page.elements}
    looks = Counter((found.kind, _look(found, classes)) for found in best.values())
    page_subject = Subject("page", page, page_kinds=page_kinds, page_looks=looks)
    for rule in rules.rules:
        if rule.target == "page":
            _keep_best(best, _apply(rule, page_subject))
    return list(best.values())


LAYOUT_FORM_LINKS = 30  # a form holding this many links holds the page's menus and content


def element_forms(page: Page) -> list[Form | None]:
    """The form each element of the page sits in, or None: outside any form, or in one that
    wraps the page (ASP.NET's one form, an old shop's body-wide form), whose links and buttons
    are the page's, not the form's."""
    links = Counter(e.form for e in page.elements if e.tag == "a" and e.form >= 0)
    return [
        page.forms[element.form]
        if 0 <= element.form < len(page.forms) and links[element.form] < LAYOUT_FORM_LINKS
        else None
        for element in page.elements
    ]


def _look(finding: Finding, classes: dict[str, str]) -> str:
    """What tells a finding's element from others of its kind: its classes in any order, without
    the generated ones or those that number a product (a listing gives each product the same
    button, whose name may say the product), or without classes its text."""
    names = sorted(
        {
            name
            for name in classes.get(finding.selector, "").split()
            if stable(name) and not IDENTIFIER.match(name)
        }
    )
    return " ".join(names) if names else " ".join(finding.text.lower().split())


def field_types(form: Form, rules: RuleSet) -> tuple[frozenset[str], int]:
    """Semantic types of a form's fields (email, password, message...) and how many count.

    Fields hidden by CSS are left out (honeypots, other steps), unless the whole form is hidden,
    in which case all its fields are read.
    """
    fields = [f for f in form.fields if f.visible or not form.visible]
    types = set()
    for field in fields:
        descriptors = (field.name, field.id, field.label, field.autocomplete)
        fitting = (ft.name for ft in rules.field_types if ft.fits(field.type, descriptors))
        types.add(next(fitting, "other"))
    return frozenset(types), len(fields)


HIDDEN_FACTOR = 0.8  # a form or control hidden at load: less sure a visitor gets to it


def _apply(rule: Rule, subject: Subject) -> Finding | None:
    evidence = rule.check(subject)
    if evidence is None:
        return None
    selector, text, snippet = _describe(subject)
    item = subject.element or subject.form
    confidence = rule.confidence
    hidden = subject.target in ("element", "form") and item is not None and not item.visible
    if hidden:
        confidence = round(confidence * HIDDEN_FACTOR, 2)
        evidence = [*evidence, "hidden when the page loaded (a modal, drop-down or pop-up?)"]
    return Finding(
        page=subject.page.url,
        kind=rule.kind,
        rule=rule.id,
        target=subject.target,
        selector=selector,
        text=text,
        confidence=confidence,
        evidence=[rule.title, *dict.fromkeys(evidence)],
        snippet=snippet,
        in_iframe=item is not None and item.landmark == "iframe",
        hidden=hidden,
    )


def _describe(subject: Subject) -> tuple[str, str, str]:
    if subject.target == "element" and subject.element is not None:
        return subject.element.selector, subject.element.text, subject.element.snippet
    if subject.target == "form" and subject.form is not None:
        return subject.form.selector, subject.text(), subject.form.snippet
    if subject.target == "frame" and subject.frame is not None:
        frame = subject.frame
        return frame.selector, frame.title or frame.src, f'<{frame.tag} src="{frame.src[:200]}">'
    return "html", subject.page.title, ""


def _one_purpose_per_form(best: dict[tuple[str, str], Finding]) -> dict[tuple[str, str], Finding]:
    """A form does one thing (a quote request is not also a contact form, a sign-up not also a
    newsletter): only its most confident kind is kept, so one submission is one event."""
    top: dict[str, Finding] = {}
    for finding in best.values():
        if finding.target == "form":
            current = top.get(finding.selector)
            if current is None or _rank(finding) < _rank(current):
                top[finding.selector] = finding
    return {
        key: finding
        for key, finding in best.items()
        if finding.target != "form" or top[finding.selector] is finding
    }


def _rank(finding: Finding) -> tuple[float, str]:
    return (-finding.confidence, finding.rule)


def _keep_best(best: dict[tuple[str, str], Finding], finding: Finding | None) -> None:
    """One finding per element and kind: the most confident, then the first rule by id."""
    if finding is None:
        return
    key = (finding.selector, finding.kind)
    current = best.get(key)
    if current is None or _rank(finding) < _rank(current):
        best[key] = finding


def evidence_selectors(page: Page, rules: RuleSet, per_kind: int = 1) -> list[str]:
    """The selectors of the elements, forms and frames the rules find on a page, at most
    `per_kind` of each kind, by kind and selector: what the crawl photographs as evidence."""
    taken: Counter[str] = Counter()
    chosen = []
    for finding in sorted(classify_page(page, rules), key=lambda f: (f.kind, f.selector)):
        if finding.target != "page" and taken[finding.kind] < per_kind:
            taken[finding.kind] += 1
            chosen.append(finding.selector)
    return chosen
