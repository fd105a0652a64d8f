"""The GTM stage: a container export (exportFormatVersion 2) for a tracking plan (pure).

The spelling follows shared/reference/gtm-format.md: UPPER_SNAKE enums, parameters as
{type, key, value}, variables referenced by display name in {{...}}, built-ins listed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from scanner.models import Plan, PlannedEvent

ACCOUNT_ID = "0"
CONTAINER_ID = "0"
# Fixed, so the file is the same for the same site; GTM ignores it on import.
EXPORT_TIME = "2000-01-01 00:00:00"
INITIALIZATION_ALL_PAGES = "2147479573"
MEASUREMENT_ID_VARIABLE = "Const - GA4 Measurement ID"
BUILT_IN_VARIABLES = {
    "Page URL": "PAGE_URL",
    "Page Path": "PAGE_PATH",
    "Page Hostname": "PAGE_HOSTNAME",
    "Event": "EVENT",
    "Click Element": "CLICK_ELEMENT",
    "Click Classes": "CLICK_CLASSES",
    "Click ID": "CLICK_ID",
    "Click URL": "CLICK_URL",
    "Click Text": "CLICK_TEXT",
    "Form Element": "FORM_ELEMENT",
    "Form ID": "FORM_ID",
    "Form Classes": "FORM_CLASSES",
    "Form URL": "FORM_URL",
    "Form Text": "FORM_TEXT",
}
REFERENCE = re.compile(r"\{\{([^{}]+)\}\}")


def container(plan: Plan) -> dict[str, Any]:
    """The container export as data, ready for json.dumps."""
    tags: list[dict[str, Any]] = [
        _entity(
            "tagId",
            "1",
            "GA4 - Google tag",
            "googtag",
            parameter=[_template("tagId", f"{{{{{MEASUREMENT_ID_VARIABLE}}}}}")],
            firingTriggerId=[INITIALIZATION_ALL_PAGES],
            tagFiringOption="ONCE_PER_EVENT",
            monitoringMetadata={"type": "MAP"},
            consentSettings={"consentStatus": "NOT_SET"},
        )
    ]
    triggers: list[dict[str, Any]] = []
    tracked = [e for e in plan.events if not e.enhanced_measurement.collected]
    repeated = {name for name, n in Counter(e.event for e in tracked).items() if n > 1}
    for event in tracked:
        trigger_id = str(len(triggers) + 1)
        triggers.append(_trigger(trigger_id, event))
        name = f"GA4 - {event.event}" + (f" - {event.kind}" if event.event in repeated else "")
        tags.append(_event_tag(str(len(tags) + 1), name, event, trigger_id))
    variables = [
        _entity(
            "variableId",
            "1",
            MEASUREMENT_ID_VARIABLE,
            "c",
            parameter=[_template("value", plan.measurement_id)],
            formatValue={},
        )
    ]
    version: dict[str, Any] = {
        "path": f"accounts/{ACCOUNT_ID}/containers/{CONTAINER_ID}/versions/0",
        "accountId": ACCOUNT_ID,
        "containerId": CONTAINER_ID,
        "containerVersionId": "0",
        "container": {
            "path": f"accounts/{ACCOUNT_ID}/containers/{CONTAINER_ID}",
            "accountId": ACCOUNT_ID,
            "containerId": CONTAINER_ID,
            "name": f"Tracking plan for {plan.site}",
            "publicId": "GTM-XXXXXXX",
            "usageContext": ["WEB"],
            "fingerprint": "0",
        },
        "tag": tags,
        "trigger": triggers,
        "variable": variables,
    }
    built_ins = _built_ins({"tag": tags, "trigger": triggers})
    if built_ins:
        version["builtInVariable"] = built_ins
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


def _template(key: str, value: str) -> dict[str, str]:
    return {"type": "TEMPLATE", "key": key, "value": value}


def _boolean(key: str, value: bool) -> dict[str, str]:
    return {"type": "BOOLEAN", "key": key, "value": "true" if value else "false"}


def _condition(
    operator: str, variable: str, value: str, ignore_case: bool = False
) -> dict[str, Any]:
    parameters = [_template("arg0", f"{{{{{variable}}}}}"), _template("arg1", value)]
    if ignore_case:
        parameters.append(_boolean("ignore_case", True))
    return {"type": operator, "parameter": parameters}


def _event_tag(tag_id: str, name: str, event: PlannedEvent, trigger_id: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        _template("eventName", event.event),
        _template("measurementIdOverride", f"{{{{{MEASUREMENT_ID_VARIABLE}}}}}"),
    ]
    if event.parameters:
        rows = [
            {
                "type": "MAP",
                "map": [_template("parameter", key), _template("parameterValue", value)],
            }
            for key, value in event.parameters.items()
        ]
        parameters.append({"type": "LIST", "key": "eventSettingsTable", "list": rows})
    return _entity(
        "tagId",
        tag_id,
        name,
        "gaawe",
        parameter=parameters,
        firingTriggerId=[trigger_id],
        tagFiringOption="ONCE_PER_EVENT",
        monitoringMetadata={"type": "MAP"},
        consentSettings={"consentStatus": "NOT_SET"},
        notes=f"{event.title}. {event.why} Trigger: {event.trigger.description}.",
    )


def _trigger(trigger_id: str, event: PlannedEvent) -> dict[str, Any]:
    trigger = event.trigger
    name = f"{event.kind} - {trigger.type.replace('_', ' ')}"
    if trigger.type == "click":
        return _entity(
            "triggerId",
            trigger_id,
            name,
            "CLICK",
            filter=[_condition("CSS_SELECTOR", "Click Element", _with_children(event.selectors))],
        )
    if trigger.type == "link_click":
        return _entity(
            "triggerId",
            trigger_id,
            name,
            "LINK_CLICK",
            filter=[_condition("MATCH_REGEX", "Click URL", trigger.url_regex, ignore_case=True)],
            **_listener_options(check_validation=False),
        )
    if trigger.type == "form_submit":
        return _entity(
            "triggerId",
            trigger_id,
            name,
            "FORM_SUBMISSION",
            autoEventFilter=[_condition("MATCH_REGEX", "Page URL", ".*")],
            filter=[_condition("CSS_SELECTOR", "Form Element", ", ".join(event.selectors))],
            **_listener_options(check_validation=True),
        )
    if trigger.type == "page_view":
        return _entity(
            "triggerId",
            trigger_id,
            name,
            "PAGEVIEW",
            filter=[_condition("MATCH_REGEX", "Page Path", trigger.page_path_regex)],
        )
    return _entity(
        "triggerId",
        trigger_id,
        name,
        "CUSTOM_EVENT",
        customEventFilter=[_condition("EQUALS", "_event", event.event)],
    )


def _listener_options(check_validation: bool) -> dict[str, Any]:
    """The keyless top-level fields of link-click and form-submission triggers (R5)."""
    return {
        "waitForTags": {"type": "BOOLEAN", "value": "false"},
        "checkValidation": {"type": "BOOLEAN", "value": "true" if check_validation else "false"},
        "waitForTagsTimeout": {"type": "TEMPLATE", "value": "2000"},
        "uniqueTriggerId": {"type": "TEMPLATE"},
    }


def _with_children(selectors: list[str]) -> str:
    """GTM compares the clicked node itself: a click on the icon inside a button must match too."""
    return ", ".join(f"{selector}, {selector} *" for selector in selectors)


def _built_ins(entities: dict[str, list[dict[str, Any]]]) -> list[dict[str, str]]:
    names = set(REFERENCE.findall(repr(entities)))
    return [
        {"accountId": ACCOUNT_ID, "containerId": CONTAINER_ID, "type": type_, "name": name}
        for name, type_ in BUILT_IN_VARIABLES.items()
        if name in names
    ]
