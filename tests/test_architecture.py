"""The layers keep their direction, read from the imports themselves: models import no other
layer; crawl, analysis and outputs import only models (and the shared errors and resources);
third-party libraries stay in the layer that owns them; the stages after the crawl touch no
clock, network or process; only the command line talks to the terminal."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scanner"
# What each layer may import of the scanner's own code ("shared": errors, resources, the demo
# server, URL templates and the RE2 patterns).
LAYERS = {
    "models": {"models", "shared"},
    "crawl": {"crawl", "models", "shared"},
    "analysis": {"analysis", "models", "shared"},
    "outputs": {"outputs", "models", "shared"},
    "analytics": {"analytics", "models", "shared"},  # reads analytics exports (DuckDB)
    "api": {"api", "crawl", "analysis", "outputs", "analytics", "models", "shared"},
    # many sites: each scanned by `scanner scan` in a process of its own, so no api import
    "batch": {"batch", "crawl", "outputs", "models", "shared"},
    "cli": {"cli", "api", "batch", "crawl", "analysis", "outputs", "analytics", "models", "shared"},
    "shared": {"shared"},
}
SHARED = {"errors", "resources", "serve", "url_templates", "patterns"}
# Where a third-party library may be imported: by layer, or by one module (dotted path).
LIBRARIES = {
    "playwright": {"crawl"},
    "protego": {"crawl"},
    "publicsuffixlist": {"crawl"},
    "jinja2": {"outputs"},
    "click": {"cli"},
    "rich": {"cli.progress"},
    # where rule packs, plan.yaml, event-name mappings and site lists are read, plan.yaml written
    "yaml": {
        "analysis.rules",
        "analysis.plan_file",
        "outputs.plan_yaml",
        "analytics.source",
        "batch.sites",
    },
    "soupsieve": {"analysis.plan_file"},  # CSS selectors of plan.yaml checked
    "openpyxl": {"outputs.plan_xlsx"},
    "jsonschema": set(),  # tests only
    "duckdb": {"analytics"},  # analytics exports are read in place, only there
    "celery": {"batch.queue"},  # the task queue, and its Redis transport
    "kombu": {"batch.queue"},
    "redis": {"batch.queue"},
    "re2": {"patterns"},  # every outside pattern runs on RE2, through scanner.patterns
    "bs4": set(),  # tests only
}
# Standard modules that would make a stage after the crawl impure.
IMPURE = {"time", "datetime", "random", "socket", "subprocess", "os", "urllib3", "requests"}
PURE_LAYERS = {"analysis", "outputs"}
WRITERS = {"outputs.write"}  # the one place outputs touch files


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> str:
    """scanner/analysis/rules.py -> analysis.rules; scanner/cli/__init__.py -> cli."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(part for part in parts if part != "__init__") or "__init__"


def layer(module: str) -> str:
    top = module.split(".")[0]
    if top in SHARED:
        return "shared"
    if top == "__init__":
        return "api"  # the package itself re-exports the library API
    if top == "__main__":
        return "cli"
    return top


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_every_module_belongs_to_a_layer(path: Path) -> None:
    assert layer(dotted(path)) in LAYERS, f"{dotted(path)}: add it to a layer"


@cache
def imports(path: Path) -> frozenset[str]:
    """Absolute names this module imports: scanner.x.y, or a top-level library name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "scanner":
                names |= {f"scanner.{alias.name}" for alias in node.names}
            else:
                names.add(node.module)
    return frozenset(names)


def own_imports(path: Path) -> set[str]:
    return {name.removeprefix("scanner.") for name in imports(path) if name.startswith("scanner.")}


def library_imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imports(path) if not name.startswith("scanner")}


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_each_module_imports_only_the_layers_below_it(path: Path) -> None:
    here = layer(dotted(path))
    for name in own_imports(path):
        assert layer(name) in LAYERS[here], f"{dotted(path)} ({here}) imports {name}"


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_third_party_libraries_stay_in_their_layer(path: Path) -> None:
    module = dotted(path)
    for library in library_imports(path) & set(LIBRARIES):
        places = LIBRARIES[library]
        assert layer(module) in places or module in places, f"{module} imports {library}"


@pytest.mark.parametrize(
    "path", [p for p in modules() if layer(dotted(p)) in PURE_LAYERS], ids=dotted
)
def test_stages_after_the_crawl_touch_no_clock_network_or_process(path: Path) -> None:
    assert not library_imports(path) & IMPURE, dotted(path)
    if dotted(path) not in WRITERS:
        source = path.read_text(encoding="utf-8")
        assert ".write_text(" not in source and ".write_bytes(" not in source, dotted(path)


def terminal_use(path: Path) -> list[str]:
    """Calls to print() and uses of sys.stdout / sys.stderr in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ):
            found.append(f"print() on line {node.lineno}")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
            and node.attr in ("stdout", "stderr")
        ):
            found.append(f"sys.{node.attr} on line {node.lineno}")
    return found


@pytest.mark.parametrize("path", [p for p in modules() if layer(dotted(p)) != "cli"], ids=dotted)
def test_only_the_command_line_talks_to_the_terminal(path: Path) -> None:
    assert terminal_use(path) == [], dotted(path)


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The checks read real imports: an analysis module importing the crawler is caught."""
    bad = tmp_path / "scanner" / "analysis" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from scanner.crawl.visit import visit\nimport playwright\nprint(visit)\n")
    assert own_imports(bad) == {"crawl.visit"}
    assert terminal_use(bad) == ["print() on line 3"]
    assert layer("crawl.visit") not in LAYERS["analysis"]
    assert "playwright" in library_imports(bad) and "analysis" not in LIBRARIES["playwright"]
