"""Human tables by default, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

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


IDENTIFIERS = {"id", "slug", "name", "model", "version", "deployment"}


def is_identifier(column: str) -> bool:
    """Columns whose values are copied into other commands: never cut or wrapped."""
    return column in IDENTIFIERS or column.endswith("_id")


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str | None = None) -> None:
    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    grid = Table(title=title)
    for index, column in enumerate(columns):
        if is_identifier(column):
            widest = max([len(column), *(len(line[index]) for line in cells)])
            grid.add_column(column, no_wrap=True, min_width=widest, overflow="fold")
        else:
            grid.add_column(column)
    for line in cells:
        grid.add_row(*line)
    console.print(grid)


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
