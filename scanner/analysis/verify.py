"""Verification (pure): a GTM container's triggers evaluated the way GTM evaluates them, on what
the browser saw of each page (PageFacts), against the plan's evidence.

The GTM semantics modelled:
- Click - All Elements (CLICK): the clicked element is the element at the control's centre
  (which may be a child of the control, or an element covering it); `{{Click Element}}` and the
  other Click variables are that element's.
- Click - Just Links (LINK_CLICK): the nearest link (`a` or `area` with an href) around that
  element; no link, no event.
- Form Submission (FORM_SUBMISSION): each `<form>` (GTM hears only their submit events); Form
  and Click variables are the form's.
- Page View, DOM Ready, Window Loaded: the page's Page URL, Page Path and Page Hostname.
- "Enable this trigger when" conditions (autoEventFilter) first, on the page; then the trigger's
  filters; every condition must hold. Operators EQUALS, CONTAINS, STARTS_WITH, ENDS_WITH,
  MATCH_REGEX (ignore_case), CSS_SELECTOR (on Click/Form Element), GREATER(_OR_EQUALS),
  LESS(_OR_EQUALS), each with `negate`.
Not checkable here: custom events (the site's code or a listener pushes them), other trigger
types (timers, scroll depth, visibility, YouTube, history), conditions on user-defined variables,
and the form validation check (whether the site's code lets the submit through)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.analysis.rules import RuleSet
from scanner.errors import BadInput
from scanner.models import (
    Analysis,
    ControlCheck,
    CrawlError,
    ElementVariables,
    PageFacts,
    TagCheck,
    Verification,
)
from scanner.patterns import PatternError, compile_pattern
from scanner.url_templates import split_url

BUILT_IN_TRIGGERS = {"2147479553": "All Pages", "2147479573": "Initialization - All Pages"}
CLICKS = {"CLICK": "gtm.click", "LINK_CLICK": "gtm.linkClick"}
PAGE_TRIGGERS = {"PAGEVIEW": "gtm.js", "DOM_READY": "gtm.dom", "WINDOW_LOADED": "gtm.load"}
FORM = "FORM_SUBMISSION"
ELEMENT_NAMES = ("Click", "Form")
REFERENCE = re.compile(r"^\{\{([^{}]+)\}\}$")


class Unchecked(Exception):
    """A condition this model cannot evaluate; the message says why."""


@dataclass(frozen=True)
class Condition:
    operator: str
    variable: str  # the display name in {{...}}
    value: str
    negate: bool = False
    ignore_case: bool = False


@dataclass(frozen=True)
class Trigger:
    id: str
    name: str
    type: str
    filters: tuple[Condition, ...]
    enabling: tuple[Condition, ...]  # autoEventFilter: "Enable this trigger when"


@dataclass(frozen=True)
class Tag:
    name: str
    type: str
    event: str  # a GA4 event tag's eventName, '' otherwise
    firing: tuple[str, ...]  # trigger ids


@dataclass(frozen=True)
class Container:
    tags: tuple[Tag, ...]
    triggers: Mapping[str, Trigger]

    def css_selectors(self) -> list[str]:
        """Every CSS selector a condition tests, once, in a fixed order."""
        found = {
            c.value
            for t in self.triggers.values()
            for c in (*t.filters, *t.enabling)
            if c.operator == "CSS_SELECTOR"
        }
        return sorted(found)


def read_container(data: Any, name: str) -> Container:
    """The tags and triggers of a GTM export; BadInput when it is not one."""
    version = data.get("containerVersion") if isinstance(data, dict) else None
    if not isinstance(version, dict):
        raise BadInput(f"{name}: not a GTM container export (no containerVersion).")
    try:
        triggers = {
            str(t["triggerId"]): Trigger(
                id=str(t["triggerId"]),
                name=str(t.get("name", "")),
                type=str(t["type"]),
                filters=_conditions(t.get("filter", []) + t.get("customEventFilter", [])),
                enabling=_conditions(t.get("autoEventFilter", [])),
            )
            for t in version.get("trigger", [])
        }
        tags = tuple(
            Tag(
                name=str(tag.get("name", "")),
                type=str(tag.get("type", "")),
                event=_parameter(tag.get("parameter", []), "eventName"),
                firing=tuple(str(i) for i in tag.get("firingTriggerId", [])),
            )
            for tag in version.get("tag", [])
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise BadInput(f"{name}: not a GTM container export ({error!r} is missing).") from None
    return Container(tags=tags, triggers=triggers)


def _parameter(parameters: list[dict[str, Any]], key: str) -> str:
    return next((str(p.get("value", "")) for p in parameters if p.get("key") == key), "")


def _conditions(raw: list[dict[str, Any]]) -> tuple[Condition, ...]:
    out = []
    for condition in raw:
        parameters = condition["parameter"]
        variable = _parameter(parameters, "arg0")
        match = REFERENCE.match(variable)
        out.append(
            Condition(
                operator=str(condition["type"]),
                variable=match.group(1) if match else variable,
                value=_parameter(parameters, "arg1"),
                negate=_parameter(parameters, "negate") == "true",
                ignore_case=_parameter(parameters, "ignore_case") == "true",
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class PageRequest:
    """A page to load for the verification, and the evidence to find on it."""

    url: str  # on the origin verified
    recorded: str  # the page's address in the scan
    controls: list[str]  # selectors of planned controls
    forms: list[str]  # selectors of planned forms


def page_requests(analysis: Analysis, origin: str) -> list[PageRequest]:
    """The scanned pages (not challenges or login walls), on `origin` ('' for the scan's)."""
    requests = []
    for page in analysis.site.pages:
        if page.obstacle:
            continue
        found = [f for f in analysis.findings if f.page == page.url]
        # a box no <form> holds is planned as a click on its button (its selector)
        boxes = {form.selector for form in page.forms if form.formless}
        clicked = [f for f in found if f.target in ("element", "frame") or f.selector in boxes]
        requests.append(
            PageRequest(
                url=on_origin(page.url, origin),
                recorded=page.url,
                controls=sorted({f.selector for f in clicked}),
                forms=sorted(
                    {f.selector for f in found if f.target == "form" and f.selector not in boxes}
                ),
            )
        )
    return requests


def on_origin(url: str, origin: str) -> str:
    if not origin:
        return url
    parts = split_url(url)
    return origin.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def verify_container(
    analysis: Analysis,
    rules: RuleSet,
    container: Container,
    requests: list[PageRequest],
    seen: list[PageFacts | CrawlError],
    origin: str,
    container_name: str,
) -> Verification:
    """Every tag of the container, evaluated on every page that loaded."""
    facts = {
        request.recorded: (request, result)
        for request, result in zip(requests, seen, strict=True)
        if isinstance(result, PageFacts)
    }
    events = _events_of_triggers(analysis, container)
    selectors = container.css_selectors()
    business = analysis.plan.business_type.type
    page_event = {kind: rules.kind_plan(kind, business).event for kind in _page_kinds(analysis)}
    tags = [
        _check_tag(tag, container, events, analysis, facts, selectors, page_event)
        for tag in container.tags
    ]
    return Verification(
        origin=origin or _origin(analysis.site.start_urls[0]),
        container=container_name,
        pages=sorted(request.url for request, _ in facts.values()),
        errors=sorted((r for r in seen if isinstance(r, CrawlError)), key=lambda error: error.url),
        tags=tags,
    )


def _origin(url: str) -> str:
    parts = split_url(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page_kinds(analysis: Analysis) -> set[str]:
    return {f.kind for f in analysis.findings if f.target == "page"}


def _events_of_triggers(analysis: Analysis, container: Container) -> dict[str, set[str]]:
    """The plan's event kinds each trigger serves: those of the GA4 event tags firing on it
    (a tag named `GA4 - <event> - <kind>` when several kinds send one event)."""
    served: dict[str, set[str]] = {}
    for tag in container.tags:
        events = [e for e in analysis.plan.events if e.event == tag.event and tag.event]
        if len(events) > 1:
            events = [e for e in events if tag.name.endswith(f" - {e.kind}")] or events
        for trigger in tag.firing:
            served.setdefault(trigger, set()).update(e.kind for e in events)
    return served


def _check_tag(
    tag: Tag,
    container: Container,
    events: dict[str, set[str]],
    analysis: Analysis,
    facts: dict[str, tuple[PageRequest, PageFacts]],
    selectors: list[str],
    page_event: dict[str, str],
) -> TagCheck:
    triggers = [container.triggers[i] for i in tag.firing if i in container.triggers]
    names = [t.name for t in triggers] + [
        BUILT_IN_TRIGGERS[i] for i in tag.firing if i in BUILT_IN_TRIGGERS
    ]
    base: dict[str, Any] = {"tag": tag.name, "event": tag.event, "triggers": names}
    if not triggers:
        note = "fires on every page (built-in trigger)" if names else "no trigger"
        return TagCheck(**base, status="ok" if names else "fails", note=note)
    unknown = [t for t in triggers if t.type not in (*CLICKS, *PAGE_TRIGGERS, FORM)]
    if unknown:
        types = ", ".join(sorted({t.type for t in unknown}))
        return TagCheck(
            **base,
            status="not checkable",
            note=f"{types} triggers fire on what the site's code or a listener pushes",
        )
    kinds: set[str] = set().union(*(events.get(t.id, set()) for t in triggers))
    try:
        fires, misses, unrelated = _evaluate(
            triggers, kinds, analysis, facts, selectors, page_event
        )
    except Unchecked as why:
        return TagCheck(**base, status="not checkable", note=str(why))
    return TagCheck(
        **base,
        status="fails" if misses or unrelated else "ok",
        fires=fires,
        misses=misses,
        unrelated=unrelated,
        note="" if fires or misses else "nothing planned for it was on the pages loaded",
    )


def _evaluate(
    triggers: list[Trigger],
    kinds: set[str],
    analysis: Analysis,
    facts: dict[str, tuple[PageRequest, PageFacts]],
    selectors: list[str],
    page_event: dict[str, str],
) -> tuple[list[ControlCheck], list[ControlCheck], list[ControlCheck]]:
    fires: list[ControlCheck] = []
    misses: list[ControlCheck] = []
    unrelated: list[ControlCheck] = []
    events = {e.event for e in analysis.plan.events if e.kind in kinds}
    for recorded, (request, page) in sorted(facts.items()):
        found = [f for f in analysis.findings if f.page == recorded]
        variables = _page_variables(page.url)
        for family in ("click", "form", "page"):
            chosen = [t for t in triggers if _family(t) == family]
            if not chosen:
                continue
            if family == "page":
                planned = any(
                    f.target == "page" and (f.kind in kinds or page_event.get(f.kind) in events)
                    for f in found
                )
                fired = any(_fires(t, variables, None, "", selectors) for t in chosen)
                check = ControlCheck(page=request.url, selector="", outcome="fires")
                _sort(fired, planned, check, fires, misses, unrelated)
                continue
            wanted = {f.selector for f in found if f.kind in kinds}
            _check_elements(
                family,
                chosen,
                request,
                page,
                wanted,
                variables,
                selectors,
                fires,
                misses,
                unrelated,
            )
    return fires, misses, unrelated


def _sort(
    fired: bool,
    planned: bool,
    check: ControlCheck,
    fires: list[ControlCheck],
    misses: list[ControlCheck],
    unrelated: list[ControlCheck],
) -> None:
    if fired and planned:
        fires.append(check)
    elif planned:
        detail = "the page view conditions do not hold for this page"
        misses.append(check.model_copy(update={"outcome": "no match", "detail": detail}))
    elif fired:
        unrelated.append(check.model_copy(update={"outcome": "unplanned"}))


def _family(trigger: Trigger) -> str:
    if trigger.type in CLICKS:
        return "click"
    return "form" if trigger.type == FORM else "page"


def _check_elements(
    family: str,
    triggers: list[Trigger],
    request: PageRequest,
    page: PageFacts,
    wanted: set[str],
    variables: dict[str, str],
    selectors: list[str],
    fires: list[ControlCheck],
    misses: list[ControlCheck],
    unrelated: list[ControlCheck],
) -> None:
    """The planned controls (or forms) of the page, then every other one the triggers fire on."""
    listed = request.controls if family == "click" else request.forms
    located = page.planned if family == "click" else page.forms_planned
    planned_at: set[int] = set()
    for selector, indices in zip(listed, located, strict=True):
        if selector not in wanted:
            continue
        check = ControlCheck(page=request.url, selector=selector, outcome="fires")
        if not indices:
            misses.append(check.model_copy(update={"outcome": "selector gone"}))
            continue
        planned_at.update(indices)
        outcome, detail = _outcome(family, triggers, page, indices[0], variables, selectors)
        target = fires if outcome == "fires" else misses
        target.append(check.model_copy(update={"outcome": outcome, "detail": detail}))
    count = len(page.subjects) if family == "click" else len(page.forms)
    for index in range(count):
        if index in planned_at:
            continue
        if family == "click" and set(page.subjects[index].within) & planned_at:
            continue  # a click there lands on a planned control
        if _fired(family, triggers, page, index, variables, selectors):
            description = (
                page.subjects[index].description
                if family == "click"
                else page.forms[index].element.description
            )
            unrelated.append(
                ControlCheck(page=request.url, selector=description, outcome="unplanned")
            )


def _outcome(
    family: str,
    triggers: list[Trigger],
    page: PageFacts,
    index: int,
    variables: dict[str, str],
    selectors: list[str],
) -> tuple[str, str]:
    if _fired(family, triggers, page, index, variables, selectors):
        return "fires", ""
    if family == "form":
        form = page.forms[index]
        if not form.is_form:
            return "no match", "not a <form>: GTM hears only the submit events of forms"
        return "no match", f"no trigger's conditions hold for {form.element.description}"
    control = page.subjects[index]
    if not control.visible:
        return "no match", "not visible on the page: nothing to click"
    if control.covered:
        return "covered", f"a click at its centre lands on {control.cover}"
    target = control.click.description if control.click else "nothing"
    return "no match", f"no trigger's conditions hold for the clicked element, {target}"


def _fired(
    family: str,
    triggers: list[Trigger],
    page: PageFacts,
    index: int,
    variables: dict[str, str],
    selectors: list[str],
) -> bool:
    for trigger in triggers:
        if family == "form":
            form = page.forms[index]
            element, event = (form.element if form.is_form else None), "gtm.formSubmit"
        else:
            control = page.subjects[index]
            if not control.visible:
                continue
            element = control.click if trigger.type == "CLICK" else control.link
            event = CLICKS[trigger.type]
        if element is not None and _fires(trigger, variables, element, event, selectors):
            return True
    return False


def _page_variables(url: str) -> dict[str, str]:
    parts = split_url(url)
    return {"Page URL": url, "Page Path": parts.path or "/", "Page Hostname": parts.hostname or ""}


def _fires(
    trigger: Trigger,
    page: dict[str, str],
    element: ElementVariables | None,
    event: str,
    selectors: list[str],
) -> bool:
    """The enabling conditions on the page, then the filters on the event."""
    values = dict(page)
    values["Event"] = event or PAGE_TRIGGERS.get(trigger.type, "")
    values["_event"] = values["Event"]
    if element is not None:
        for prefix in ELEMENT_NAMES:
            values |= {
                f"{prefix} URL": element.url,
                f"{prefix} Text": element.text,
                f"{prefix} ID": element.id,
                f"{prefix} Classes": element.classes,
                f"{prefix} Target": element.target,
            }
    enabled = all(_holds(c, values, element, selectors) for c in trigger.enabling)
    return enabled and all(_holds(c, values, element, selectors) for c in trigger.filters)


def _holds(
    condition: Condition,
    values: dict[str, str],
    element: ElementVariables | None,
    selectors: list[str],
) -> bool:
    return _compare(condition, values, element, selectors) != condition.negate


def _compare(
    condition: Condition,
    values: dict[str, str],
    element: ElementVariables | None,
    selectors: list[str],
) -> bool:
    operator, expected = condition.operator, condition.value
    if REFERENCE.search(expected) or "{{" in expected:
        raise Unchecked(f"a condition compares with a variable ({expected})")
    if operator == "CSS_SELECTOR":
        if condition.variable not in ("Click Element", "Form Element"):
            raise Unchecked(f"a CSS selector condition on {{{{{condition.variable}}}}}")
        return element is not None and selectors.index(expected) in element.matches
    if condition.variable not in values:
        raise Unchecked(f"a condition on the variable {{{{{condition.variable}}}}}")
    actual = values[condition.variable]
    if operator == "EQUALS":
        return actual == expected
    if operator == "CONTAINS":
        return expected in actual
    if operator == "STARTS_WITH":
        return actual.startswith(expected)
    if operator == "ENDS_WITH":
        return actual.endswith(expected)
    if operator == "MATCH_REGEX":
        try:
            return compile_pattern(expected, condition.ignore_case).search(actual) is not None
        except PatternError as error:
            raise Unchecked(f"the regex {expected!r} ({error})") from None
    if operator in ("GREATER", "GREATER_OR_EQUALS", "LESS", "LESS_OR_EQUALS"):
        return _numbers(operator, actual, expected)
    raise Unchecked(f"the operator {operator}")


def _numbers(operator: str, actual: str, expected: str) -> bool:
    try:
        left, right = float(actual), float(expected)
    except ValueError:
        return False
    return {
        "GREATER": left > right,
        "GREATER_OR_EQUALS": left >= right,
        "LESS": left < right,
        "LESS_OR_EQUALS": left <= right,
    }[operator]
