"""A checker for GTM container exports, built from Google's Tag Manager API schema (discovery
document) and from the keys real exports use (shared/reference/gtm-real/KEYS.txt)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

BUILT_IN_TRIGGERS = {"2147479553", "2147479573", "2147479572"}
# Tag parameters no real export here shows but compiled gtm.js runtimes do (__awct's
# vtp_conversionValue, vtp_currencyCode, vtp_orderId: shared/reference/gtm-format.md, 4.5).
RUNTIME_PARAMETERS = {
    "awct": {"conversionValue:TEMPLATE", "currencyCode:TEMPLATE", "orderId:TEMPLATE"},
}
ENTITY_SCHEMAS = {
    "tag": "Tag",
    "trigger": "Trigger",
    "variable": "Variable",
    "builtInVariable": "BuiltInVariable",
    "folder": "Folder",
}


def upper_snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).upper()


class ExportChecker:
    def __init__(self, reference: Path) -> None:
        discovery = json.loads((reference / "tagmanager-v2-discovery.json").read_text())
        self.schemas = discovery["schemas"]
        self.seen_keys = self._read_keys(reference / "gtm-real" / "KEYS.txt")

    def enum(self, schema: str, field: str) -> set[str]:
        spec = self.schemas[schema]["properties"][field]
        values = spec.get("enum") or spec["items"]["enum"]  # arrays keep theirs under items
        return {upper_snake(value) for value in values}

    def fields(self, schema: str) -> set[str]:
        return set(self.schemas[schema]["properties"])

    @staticmethod
    def _read_keys(path: Path) -> dict[tuple[str, str], set[str]]:
        keys: dict[tuple[str, str], set[str]] = defaultdict(set)
        current: tuple[str, str] | None = None
        for line in path.read_text().splitlines():
            header = re.match(r"== \('(\w+)', '([\w-]+)'\)", line)
            if header:
                current = (header.group(1), header.group(2))
            elif current and line.startswith("    "):
                keys[current].add(line.split()[0])
        return keys

    def problems(self, export: dict[str, Any]) -> list[str]:
        """Every way this export departs from the schema and from real exports."""
        out: list[str] = []
        if set(export) - {"exportFormatVersion", "exportTime", "containerVersion"}:
            out.append(f"unknown top-level keys {set(export)}")
        if export.get("exportFormatVersion") != 2:
            out.append("exportFormatVersion must be 2")
        if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", export.get("exportTime", "")):
            out.append("exportTime must be 'YYYY-MM-DD HH:MM:SS'")
        version = export["containerVersion"]
        out += [f"containerVersion.{k}" for k in set(version) - self.fields("ContainerVersion")]
        if "container" in version:
            container = version["container"]
            out += [f"container.{k}" for k in set(container) - self.fields("Container")]
            contexts = set(container.get("usageContext", [])) - self.enum(
                "Container", "usageContext"
            )
            out += [f"usageContext {c}" for c in contexts]
        for entity, schema in ENTITY_SCHEMAS.items():
            for item in version.get(entity, []):
                out += [
                    f"{entity} {item.get('name')}: field {k}"
                    for k in set(item) - self.fields(schema)
                ]
        out += self._check_tags(version) + self._check_triggers(version)
        out += self._check_references(version)
        return out

    def _parameter_problems(self, where: str, parameter: dict[str, Any], keyed: bool) -> list[str]:
        out = []
        if parameter.get("type") not in self.enum("Parameter", "type"):
            out.append(f"{where}: parameter type {parameter.get('type')}")
        if keyed and "key" not in parameter:
            out.append(f"{where}: parameter without key")
        for item in parameter.get("list", []):
            out += self._parameter_problems(where, item, keyed=False)
        for item in parameter.get("map", []):
            out += self._parameter_problems(where, item, keyed=True)
        return out

    def _check_tags(self, version: dict[str, Any]) -> list[str]:
        out = []
        for tag in version.get("tag", []):
            where = f"tag {tag['name']}"
            if tag.get("tagFiringOption") not in self.enum("Tag", "tagFiringOption"):
                out.append(f"{where}: tagFiringOption {tag.get('tagFiringOption')}")
            seen = self.seen_keys.get(("tag", tag["type"]))
            if seen is None:
                out.append(f"{where}: tag type {tag['type']} not seen in real exports")
                continue
            # Fields every tag has (a folder, setup tags) may be seen on any type of tag.
            any_tag = {
                key
                for (entity, _), keys in self.seen_keys.items()
                if entity == "tag"
                for key in keys
                if key.startswith("@")
            }
            for field in set(tag) - {"notes", "parameter"}:
                if f"@{field}" not in any_tag:
                    out.append(f"{where}: field {field} not seen on any tag")
            seen = seen | RUNTIME_PARAMETERS.get(tag["type"], set())
            for parameter in tag.get("parameter", []):
                out += self._parameter_problems(where, parameter, keyed=True)
                out += self._unseen_parameter_keys(where, parameter, seen)
        return out

    @staticmethod
    def _unseen_parameter_keys(where: str, parameter: dict[str, Any], seen: set[str]) -> list[str]:
        key = f"{parameter['key']}:{parameter['type']}"
        paths = [key]
        for row in parameter.get("list", []):
            paths += [f"{parameter['key']}[].{m['key']}:{m['type']}" for m in row.get("map", [])]
        return [f"{where}: parameter {p} not seen in real exports" for p in paths if p not in seen]

    def _check_triggers(self, version: dict[str, Any]) -> list[str]:
        out = []
        conditions = self.enum("Condition", "type")
        for trigger in version.get("trigger", []):
            where = f"trigger {trigger['name']}"
            if trigger["type"] not in self.enum("Trigger", "type"):
                out.append(f"{where}: trigger type {trigger['type']}")
            # FORM_SUBMISSION has no real export here; the API says it takes LINK_CLICK's fields.
            seen_type = "LINK_CLICK" if trigger["type"] == "FORM_SUBMISSION" else trigger["type"]
            seen = self.seen_keys.get(("trigger", seen_type), set())
            for field in set(trigger) - {"notes", "parameter"}:
                if f"@{field}" not in seen:
                    out.append(f"{where}: field {field} not seen on {seen_type} triggers")
            for list_name in ("filter", "customEventFilter", "autoEventFilter"):
                for condition in trigger.get(list_name, []):
                    if condition["type"] not in conditions:
                        out.append(f"{where}: condition {condition['type']}")
                    keys = [p.get("key") for p in condition["parameter"]]
                    if keys[:2] != ["arg0", "arg1"]:
                        out.append(f"{where}: condition parameters {keys}")
                    if not re.fullmatch(r"\{\{[^{}]+\}\}", condition["parameter"][0]["value"]):
                        out.append(f"{where}: arg0 must be a variable reference")
        return out

    @staticmethod
    def _check_references(version: dict[str, Any]) -> list[str]:
        out = []
        trigger_ids = {t["triggerId"] for t in version.get("trigger", [])}
        for entity, id_key in (
            ("tag", "tagId"),
            ("trigger", "triggerId"),
            ("variable", "variableId"),
        ):
            ids = [item[id_key] for item in version.get(entity, [])]
            names = [item["name"] for item in version.get(entity, [])]
            if len(set(ids)) != len(ids) or len(set(names)) != len(names):
                out.append(f"{entity}: ids or names repeat")
            if not all(i.isdigit() for i in ids):
                out.append(f"{entity}: ids must be numeric strings")
        for tag in version.get("tag", []):
            for trigger_id in tag.get("firingTriggerId", []):
                if trigger_id not in trigger_ids | BUILT_IN_TRIGGERS:
                    out.append(f"tag {tag['name']}: unknown trigger {trigger_id}")
        known = {v["name"] for v in version.get("variable", [])}
        known |= {b["name"] for b in version.get("builtInVariable", [])} | {"_event"}
        text = json.dumps({k: version.get(k) for k in ("tag", "trigger", "variable")})
        for reference in set(re.findall(r"\{\{([^{}]+)\}\}", text)) - known:
            out.append(f"{{{{{reference}}}}} is neither a variable nor an enabled built-in")
        return out
