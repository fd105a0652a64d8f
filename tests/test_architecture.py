"""Each third-party library stays inside its one module, so stages remain swappable and pure."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scanner"
ALLOWED = {
    "playwright": {"browser.py", "crawl.py", "visit.py"},
    "protego": {"crawl.py"},
    "publicsuffixlist": {"urls.py"},
    "jinja2": {"render.py"},
    "yaml": {"rules.py"},
    "click": {"cli.py"},
    "bs4": set(),
}
PURE = {
    "classify.py",
    "detect.py",
    "plan.py",
    "gtm.py",
    "selectors.py",
    "matchers.py",
    "urls.py",
    "sitemaps.py",
    "inventory.py",
    "obstacles.py",
    "consent.py",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_third_party_libraries_stay_in_their_module() -> None:
    for path in PACKAGE.glob("*.py"):
        for library, modules in ALLOWED.items():
            if library in imported_modules(path):
                assert path.name in modules, f"{path.name} imports {library}"


def test_pure_stages_touch_no_clock_network_or_files() -> None:
    for name in PURE:
        imports = imported_modules(PACKAGE / name)
        assert not imports & {
            "time",
            "datetime",
            "random",
            "socket",
            "urllib3",
            "requests",
            "subprocess",
            "os",
        }, name
