"""Reading plan.yaml: the analyst's decisions, checked with one error that names the line and
the field (unknown kind, an event name GA4 rejects or reserves, a missing trigger or a trigger
missing what its type needs, a duplicate, a selector that is not CSS, a bad regex)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scanner.analysis.rules import event_name_problem
from scanner.errors import BadInput
from scanner.models import EventDecision, PlanFile, TriggerSpec
from scanner.models.files import read_input

Location = tuple[str | int, ...]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it
# GA4's limits on event parameters (shared/reference/gtm-format.md, section 9).
PARAMETER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
RESERVED_PARAMETER_PREFIXES = ("_", "firebase_", "ga_", "google_", "gtag.")
MAX_PARAMETERS = 25
# What each trigger type cannot do without.
NEEDS = {
    "click": ("selectors", "scoped"),
    "form_submit": ("selectors", "scoped", "buttons", "scoped_buttons"),
    "link_click": ("url_regex",),
    "page_view": ("page_path_regex",),
    "custom_event": ("pushed_by",),
}


class PlanProblem(Exception):
    """A problem at `where`; `other`: the earlier event it duplicates."""

    def __init__(self, where: Location, problem: str, other: Location = ()) -> None:
        super().__init__(problem)
        self.where = where
        self.problem = problem
        self.other = other


def read_plan_file(path: Path) -> PlanFile:
    """Load and check a plan.yaml; BadInput naming the line and field of the first problem."""
    text = read_input(path, "give the plan.yaml a scan wrote.")
    return parse_plan_file(text, str(path))


def parse_plan_file(text: str, name: str) -> PlanFile:
    try:
        data = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise BadInput(f"{name}: {at}not valid YAML ({problem}); fix it and run again.") from None
    try:
        if not isinstance(data, dict):
            raise PlanProblem((), "not a plan (a mapping with site, events...)")
        plan = _validated(data)
        _check_events(plan.events)
    except PlanProblem as problem:
        root = yaml.compose(text, Loader=LOADER)  # only to say where: the text parsed above
        line = _line(root, problem.where)
        field = _field(problem.where) or "(top level)"
        text = problem.problem.rstrip(".")
        if problem.other:
            text += f" (line {_line(root, problem.other)})"
        raise BadInput(f"{name}: line {line}, {field}: {text}; fix it and run again.") from None
    return plan


def _validated(data: dict[str, Any]) -> PlanFile:
    try:
        return PlanFile.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
        typos = [p for p in problems if p["type"] == "extra_forbidden"]
        first = (typos or problems)[0]  # a misspelt field, rather than the one it misses
        where = tuple(first["loc"])
        given = first.get("input")
        if first["type"] == "missing":
            raise PlanProblem(where, "missing") from None
        if first["type"] == "extra_forbidden":
            raise PlanProblem(where, "not a field of the plan (a typo?)") from None
        if first["type"] == "literal_error":
            expected = first.get("ctx", {}).get("expected", "")
            raise PlanProblem(where, f"unknown value {given!r}; one of {expected}") from None
        raise PlanProblem(where, f"{first['msg']} (given: {given!r})") from None


def _check_events(events: list[EventDecision]) -> None:
    seen_names: dict[tuple[str, str], int] = {}
    seen_triggers: dict[tuple[str, str], int] = {}
    for index, event in enumerate(events):
        here: Location = ("events", index)
        problem = event_name_problem(event.name)
        if problem:
            raise PlanProblem((*here, "name"), problem)
        _check_trigger(event.trigger, (*here, "trigger"))
        _check_parameters(event.parameters, (*here, "parameters"))
        by_name = (event.kind, event.name)
        by_trigger = (event.kind, event.trigger.model_dump_json())
        if by_name in seen_names:
            raise PlanProblem(
                (*here, "name"),
                "a duplicate: an earlier event has this kind and name",
                ("events", seen_names[by_name]),
            )
        if by_trigger in seen_triggers:
            raise PlanProblem(
                (*here, "trigger"),
                "a duplicate: an earlier event has this kind and trigger (it would be counted "
                "twice)",
                ("events", seen_triggers[by_trigger]),
            )
        seen_names[by_name] = seen_triggers[by_trigger] = index


def _check_trigger(trigger: TriggerSpec, here: Location) -> None:
    needs = NEEDS.get(trigger.type, ())
    if needs and not any(getattr(trigger, field) for field in needs):
        raise PlanProblem(here, f"a {trigger.type} trigger needs {' or '.join(needs)}")
    if trigger.type != "form_submit" and (trigger.buttons or trigger.scoped_buttons):
        raise PlanProblem(here, "buttons and scoped_buttons belong to form_submit triggers")
    for field in ("selectors", "buttons"):
        for index, selector in enumerate(getattr(trigger, field)):
            _check_selector(selector, (*here, field, index))
    for field in ("scoped", "scoped_buttons"):
        paths: list[str] = []
        for scope_index, scope in enumerate(getattr(trigger, field)):
            if scope.path in paths:  # one trigger a page: GTM wants their names unique
                raise PlanProblem(
                    (*here, field, scope_index, "path"),
                    f"a second entry for {scope.path}; put its selectors in the first",
                )
            paths.append(scope.path)
            for index, selector in enumerate(scope.selectors):
                _check_selector(selector, (*here, field, scope_index, "selectors", index))
    for field in ("url_regex", "page_path_regex"):
        try:
            re.compile(getattr(trigger, field))
        except re.error as error:
            raise PlanProblem((*here, field), f"not a regular expression ({error})") from None


def _check_parameters(parameters: dict[str, str], here: Location) -> None:
    if len(parameters) > MAX_PARAMETERS:
        raise PlanProblem(here, f"{len(parameters)} parameters; GA4 takes {MAX_PARAMETERS} at most")
    for name in parameters:
        if name.startswith(RESERVED_PARAMETER_PREFIXES):
            raise PlanProblem((*here, name), f"'{name}' starts with a prefix GA4 reserves")
        if not PARAMETER_NAME.match(name):
            raise PlanProblem(
                (*here, name),
                f"'{name}' is not a GA4 parameter name (letters, digits and _, starting with a "
                "letter, at most 40 characters)",
            )


def _check_selector(selector: str, here: Location) -> None:
    import soupsieve  # here, not at import: a scan that reads no plan.yaml starts without it

    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as error:
        reason = str(error).splitlines()[0]
        raise PlanProblem(here, f"{selector!r} is not a CSS selector ({reason})") from None


def _field(where: Location) -> str:
    """('events', 2, 'trigger') -> events[2].trigger"""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _line(root: yaml.Node | None, where: Location) -> int:
    """The line (from 1) of the deepest node of `where` that exists: a missing field is
    reported on the mapping that lacks it."""
    node = root
    for part in where:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 if node is not None else 1


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                # A scalar is reported on its own line; a block on its key's line.
                return value if isinstance(value, yaml.ScalarNode) else _at(value, key)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def _at(value: yaml.Node, key: yaml.Node) -> yaml.Node:
    """The value node, reported on its key's line (a block starts on the line after)."""
    value.start_mark = key.start_mark
    return value
