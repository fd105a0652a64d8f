"""The JSON Schemas of plan.json and plan.yaml: published in schemas/ exactly as the models
generate them, printed by `scanner schema`, and the real outputs validate against them."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from scanner.models import Plan
from scanner.models.schemas import SCHEMAS, schema, schema_file, schema_text
from scanner.outputs.plan_json import plan_record
from scanner.outputs.plan_yaml import plan_file
from tests.conftest import ROOT, invoke
from tests.golden import GOLDEN, SITES

PUBLISHED = ROOT / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_published_schema_is_the_generated_one(name: str) -> None:
    """Regenerate with: scanner schema NAME > schemas/NAME.schema.json"""
    assert (PUBLISHED / schema_file(name)).read_text() == schema_text(name)
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_scanner_schema_prints_it(name: str) -> None:
    result = invoke("schema", name)
    assert result.returncode == 0 and result.stdout == schema_text(name)


def validate(name: str, data: Any) -> None:
    jsonschema.Draft202012Validator(schema(name)).validate(data)


@pytest.mark.parametrize("site", [site.name for site in SITES])
def test_the_golden_outputs_validate(site: str) -> None:
    validate("plan", json.loads((GOLDEN / site / "plan.json").read_text()))
    validate("plan-yaml", yaml.safe_load((GOLDEN / site / "plan.yaml").read_text()))


def test_a_rescans_outputs_validate(rescanned: Plan) -> None:
    """Statuses gone and new, notes, a hand-added event."""
    plan = rescanned
    assert {"gone", "new", "not seen"} <= {event.status for event in plan.events}
    validate("plan", plan_record(plan))
    validate("plan-yaml", plan_file(plan).model_dump(mode="json"))


def test_the_schemas_catch_a_broken_output() -> None:
    plan = json.loads((GOLDEN / "demo" / "plan.json").read_text())
    del plan["events"][0]["trigger"]
    with pytest.raises(jsonschema.ValidationError, match="'trigger' is a required property"):
        validate("plan", plan)
    decisions = yaml.safe_load((GOLDEN / "demo" / "plan.yaml").read_text())
    decisions["events"][0]["kind"] = "add_to_basket"
    with pytest.raises(jsonschema.ValidationError, match="'add_to_basket' is not one of"):
        validate("plan-yaml", decisions)
