"""The typed parts of a GTM container: variables and references to them, parameters, conditions,
triggers, tags. The export (container.py) spells them the way GTM's export format does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Variable:
    """A variable as a reference `{{name}}` names it: one of GTM's built-ins (with the type
    builtInVariable lists it by), or one the container defines (built_in '')."""

    name: str
    built_in: str = ""

    def reference(self) -> str:
        return "{{" + self.name + "}}"


BUILT_IN_VARIABLES = tuple(
    Variable(name, built_in)
    for name, built_in in (
        ("Page URL", "PAGE_URL"),
        ("Page Path", "PAGE_PATH"),
        ("Page Hostname", "PAGE_HOSTNAME"),
        ("Event", "EVENT"),
        ("Click Element", "CLICK_ELEMENT"),
        ("Click Classes", "CLICK_CLASSES"),
        ("Click ID", "CLICK_ID"),
        ("Click URL", "CLICK_URL"),
        ("Click Text", "CLICK_TEXT"),
        ("Form Element", "FORM_ELEMENT"),
        ("Form ID", "FORM_ID"),
        ("Form Classes", "FORM_CLASSES"),
        ("Form URL", "FORM_URL"),
        ("Form Text", "FORM_TEXT"),
    )
)
BY_REFERENCE = {variable.reference(): variable for variable in BUILT_IN_VARIABLES}
# The dataLayer event name: always there, never listed among the built-ins.
EVENT_NAME = Variable("_event")


def built_in(name: str) -> Variable:
    return BY_REFERENCE["{{" + name + "}}"]


Value = str | Variable  # a template parameter holds text, or a reference to a variable


def value_of(text: str) -> Value:
    """A plan parameter's source: a built-in variable when it names one ({{Click Text}}),
    else the text itself."""
    return BY_REFERENCE.get(text, text)


@dataclass(frozen=True)
class Template:
    key: str
    value: Value


@dataclass(frozen=True)
class Boolean:
    key: str
    value: bool


@dataclass(frozen=True)
class Table:
    """A list of rows, each a map of template parameters (a GA4 tag's eventSettingsTable)."""

    key: str
    rows: tuple[tuple[Template, ...], ...]


Parameter = Template | Boolean | Table


@dataclass(frozen=True)
class Condition:
    operator: Literal["CSS_SELECTOR", "MATCH_REGEX", "EQUALS"]
    variable: Variable
    value: str
    ignore_case: bool = False


@dataclass(frozen=True)
class Listener:
    """The options of link-click and form-submission triggers."""

    check_validation: bool


@dataclass(frozen=True)
class Trigger:
    name: str
    type: Literal["CLICK", "LINK_CLICK", "FORM_SUBMISSION", "PAGEVIEW", "CUSTOM_EVENT"]
    filters: tuple[Condition, ...] = ()
    auto_event_filters: tuple[Condition, ...] = ()
    custom_event_filters: tuple[Condition, ...] = ()
    listener: Listener | None = None

    def conditions(self) -> tuple[Condition, ...]:
        return self.custom_event_filters + self.auto_event_filters + self.filters


@dataclass(frozen=True)
class BuiltInTrigger:
    """One of GTM's own triggers, referenced by its fixed id."""

    id: str


INITIALIZATION_ALL_PAGES = BuiltInTrigger("2147479573")


@dataclass(frozen=True)
class Tag:
    name: str
    type: str  # googtag, gaawe...
    parameters: tuple[Parameter, ...]
    firing: tuple[Trigger | BuiltInTrigger, ...]
    notes: str = ""

    def values(self) -> list[Value]:
        out: list[Value] = []
        for parameter in self.parameters:
            if isinstance(parameter, Template):
                out.append(parameter.value)
            elif isinstance(parameter, Table):
                out += [cell.value for row in parameter.rows for cell in row]
        return out


@dataclass(frozen=True)
class Constant:
    """A constant variable the container defines."""

    name: str
    value: str

    @property
    def variable(self) -> Variable:
        return Variable(self.name)


@dataclass(frozen=True)
class Destination:
    """What one destination's builder adds to the container."""

    tags: tuple[Tag, ...]
    constants: tuple[Constant, ...]


@dataclass(frozen=True)
class Container:
    name: str
    tags: tuple[Tag, ...]
    triggers: tuple[Trigger, ...]
    constants: tuple[Constant, ...]

    def built_ins(self) -> list[Variable]:
        """The built-in variables the tags and triggers refer to, in GTM's order."""
        used = {value for tag in self.tags for value in tag.values() if isinstance(value, Variable)}
        used |= {c.variable for trigger in self.triggers for c in trigger.conditions()}
        return [variable for variable in BUILT_IN_VARIABLES if variable in used]
