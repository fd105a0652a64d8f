"""Installed from a wheel into a fresh virtual environment (not editable), the tool still finds
its rules, templates, collector script and demo site."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        dist,
        ROOT,
    )
    (built,) = dist.glob("tracking_plan_scanner-*.whl")
    return built


def test_wheel_carries_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "scanner/crawl/snapshot.js",
        "scanner/crawl/datalayer.js",
        "scanner/outputs/listeners_html/html5_video.html",
        "scanner/_data/rules/common.yaml",
        "scanner/_data/templates/plan.md.j2",
        "scanner/_data/fixtures/demo/index.html",
    ):
        assert required in names
    assert not any("kinds/" in name for name in names), "test fixtures are not shipped"


@pytest.mark.browser
def test_demo_runs_from_a_wheel_in_a_fresh_virtual_environment(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    # Dependencies come from this test run's environment, appended after the fresh site-packages;
    # .pth files there (an editable install of the checkout) are not processed this way.
    fresh_site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(fresh_site.stdout.strip(), "zz_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    where = run(python, "-c", "import scanner; print(scanner.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(venv)), where.stdout

    run(venv / "bin" / "scanner", "demo", "-o", tmp_path / "out", "--port", "0", cwd=tmp_path)
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert plan["business_type"]["type"] == "ecommerce" and plan["events"]
    assert (tmp_path / "out" / "plan.md").read_text().startswith("# Tracking plan")
