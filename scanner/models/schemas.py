"""The JSON Schemas of plan.json and plan.yaml, generated from their models; published in
schemas/ (a test keeps those files equal to these) and printed by `scanner schema`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from scanner.models.plan_file import PlanFile
from scanner.models.plan_record import PlanRecord

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "plan": (PlanRecord, "plan.json"),
    "plan-yaml": (PlanFile, "plan.yaml"),
}


def schema(name: str) -> dict[str, Any]:
    """The schema called `name` (a key of SCHEMAS)."""
    model, file_name = SCHEMAS[name]
    generated = model.model_json_schema()
    return {"$schema": DIALECT, **generated, "title": file_name}


def schema_text(name: str) -> str:
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def schema_file(name: str) -> str:
    """Its file name in schemas/."""
    return f"{name}.schema.json"
