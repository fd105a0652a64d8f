"""gtm-container.json: a container export (exportFormatVersion 2) for the plan (pure).

Built from typed triggers and each destination's tags (GA4, and Meta and Google Ads when their
IDs are given), in folders by funnel stage, then spelt as GTM's export
format does (shared/reference/gtm-format.md): UPPER_SNAKE enums, parameters as
{type, key, value}, variables referenced by display name in {{...}}, built-ins listed.
"""

from __future__ import annotations

from typing import Any

from scanner.models import TIERS, Analysis, Plan
from scanner.outputs.gtm.entities import (
    DATALAYER_PREFIX,
    VARIABLES_FOLDER,
    Boolean,
    BuiltInTrigger,
    Condition,
    Container,
    Definition,
    Integer,
    Parameter,
    Tag,
    Template,
    Trigger,
    Value,
    Variable,
    datalayer_value,
    parameter_references,
)
from scanner.outputs.gtm.ga4 import BASE_FOLDER, ga4_tags
from scanner.outputs.gtm.google_ads import google_ads_tags
from scanner.outputs.gtm.listeners import listener_tag
from scanner.outputs.gtm.meta import event_id_variable, meta_tags
from scanner.outputs.gtm.triggers import triggers_for
from scanner.outputs.text import json_text

ACCOUNT_ID = "0"
CONTAINER_ID = "0"
# Fixed, so the file is the same for the same site; GTM ignores it on import.
EXPORT_TIME = "2000-01-01 00:00:00"


def render(analysis: Analysis) -> str:
    return json_text(export(build_container(analysis.plan)))


TAGGED_TIERS = {"key": {"key"}, "recommended": {"key", "recommended"}, "all": set(TIERS)}


def build_container(plan: Plan) -> Container:
    """Triggers for the events of the tiers the plan asks for that enhanced measurement does not
    collect, and the destinations' tags on them."""
    events = [
        e
        for e in plan.events
        if not e.collected_by_enhanced_measurement and e.tier in TAGGED_TIERS[plan.container_events]
    ]
    tracked = [(event, triggers_for(event)) for event in events]
    destinations = [ga4_tags(plan, tracked, event_id_variable(plan))]
    if plan.meta_pixel_id:
        destinations.append(meta_tags(plan, tracked))
    if plan.google_ads_id:
        destinations.append(google_ads_tags(plan, tracked))
    tags = [tag for destination in destinations for tag in destination.tags]
    tags += [
        listener_tag(event.trigger.listener, event.event, BASE_FOLDER)
        for event in events
        if event.trigger.listener
    ]
    variables = {v.name: v for destination in destinations for v in destination.variables}
    for reference in (ref for tag in tags for ref in parameter_references(tag.parameters)):
        if reference.name.startswith(DATALAYER_PREFIX) and reference.name not in variables:
            path = reference.name.removeprefix(DATALAYER_PREFIX)
            variables[reference.name] = datalayer_value(reference.name, path)
    return Container(
        name=f"Tracking plan for {plan.site}",
        tags=tuple(tags),
        triggers=tuple(trigger for _, triggers in tracked for trigger in triggers),
        variables=tuple(variables.values()),
    )


def export(container: Container) -> dict[str, Any]:
    """The container as GTM's export format, ready for json.dumps."""
    trigger_ids = {trigger.name: str(n) for n, trigger in enumerate(container.triggers, 1)}
    if len(trigger_ids) != len(container.triggers):
        raise ValueError("trigger names must be unique")
    folder_ids = {name: str(n) for n, name in enumerate(container.folders(), 1)}
    version: dict[str, Any] = {
        "path": f"accounts/{ACCOUNT_ID}/containers/{CONTAINER_ID}/versions/0",
        "accountId": ACCOUNT_ID,
        "containerId": CONTAINER_ID,
        "containerVersionId": "0",
        "container": {
            "path": f"accounts/{ACCOUNT_ID}/containers/{CONTAINER_ID}",
            "accountId": ACCOUNT_ID,
            "containerId": CONTAINER_ID,
            "name": container.name,
            "publicId": "GTM-XXXXXXX",
            "usageContext": ["WEB"],
            "fingerprint": "0",
        },
        "tag": [
            _tag(str(n), tag, trigger_ids, folder_ids) for n, tag in enumerate(container.tags, 1)
        ],
        "trigger": [_trigger(trigger_ids[t.name], t, folder_ids) for t in container.triggers],
        "variable": [
            _variable(str(n), v, folder_ids[VARIABLES_FOLDER])
            for n, v in enumerate(container.variables, 1)
        ],
        "folder": [
            {
                "accountId": ACCOUNT_ID,
                "containerId": CONTAINER_ID,
                "folderId": folder_id,
                "name": name,
                "fingerprint": "0",
            }
            for name, folder_id in folder_ids.items()
        ],
    }
    built_ins = container.built_ins()
    if built_ins:
        version["builtInVariable"] = [
            {
                "accountId": ACCOUNT_ID,
                "containerId": CONTAINER_ID,
                "type": variable.built_in,
                "name": variable.name,
            }
            for variable in built_ins
        ]
    version["fingerprint"] = "0"
    return {"exportFormatVersion": 2, "exportTime": EXPORT_TIME, "containerVersion": version}


def _entity(id_key: str, entity_id: str, name: str, type_: str, **fields: Any) -> dict[str, Any]:
    return {
        "accountId": ACCOUNT_ID,
        "containerId": CONTAINER_ID,
        id_key: entity_id,
        "name": name,
        "type": type_,
        **fields,
        "fingerprint": "0",
    }


def _tag(
    tag_id: str, tag: Tag, trigger_ids: dict[str, str], folder_ids: dict[str, str]
) -> dict[str, Any]:
    firing = [t.id if isinstance(t, BuiltInTrigger) else trigger_ids[t.name] for t in tag.firing]
    setup = {"setupTag": [{"tagName": name} for name in tag.setup]} if tag.setup else {}
    return _entity(
        "tagId",
        tag_id,
        tag.name,
        tag.type,
        parameter=[_parameter(p) for p in tag.parameters],
        firingTriggerId=firing,
        **setup,
        parentFolderId=folder_ids[tag.folder],
        tagFiringOption="ONCE_PER_EVENT",
        monitoringMetadata={"type": "MAP"},
        consentSettings=_consent(tag.consent),
        notes=tag.notes,
    )


def _consent(types: tuple[str, ...]) -> dict[str, Any]:
    """Google's tags adapt to Consent Mode by themselves (NOT_SET); others wait for consent."""
    if not types:
        return {"consentStatus": "NOT_SET"}
    return {
        "consentStatus": "NEEDED",
        "consentType": {
            "type": "LIST",
            "list": [{"type": "TEMPLATE", "value": name} for name in types],
        },
    }


def _trigger(trigger_id: str, trigger: Trigger, folder_ids: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, conditions in (
        ("customEventFilter", trigger.custom_event_filters),
        ("autoEventFilter", trigger.auto_event_filters),
        ("filter", trigger.filters),
    ):
        if conditions:
            fields[key] = [_condition(c) for c in conditions]
    if trigger.listener is not None:
        # keyless top-level fields of link-click and form-submission triggers (R5)
        fields |= {
            "waitForTags": {"type": "BOOLEAN", "value": "false"},
            "checkValidation": {
                "type": "BOOLEAN",
                "value": _boolean_text(trigger.listener.check_validation),
            },
            "waitForTagsTimeout": {"type": "TEMPLATE", "value": "2000"},
            "uniqueTriggerId": {"type": "TEMPLATE"},
        }
    fields["parentFolderId"] = folder_ids[trigger.folder]
    return _entity("triggerId", trigger_id, trigger.name, trigger.type, **fields)


def _variable(variable_id: str, variable: Definition, folder_id: str) -> dict[str, Any]:
    return _entity(
        "variableId",
        variable_id,
        variable.name,
        variable.type,
        parameter=[_parameter(p) for p in variable.parameters],
        parentFolderId=folder_id,
        formatValue={},
    )


def _condition(condition: Condition) -> dict[str, Any]:
    parameters = [
        _parameter(Template("arg0", condition.variable)),
        _parameter(Template("arg1", condition.value)),
    ]
    if condition.ignore_case:
        parameters.append(_parameter(Boolean("ignore_case", True)))
    return {"type": condition.operator, "parameter": parameters}


def _parameter(parameter: Parameter) -> dict[str, Any]:
    if isinstance(parameter, Template):
        return {"type": "TEMPLATE", "key": parameter.key, "value": _text(parameter.value)}
    if isinstance(parameter, Boolean):
        return {"type": "BOOLEAN", "key": parameter.key, "value": _boolean_text(parameter.value)}
    if isinstance(parameter, Integer):
        return {"type": "INTEGER", "key": parameter.key, "value": str(parameter.value)}
    rows = [{"type": "MAP", "map": [_parameter(cell) for cell in row]} for row in parameter.rows]
    return {"type": "LIST", "key": parameter.key, "list": rows}


def _text(value: Value) -> str:
    parts = value if isinstance(value, tuple) else (value,)
    return "".join(part.reference() if isinstance(part, Variable) else part for part in parts)


def _boolean_text(value: bool) -> str:
    return "true" if value else "false"
