"""Shared command plumbing: options every command takes and the error handler around each command."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape

from keel_cli import config
from keel_cli.api import KeelError
from keel_cli.output import View, errors

F = TypeVar("F", bound=Callable[..., Any])

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV (the table's columns) instead of a table.")]
ColumnsOpt = Annotated[
    str, typer.Option("--columns", help="Comma-separated columns to show, e.g. id,status (--wide lists them all).")
]
WideFlag = Annotated[bool, typer.Option("--wide", help="Show every column.")]
ProjectOpt = Annotated[str, typer.Option("--project", "-p", help="Project slug (default: KEEL_PROJECT or config).")]


def report(error: KeelError) -> None:
    errors.print(f"[bold red]{escape(str(error))}[/]", highlight=False, soft_wrap=True)
    for line in error.errors:
        errors.print(f"  - {line}", highlight=False, markup=False)


def command(app: typer.Typer, name: str | None = None) -> Callable[[F], F]:
    """Register a command whose KeelError becomes a message on stderr and a non-zero exit code."""

    def register(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except KeelError as error:
                report(error)
                raise typer.Exit(error.exit_code) from None

        app.command(name)(wrapper)
        return fn

    return register


def read_json_file(path: Path) -> Any:
    """A JSON file's content, or a KeelError (exit 2) naming the file and the problem."""
    try:
        return json.loads(path.read_text())
    except OSError as exc:
        raise KeelError(f"{path}: cannot read ({exc.strerror or exc})", exit_code=2) from None
    except UnicodeDecodeError:
        raise KeelError(f"{path}: not a text file", exit_code=2) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise KeelError(f"{path}: not valid JSON ({where}: {exc.msg})", exit_code=2) from None


def project_slug(value: str) -> str:
    slug = value or config.load().project
    if not slug:
        raise KeelError("No project given: pass -p/--project or set KEEL_PROJECT.", exit_code=2)
    return slug


def view(as_json: bool, as_csv: bool, columns: str, wide: bool) -> View:
    if as_json and as_csv:
        raise KeelError("Choose one of --json and --csv.", exit_code=2)
    return View(as_json=as_json, as_csv=as_csv, columns=columns, wide=wide)
