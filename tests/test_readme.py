"""README, --help and CI say the same thing."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, title
    return match.group(1)


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    block = re.search(
        r"```sh\n(.*?)```", section("Quickstart (fresh Debian or Ubuntu machine)"), re.S
    )
    assert block
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["./run demo", "./run test"]
    assert "exec ./run test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("command", ["scan", "analyze", "demo"])
def test_every_option_in_the_readme_synopsis_exists(command: str) -> None:
    synopsis = re.search(r"```\n(scanner scan .*?)```", section("Commands"), re.S)
    assert synopsis
    lines = synopsis.group(1).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"scanner {command}"))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("scanner ")), len(lines)
    )
    text = " ".join(lines[start:end])  # the command's line and its indented continuation
    options = set(re.findall(r"--[a-z-]+", text))
    if "[same options as scan]" in lines[start]:
        options |= {"--max-pages", "--depth", "--type", "--measurement-id", "--rules", "--browser"}
    help_text = run_cli(command, "--help").stdout
    for option in options:
        assert option in help_text, f"{option} of 'scanner {command}' is not in --help"


def test_exit_codes_in_help_match_the_readme() -> None:
    help_text = " ".join(run_cli("--help").stdout.split())
    table = section("Commands")
    for code in re.findall(r"^\| (\d+) \|", table, re.M):
        assert f"{code} " in help_text, code
