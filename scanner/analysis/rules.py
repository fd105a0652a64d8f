"""Rule packs: YAML files loaded, validated and compiled; errors name the file, rule and field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.analysis.matchers import Check, Compiler, RuleSyntaxError
from scanner.errors import BadInput
from scanner.models import KINDS, AnalysisOptions, BusinessType, FunnelStage, Kind
from scanner.patterns import Pattern, PatternError, compile_pattern
from scanner.resources import resource_dir

COMMON_PACK = "common"
STRONG_SIGNAL = 0.5  # a micro-conversion this strong is missed when not found
MAX_PACK_BYTES = 2 * 2**20
MAX_PACK_VALUES = 200_000  # values once aliases are expanded; the bundled packs hold 2,000
EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# GA4 reserved web event names and prefixes (shared/reference/gtm-format.md, section 9).
RESERVED_EVENTS = frozenset(
    {
        "ad_activeview",
        "ad_click",
        "ad_exposure",
        "ad_impression",
        "ad_query",
        "adunit_exposure",
        "app_clear_data",
        "app_install",
        "app_remove",
        "app_store_refund",
        "app_store_subscription_cancel",
        "app_store_subscription_convert",
        "app_store_subscription_renew",
        "app_update",
        "click",
        "error",
        "file_download",
        "first_open",
        "first_visit",
        "form_start",
        "form_submit",
        "in_app_purchase",
        "notification_dismiss",
        "notification_foreground",
        "notification_open",
        "notification_receive",
        "os_update",
        "page_view",
        "screen_view",
        "scroll",
        "session_start",
        "user_engagement",
        "video_complete",
        "video_progress",
        "video_start",
        "view_search_results",
    }
)
RESERVED_PREFIXES = ("_", "firebase_", "google_", "ga_")


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindSettings(Spec):
    """How a kind is planned; business-type packs override some fields of common's."""

    event: str | None = None
    title: str | None = None
    why: str | None = None
    funnel_stage: FunnelStage | None = None
    meta: str | None = None
    google_ads: str | None = None
    aliases: list[str] | None = Field(
        None, description="Other names sites give the event (addToCart), for the gap analysis."
    )


class SignalsSpec(Spec):
    """The few critical signals of a business type (chosen by analysis/signals.py)."""

    macros: list[Kind] = Field(
        default_factory=list,
        description="The conversions that make money, in order of preference; the first three "
        "found are the macro conversions.",
    )
    always: list[Kind] = Field(
        default_factory=list,
        description="Macro conversions planned even when the crawl could not see them.",
    )
    micros: dict[Kind, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict,
        description="How strongly each kind shows progress towards the macro conversions, 0..1.",
    )
    funnel: list[list[Kind]] = Field(
        default_factory=list, description="Ordered funnel steps, each the kinds that make it."
    )


class RuleSpec(Spec):
    id: str = Field(pattern=r"^[a-z0-9_]+/[a-z0-9_]+$")
    kind: Kind
    target: Literal["element", "form", "frame", "page"]
    title: str
    why: str
    confidence: float = Field(0.8, ge=0, le=1)
    enhanced_measurement: str = Field(
        "", description="When GA4 enhanced measurement already collects what this rule finds: how."
    )
    match: dict[str, Any]


class FieldSemantics(Spec):
    types: list[str] = Field(default_factory=list, description="Input types that fit, exactly.")
    text: list[str] = Field(default_factory=list, description="Patterns on name/id/label.")
    requires_type: list[str] = Field(
        default_factory=list, description="When set, `text` only counts for these input types."
    )


@dataclass(frozen=True)
class FieldType:
    """A compiled field semantic: does a form field fit it?"""

    name: str
    types: frozenset[str]
    pattern: Pattern | None
    requires_type: frozenset[str]

    def fits(self, input_type: str, descriptors: tuple[str, ...]) -> bool:
        if input_type in self.types:
            return True
        if self.pattern is None or (self.requires_type and input_type not in self.requires_type):
            return False
        return any(self.pattern.search(text) for text in descriptors if text)


CueTarget = Literal["element", "frame"]


class CueSpec(Spec):
    """A control or embed that says what the business is without being a kind of its own: a
    link to a salon's booking platform, a call to action for a sales call."""

    name: str = Field(description="What the cue is, in words (shown as evidence).")
    weight: float = Field(ge=0)
    targets: list[CueTarget] = Field(
        default_factory=lambda: list[CueTarget](["element"]), min_length=1
    )
    match: dict[str, Any]


class DetectSpec(Spec):
    kinds: dict[Kind, float] = Field(default_factory=dict)
    jsonld: dict[str, float] = Field(default_factory=dict)
    cues: list[CueSpec] = Field(default_factory=list)


class PackSpec(Spec):
    description: str
    business_type: BusinessType | None = None
    lexicon: dict[str, list[str]] = Field(default_factory=dict)
    fields: dict[str, FieldSemantics] = Field(default_factory=dict)
    detect: DetectSpec = Field(default_factory=DetectSpec)
    kinds: dict[Kind, KindSettings] = Field(default_factory=dict)
    signals: SignalsSpec = Field(default_factory=SignalsSpec)
    rules: list[RuleSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    target: str
    title: str
    why: str
    confidence: float
    enhanced_measurement: str
    check: Check
    source: str


@dataclass(frozen=True)
class Cue:
    """A compiled detection cue of a business type."""

    name: str
    weight: float
    checks: tuple[tuple[str, Check], ...]  # (target, check): controls and embeds


@dataclass(frozen=True)
class KindPlan:
    """Complete planning settings of one kind for one business type."""

    event: str
    title: str
    why: str
    funnel_stage: FunnelStage
    meta: str
    google_ads: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    name: str
    path: Path
    spec: PackSpec


@dataclass(frozen=True)
class RuleSet:
    packs: tuple[Pack, ...]
    rules: tuple[Rule, ...]
    field_types: tuple[FieldType, ...]
    cues: dict[str, tuple[Cue, ...]] = field(default_factory=dict)

    def business_types(self) -> dict[str, PackSpec]:
        return {p.spec.business_type: p.spec for p in self.packs if p.spec.business_type}

    def kind_plan(self, kind: str, business_type: str) -> KindPlan:
        """Common's settings for `kind`, overridden by the business type's pack."""
        merged: dict[str, Any] = {}
        for pack in self.packs:
            if pack.name == COMMON_PACK or pack.spec.business_type == business_type:
                settings = pack.spec.kinds.get(kind)  # type: ignore[call-overload]
                if settings is not None:
                    merged.update(settings.model_dump(exclude_none=True))
        merged["aliases"] = tuple(merged.get("aliases", ()))
        return KindPlan(**merged)

    def signals(self, business_type: str) -> SignalsSpec:
        spec = self.business_types().get(business_type)
        return spec.signals if spec else SignalsSpec()

    def kinds_that_matter(self, business_type: str) -> list[str]:
        """The macro conversions of the business type and its strong micro-conversions."""
        signals = self.signals(business_type)
        strong = {kind for kind, weight in signals.micros.items() if weight >= STRONG_SIGNAL}
        return sorted(set(signals.macros) | strong)


def rules_for(options: AnalysisOptions) -> RuleSet:
    """The bundled rule packs, with those of the options' rules directory on top."""
    extra = [Path(options.rules)] if options.rules else []
    return load_rules(resource_dir("rules"), *extra)


def load_rules(*directories: Path) -> RuleSet:
    """Load every *.yaml pack of the directories; a pack in a later directory replaces the one
    of the same name before it, and new names add packs. common.yaml is required."""
    by_name: dict[str, Path] = {}
    for directory in directories:
        if not directory.is_dir():
            raise BadInput(f"{directory}: not a directory of rule packs.")
        by_name.update({path.stem: path for path in directory.glob("*.yaml")})
    if COMMON_PACK not in by_name:
        raise BadInput(
            f"{directories[-1]}: no {COMMON_PACK}.yaml rule pack found; point to a rules directory."
        )
    names = sorted(by_name, key=lambda name: (name != COMMON_PACK, name))
    packs = tuple(Pack(name, by_name[name], _read_pack(by_name[name])) for name in names)
    lexicon: dict[str, list[str]] = {}
    for pack in packs:
        for name, phrases in pack.spec.lexicon.items():
            lexicon.setdefault(name, []).extend(phrases)
    _check_kinds(packs)
    _check_business_types(packs)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for pack in packs:
        where_file = str(pack.path)
        for spec in pack.spec.rules:
            where = f"{where_file}: rule '{spec.id}'"
            if spec.id in seen:
                raise BadInput(f"{where}: duplicate id (also in {seen[spec.id]})")
            seen[spec.id] = where_file
            # Element rules see what a visitor sees, and the menus of the header and navigation
            # that open on a hover or a tap, unless they say otherwise. Forms hidden at load
            # (modals, drop-downs, pop-ups) are classified too; both less confidently (classify).
            match = spec.match
            if spec.target == "element" and "visible" not in match:
                match = {"visible": "menu", **match}
            try:
                check = Compiler(lexicon, spec.target).block(match, "match")
            except RuleSyntaxError as error:
                raise BadInput(f"{where}: field {error}") from None
            rules.append(
                Rule(
                    spec.id,
                    spec.kind,
                    spec.target,
                    spec.title,
                    spec.why,
                    spec.confidence,
                    spec.enhanced_measurement,
                    check,
                    where_file,
                )
            )
    return RuleSet(
        packs=packs,
        rules=tuple(rules),
        field_types=_field_types(packs[0]),
        cues=_cues(packs, lexicon),
    )


def _cues(packs: tuple[Pack, ...], lexicon: dict[str, list[str]]) -> dict[str, tuple[Cue, ...]]:
    """The detection cues of each business type, compiled like rules (visible controls only)."""
    out: dict[str, tuple[Cue, ...]] = {}
    for pack in packs:
        if pack.spec.business_type is None:
            continue
        cues = []
        for number, spec in enumerate(pack.spec.detect.cues, 1):
            checks = []
            for target in dict.fromkeys(spec.targets):
                match = spec.match
                if target == "element" and "visible" not in match:
                    match = {"visible": True, **match}
                try:
                    checks.append((target, Compiler(lexicon, target).block(match, "match")))
                except RuleSyntaxError as error:
                    raise BadInput(f"{pack.path}: detect cue #{number}: field {error}") from None
            cues.append(Cue(spec.name, spec.weight, tuple(checks)))
        out[pack.spec.business_type] = tuple(cues)
    return out


def _read_pack(path: Path) -> PackSpec:
    """A pack's YAML, bounded: a shared pack is input like any other, so its size, nesting and
    what its aliases expand to are limited (an alias bomb is refused, not expanded)."""
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            raise BadInput(f"{path}: larger than {MAX_PACK_BYTES // 2**20} MB; not a rule pack.")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        expanded = _expanded_size(data, {}, set())
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text; a rule pack is a YAML text file.") from None
    except RecursionError:
        raise BadInput(f"{path}: nested too deeply to be a rule pack.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None)
        detail = f" ({problem})" if problem else ""
        raise BadInput(f"{path}: not valid YAML{line}{detail}.") from None
    if expanded > MAX_PACK_VALUES:
        raise BadInput(
            f"{path}: its anchors and aliases expand to over {MAX_PACK_VALUES:,} values "
            "(an alias bomb?); write the rules out."
        )
    if not isinstance(data, dict):
        raise BadInput(f"{path}: a rule pack must be a YAML mapping.")
    try:
        return PackSpec.model_validate(data)
    except ValidationError as error:
        raise BadInput(f"{path}: {_describe(error, data)}") from None


def _expanded_size(node: object, sizes: dict[int, int], open_: set[int]) -> int:
    """How many values `node` holds once its aliases are expanded (shared values counted each
    time they appear), computed once per shared value and stopped past MAX_PACK_VALUES."""
    if not isinstance(node, dict | list):
        return 1
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        return MAX_PACK_VALUES + 1  # a value that holds itself expands forever
    open_.add(key)
    items = [*node.keys(), *node.values()] if isinstance(node, dict) else node
    total = 1
    for item in items:
        total += _expanded_size(item, sizes, open_)
        if total > MAX_PACK_VALUES:
            break
    open_.discard(key)
    sizes[key] = total
    return total


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    """The first validation problem, naming the rule by id and the field by its path."""
    problem = error.errors()[0]
    loc = list(problem["loc"])
    prefix = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") or []
        rule = rules[loc[1]] if loc[1] < len(rules) else {}
        rule_id = rule.get("id", f"#{loc[1] + 1}") if isinstance(rule, dict) else f"#{loc[1] + 1}"
        prefix = f"rule '{rule_id}': "
        loc = loc[2:]
    field = ".".join(str(part) for part in loc) or "(top level)"
    message = problem["msg"]
    if problem["type"] == "literal_error" and "kind" in field:
        message += f" (got {problem.get('input')!r})"
    return f"{prefix}field '{field}': {message}."


def _check_kinds(packs: tuple[Pack, ...]) -> None:
    common = packs[0].spec.kinds
    for kind in KINDS:
        settings = common.get(kind)  # type: ignore[call-overload]
        missing = [
            name
            for name, value in (settings.model_dump() if settings else {"event": None}).items()
            if value is None and name != "aliases"
        ]
        if missing:
            raise BadInput(
                f"{packs[0].path}: kind '{kind}' needs {', '.join(missing)} under 'kinds'."
            )
    for pack in packs:
        for kind, settings in pack.spec.kinds.items():
            if settings.event is not None and (problem := event_name_problem(settings.event)):
                raise BadInput(f"{pack.path}: kind '{kind}': field 'event': {problem}")


def _check_business_types(packs: tuple[Pack, ...]) -> None:
    seen: dict[str, str] = {}
    for pack in packs:
        business_type = pack.spec.business_type
        if business_type is None:
            continue
        if business_type in seen:
            raise BadInput(
                f"{pack.path}: business_type '{business_type}' is "
                f"already defined by {seen[business_type]}.yaml."
            )
        seen[business_type] = pack.name


def event_name_problem(name: str) -> str:
    """Why GA4 would reject or misread this event name, or '' when it is fine."""
    if not EVENT_NAME.match(name):
        return (
            f"'{name}' is not a GA4 event name (snake_case, letters, digits and _, starting "
            "with a letter, at most 40 characters)."
        )
    if name in RESERVED_EVENTS:
        return f"'{name}' is reserved by GA4 (collected automatically); choose another name."
    if name.startswith(RESERVED_PREFIXES):
        return f"'{name}' starts with a prefix GA4 reserves."
    return ""


def _field_types(common: Pack) -> tuple[FieldType, ...]:
    out = []
    for name, semantics in common.spec.fields.items():
        pattern = None
        if semantics.text:
            try:
                pattern = compile_pattern(
                    "|".join(f"(?:{p})" for p in semantics.text), ignore_case=True
                )
            except PatternError as error:
                raise BadInput(
                    f"common.yaml: fields.{name}.text: invalid regular expression ({error})."
                ) from None
        out.append(
            FieldType(name, frozenset(semantics.types), pattern, frozenset(semantics.requires_type))
        )
    return tuple(out)
