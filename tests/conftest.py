"""Shared test helpers: paths, the bundled rules, the CLI as a user runs it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from scanner.analysis.rules import RuleSet, load_rules
from scanner.cli import main
from scanner.models import Plan
from scanner.resources import resource_dir

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
# The kinds the first version must recognise, each proven by fixtures (issue: end to end).
REQUIRED_KINDS = (
    "add_to_cart",
    "pricing_link",
    "newsletter_form",
    "contact_form",
    "video",
    "phone_link",
)
SHARED = Path(os.environ.get("SCANNER_SHARED", ROOT.parent / "shared"))
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(resource_dir("rules"))


@pytest.fixture(scope="session")
def rescanned(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """The demo's plan edited by an analyst and kept across a re-scan (tests/test_rescan.py)."""
    from tests.test_rescan import rescanned_plan  # a test module, which imports this one

    return rescanned_plan(tmp_path_factory.mktemp("scan"))


def invoke(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process, as `scanner ARGS`, capturing what it prints and its
    exit code (no interpreter start-up: for everything that needs no environment of its own)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(["scanner", *args], code, out.getvalue(), err.getvalue())


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run `python -m scanner ARGS` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )
