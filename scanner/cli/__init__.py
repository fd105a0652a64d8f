"""The command line: the only code that talks to the terminal and sets exit codes."""

from __future__ import annotations

import sys

import click

from scanner.cli.commands import cli
from scanner.cli.exits import EXIT_BY_ERROR
from scanner.errors import ScannerError


def main(args: list[str] | None = None) -> None:
    """Run the commands (on `args`, else the command line); a library error becomes one
    `error:` line and its exit code."""
    try:
        cli(args=args, standalone_mode=False, prog_name="scanner")
    except ScannerError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(EXIT_BY_ERROR[type(error)])
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        hint = ""
        if isinstance(error, click.UsageError) and error.ctx is not None:
            hint = f" (see '{error.ctx.command_path} --help')"
        click.echo(f"error: {error.format_message()}{hint}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
