"""README, --help, CI and the real outputs say the same thing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli.commands import cli
from scanner.cli.exits import EXIT_BY_ERROR, EXIT_CODES
from scanner.serve import serve_directory
from tests.conftest import FIXTURES, ROOT
from tests.golden import GOLDEN

README = (ROOT / "README.md").read_text()
COMMANDS = [
    "scan",
    "analyze",
    "validate",
    "demo",
    "verify",
    "rules list",
    "rules check",
    "export",
    "diff",
    "schema",
    "batch",
    "worker",
]
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def section(title: str) -> str:
    """The text under a heading of the README, up to the next heading of level 2 (headings inside
    code blocks do not count)."""
    lines, inside, fenced = [], False, False
    for line in README.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and re.fullmatch(rf"##+ {re.escape(title)}", line):
            inside = True
            continue
        if inside and not fenced and line.startswith("## "):
            break
        if inside:
            lines.append(line)
    assert lines, title
    return "\n".join(lines) + "\n"


def code_blocks(text: str, language: str = "") -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    (block,) = code_blocks(section("Quickstart (fresh Debian or Ubuntu machine)"), "sh")[:1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["./run demo", "./run test"]
    assert "exec ./run test" in (ROOT / ".ci" / "run").read_text()


def synopsis_options() -> dict[str, set[str]]:
    """The options the README's synopsis gives each command."""
    (synopsis,) = [b for b in code_blocks(section("Commands")) if b.startswith("scanner scan")]
    text: dict[str, str] = {}
    for line in synopsis.splitlines():
        if line.startswith("scanner "):
            command = next(
                c for c in sorted(COMMANDS, key=len, reverse=True) if line[8:].startswith(c)
            )
            text[command] = line
        else:
            text[command] += " " + line  # an indented continuation
    options = {command: set(OPTION.findall(line)) for command, line in text.items()}
    for command, line in text.items():
        inherited = re.search(r"\[the options of (\w+), except ([^\]]*)\]", line)
        if inherited:
            excepted = set(OPTION.findall(inherited.group(2)))
            options[command] = (options[command] - excepted) | (
                options[inherited.group(1)] - excepted
            )
    return options


def help_text(*args: str) -> str:
    """What `scanner ARGS --help` prints (in-process: the same click commands, much faster)."""
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="scanner")
    assert result.exit_code == 0, result.output
    return result.output


def help_options(command: str) -> set[str]:
    """The options `scanner COMMAND --help` lists (the first name of each line)."""
    listed = help_text(*command.split()).split("Options:", 1)[1]
    return set(re.findall(r"^\s+(--?[a-z][a-z-]*)", listed, re.M)) - {"--help"}


@pytest.mark.parametrize("command", COMMANDS)
def test_the_readme_synopsis_and_help_list_the_same_options(command: str) -> None:
    readme = synopsis_options()[command]
    shown = help_options(command)
    assert sorted(readme - shown) == [], f"in the README but not in 'scanner {command} --help'"
    assert sorted(shown - readme) == [], f"in 'scanner {command} --help' but not in the README"


def test_exit_codes_are_the_same_in_help_in_the_readme_and_in_the_code() -> None:
    """And each library error maps to one of them."""
    assert set(EXIT_BY_ERROR.values()) <= set(EXIT_CODES)
    rows = dict(re.findall(r"^\| (\d+) \| (.+) \|$", section("Commands"), re.M))
    assert sorted(int(code) for code in rows) == sorted(EXIT_CODES)
    for code, meaning in rows.items():
        assert meaning.startswith(EXIT_CODES[int(code)]), code
    epilog = help_text().split("Exit codes:", 1)[1]
    listed = dict(re.findall(r"^\s+(\d+)\s+(.+?)\s*$", epilog, re.M))
    assert {int(code): meaning for code, meaning in listed.items()} == EXIT_CODES


def test_the_output_excerpt_is_real_rows_of_the_demo_plan() -> None:
    text = section("What you get")
    plan_lines = (GOLDEN / "demo" / "plan.md").read_text().splitlines()
    excerpt = [line for block in code_blocks(text) for line in block.splitlines()]
    assert len(excerpt) > 20
    for line in excerpt:
        if line in ("", "..."):
            continue
        start = line.removesuffix("...").rstrip()
        assert any(real.startswith(start) for real in plan_lines), line
    pages = len(json.loads((GOLDEN / "demo" / "site.json").read_text())["pages"])
    assert f"`scanned {pages} page(s); wrote out/`" in text


def documented_keys(file: str) -> set[str]:
    (row,) = re.findall(rf"^\| `{re.escape(file)}` \| (.+) \|$", section("Output files"), re.M)
    return set(re.findall(r"`([a-z_]+)`", row))


def test_the_output_files_table_names_every_key() -> None:
    site = json.loads((GOLDEN / "demo" / "site.json").read_text())
    plan = json.loads((GOLDEN / "demo" / "plan.json").read_text())
    finding = json.loads((GOLDEN / "demo" / "findings.json").read_text())[0]
    expected = {
        "site.json": {*site, *site["pages"][0], *site["coverage"]},
        "plan.json": {*plan, *plan["events"][0], *plan["events"][0]["trigger"]},
        "findings.json": set(finding) - {"in_iframe"},
    }
    for file, keys in expected.items():
        assert sorted(keys - documented_keys(file)) == [], file


@pytest.mark.browser
def test_the_library_example_runs(tmp_path: Path) -> None:
    (example,) = code_blocks(section("As a library"), "python")
    with serve_directory(FIXTURES / "demo") as url:
        code = example.replace("https://www.example.com/", url).replace(
            'Path("out/example', f'Path("{tmp_path}'
        )
        exec(compile(code, "README example", "exec"), {})
    assert (tmp_path / "gtm-container.json").exists() and (tmp_path / "site.json").exists()
