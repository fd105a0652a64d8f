"""Writing the outputs: JSON files and plan.md from a Jinja2 template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from scanner.models import Finding, Plan, Site
from scanner.resources import resource_dir


def to_json(data: Any) -> str:
    """Stable JSON text: indented, UTF-8 characters kept, newline at the end."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    json.loads(text)  # what we write must parse
    return text + "\n"


def plan_markdown(plan: Plan) -> str:
    environment = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    return environment.get_template("plan.md.j2").render(plan=plan.model_dump(mode="json"))


def write_site(site: Site, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.json").write_text(to_json(site.model_dump(mode="json")), encoding="utf-8")


def write_outputs(
    findings: list[Finding], plan: Plan, gtm_container: dict[str, Any], out: Path
) -> list[Path]:
    """Write findings.json, plan.json, plan.md and gtm-container.json; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "findings.json": to_json([f.model_dump(mode="json") for f in findings]),
        "plan.json": to_json(plan.model_dump(mode="json")),
        "plan.md": plan_markdown(plan),
        "gtm-container.json": to_json(gtm_container),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]
