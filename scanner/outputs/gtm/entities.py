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


Part = str | Variable
# A template parameter holds text, a reference to a variable, or text with references in it.
Value = str | Variable | tuple[Part, ...]


DATALAYER_PREFIX = "DLV - "


def value_of(text: str) -> Value:
    """A plan parameter's source: a built-in variable when it names one ({{Click Text}}), a
    dataLayer value ({{DLV - video_status}}), else the text itself."""
    if text.startswith("{{" + DATALAYER_PREFIX) and text.endswith("}}"):
        return Variable(text[2:-2])
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
class Integer:
    key: str
    value: int


@dataclass(frozen=True)
class Table:
    """A list of rows, each a map of template parameters (a GA4 tag's eventSettingsTable)."""

    key: str
    rows: tuple[tuple[Template, ...], ...]


Parameter = Template | Boolean | Integer | Table


def references(value: Value) -> list[Variable]:
    """The variables a template value refers to."""
    parts = value if isinstance(value, tuple) else (value,)
    return [part for part in parts if isinstance(part, Variable)]


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
    folder: str
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
ALL_PAGES = BuiltInTrigger("2147479553")
# Consent Mode v2 types a tag that is not Google's own needs granted before it fires.
AD_CONSENT = ("ad_storage", "ad_user_data", "ad_personalization")


def parameter_references(parameters: tuple[Parameter, ...]) -> list[Variable]:
    out: list[Variable] = []
    for parameter in parameters:
        if isinstance(parameter, Template):
            out += references(parameter.value)
        elif isinstance(parameter, Table):
            out += [ref for row in parameter.rows for cell in row for ref in references(cell.value)]
    return out


@dataclass(frozen=True)
class Tag:
    name: str
    type: str  # googtag, gaawe, awct, gclidw, html
    parameters: tuple[Parameter, ...]
    firing: tuple[Trigger | BuiltInTrigger, ...]
    folder: str
    notes: str
    consent: tuple[str, ...] = ()  # consent types it needs granted; () leaves it to the tag
    setup: tuple[str, ...] = ()  # names of tags that must fire first


@dataclass(frozen=True)
class Definition:
    """A variable the container defines: a constant (c), a dataLayer value (v), or custom
    JavaScript (jsm)."""

    name: str
    type: Literal["c", "v", "jsm"]
    parameters: tuple[Parameter, ...]

    @property
    def variable(self) -> Variable:
        return Variable(self.name)


def constant(name: str, value: str) -> Definition:
    return Definition(name, "c", (Template("value", value),))


def datalayer_value(name: str, path: str) -> Definition:
    return Definition(
        name,
        "v",
        (Integer("dataLayerVersion", 2), Boolean("setDefaultValue", False), Template("name", path)),
    )


def javascript(name: str, code: Value) -> Definition:
    return Definition(name, "jsm", (Template("javascript", code),))


@dataclass(frozen=True)
class Destination:
    """What one destination's builder adds to the container."""

    tags: tuple[Tag, ...]
    variables: tuple[Definition, ...]


@dataclass(frozen=True)
class Container:
    name: str
    tags: tuple[Tag, ...]
    triggers: tuple[Trigger, ...]
    variables: tuple[Definition, ...]

    def built_ins(self) -> list[Variable]:
        """The built-in variables the tags, triggers and variables refer to, in GTM's order."""
        used = {ref for tag in self.tags for ref in parameter_references(tag.parameters)}
        used |= {c.variable for trigger in self.triggers for c in trigger.conditions()}
        used |= {ref for v in self.variables for ref in parameter_references(v.parameters)}
        return [variable for variable in BUILT_IN_VARIABLES if variable in used]

    def folders(self) -> list[str]:
        """Folder names in the order they are first used."""
        names = [tag.folder for tag in self.tags] + [t.folder for t in self.triggers]
        return list(dict.fromkeys(names + [VARIABLES_FOLDER] * bool(self.variables)))


VARIABLES_FOLDER = "Variables"
