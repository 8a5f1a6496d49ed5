"""Human tables by default; CSV or JSON for scripts; `--columns` and `--wide` choose what a table shows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from keel_cli.api import KeelError

console = Console()
errors = Console(stderr=True)


def plain(value: Any) -> Any:
    """An SDK model (attrs, with `to_dict`), a list of them, or plain data, as JSON-ready data."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, dict) and all(isinstance(item, scalar) for item in value.values()):
        return ", ".join(f"{key}: {cell(item)}" for key, item in value.items())  # aliases: champion: 3, staging: 4
    if isinstance(value, list) and all(isinstance(item, scalar) for item in value):
        return ", ".join(cell(item) for item in value)
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)


def emit_json(value: Any) -> None:
    print(json.dumps(plain(value), indent=2, default=str))


IDENTIFIERS = {"id", "slug", "name", "model", "version", "deployment", "dataset", "number"}


def is_identifier(column: str) -> bool:
    """Columns whose values are copied into other commands: never cut or wrapped."""
    return column in IDENTIFIERS or column.endswith("_id")


TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00:00)$")


def shown(text: str) -> str:
    """A table cell as people read it: UTC timestamps to the second (CSV and JSON keep them whole)."""
    match = TIMESTAMP.match(text)
    return f"{match[1]} {match[2]}Z" if match else text


WRAP_AT = 30  # a text column narrower than its longest value wraps at about this width rather than hide others


def _natural_width(column: str, values: Sequence[str]) -> int:
    lines = [len(line) for value in values for line in value.splitlines() or [""]]
    widest = max([len(column), *lines])
    return widest if is_identifier(column) else min(widest, max(WRAP_AT, len(column)))


def fitting(columns: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> list[int]:
    """Indexes of the columns that fit `width` side by side: every identifier, then the others in order while
    they fit (each at its natural width, text capped at WRAP_AT), so no value is cut to "…"."""
    widths = [_natural_width(column, [line[i] for line in cells]) + 3 for i, column in enumerate(columns)]
    used = 1 + sum(w for w, column in zip(widths, columns, strict=True) if is_identifier(column))
    kept = []
    for index, column in enumerate(columns):
        if is_identifier(column):
            kept.append(index)
        elif used + widths[index] <= width:
            kept.append(index)
            used += widths[index]
    return kept


def table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str | None = None, layout: str = "wrap"
) -> None:
    """Rows as a table; identifiers are never cut or wrapped. Layout "wrap": other cells wrap to the terminal;
    "fit": columns that would not fit the terminal are left out (and named in a note) instead of being squeezed to
    "…"; "whole": every column at its full width, lines may run past the terminal (`--wide`, `--columns`)."""
    fit = layout == "fit"
    cells = [[shown(cell(row.get(column))) for column in columns] for row in rows]
    hidden: list[str] = []
    if fit and cells:
        kept = fitting(columns, cells, console.width)
        hidden = [column for index, column in enumerate(columns) if index not in kept]
        columns = [columns[index] for index in kept]
        cells = [[line[index] for index in kept] for line in cells]
    grid = Table(title=title)
    for index, column in enumerate(columns):
        if is_identifier(column):
            widest = max([len(column), *(len(line[index]) for line in cells)])
            grid.add_column(column, no_wrap=True, min_width=widest, overflow="fold")
        else:
            grid.add_column(column, overflow="fold")
    for line in cells:
        grid.add_row(*line)
    if layout != "whole":
        console.print(grid)
    else:  # lines may run past the terminal, as with `kubectl get -o wide`
        natural = [
            max(len(text) for value in [column, *(line[i] for line in cells)] for text in value.splitlines() or [""])
            for i, column in enumerate(columns)
        ]
        wide = Console(file=console.file, width=max(console.width, 1 + sum(w + 3 for w in natural)))
        wide.print(grid, crop=False)
    if hidden:
        note = f"{len(hidden)} more column(s) not shown at this width: {', '.join(hidden)} (--wide or --columns)"
        console.print(note, style="dim", highlight=False, markup=False)


def show(value: Any, columns: Sequence[str], *, as_json: bool, title: str | None = None) -> None:
    """A list of records (or one record) as a table, or as JSON with --json."""
    if as_json:
        emit_json(value)
        return
    data = plain(value)
    rows = data if isinstance(data, list) else [data]
    table(rows, columns, title=title)


def pairs(value: Any, *, as_json: bool) -> None:
    """One record as a two-column key/value table."""
    if as_json:
        emit_json(value)
        return
    data = plain(value)
    table(({"field": key, "value": item} for key, item in data.items()), ["field", "value"])


@dataclass(frozen=True)
class View:
    """How a list command prints: a table of the default columns, `columns` (comma-separated), every column
    (`wide`), CSV of the same columns, or the full records as JSON."""

    as_json: bool = False
    as_csv: bool = False
    columns: str = ""
    wide: bool = False


def choose_columns(rows: Sequence[dict[str, Any]], default: Sequence[str], view: View) -> list[str]:
    available = list(dict.fromkeys([*default, *(key for row in rows for key in row)]))
    if view.columns:
        wanted = [name.strip() for name in view.columns.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in available]
        if unknown and rows:
            raise KeelError(
                f"--columns: no column {', '.join(unknown)}; choose from {', '.join(available)}", exit_code=2
            )
        return wanted
    return available if view.wide else list(default)


def emit_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    typer.echo(buffer.getvalue(), nl=False)


def listing(
    records: Any,
    default: Sequence[str],
    view: View,
    *,
    rows: Sequence[dict[str, Any]] | None = None,
    title: str | None = None,
) -> None:
    """A list command's output. `records` are what --json prints; `rows` (default: the records as plain dicts) are
    what the table and CSV show."""
    if view.as_json:
        emit_json(records)
        return
    shown = list(rows) if rows is not None else list(plain(records))
    columns = choose_columns(shown, default, view)
    if view.as_csv:
        emit_csv(shown, columns)
    else:
        table(shown, columns, title=title, layout="whole" if view.columns or view.wide else "fit")
