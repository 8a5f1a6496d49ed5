"""A whole drift report: every profile column against the current data, with per-column options."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any

from threadpoolctl import ThreadpoolController

from monitoring.drift.column import DEFAULT_MIN_ROWS, DEFAULT_POSSIBLE_MARGIN, column_drift
from monitoring.drift.dataset import Correction, dataset_drift
from monitoring.drift.results import ColumnDrift
from monitoring.drift.selection import is_numeric


@dataclass(frozen=True)
class ColumnOptions:
    """Overrides for one column; a column ``method`` without ``threshold`` uses that method's default threshold."""

    method: str | None = None
    threshold: float | None = None


@dataclass(frozen=True)
class DriftOptions:
    """How ``compute_report`` evaluates a profile.

    A column's method is, first found: its ``columns`` entry, ``numeric_method`` or ``categorical_method`` by its
    kind, ``method``, the default selection. Its threshold: its entry's (the method's default when the entry names
    a method), ``threshold``, the method's default. ``exclude`` names columns left out of the report (identifiers,
    targets); ``importance`` weighs columns for the weighted share (absent names weigh 0).
    """

    columns: Mapping[str, ColumnOptions] = field(default_factory=dict)
    method: str | None = None
    numeric_method: str | None = None
    categorical_method: str | None = None
    threshold: float | None = None
    share_threshold: float = 0.5
    correction: Correction = None
    alpha: float = 0.05
    min_rows: int = DEFAULT_MIN_ROWS
    importance: Mapping[str, float] | None = None
    exclude: Collection[str] = ()
    possible_margin: float = DEFAULT_POSSIBLE_MARGIN

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DriftOptions:
        """Options from JSON-like data; per-column entries are plain dicts; unknown keys raise ValueError."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown drift options: {sorted(unknown)}")
        columns = {name: ColumnOptions(**dict(entry)) for name, entry in (data.get("columns") or {}).items()}
        return cls(**{**data, "columns": columns})

    def for_column(self, name: str, kind: str) -> ColumnOptions:
        own = self.columns.get(name) or ColumnOptions()
        if own.method is not None:
            return own
        by_kind = self.numeric_method if is_numeric(kind) else self.categorical_method
        threshold = own.threshold if own.threshold is not None else self.threshold
        return ColumnOptions(method=by_kind or self.method, threshold=threshold)


def _check_names(profile_names: list[str], options: DriftOptions) -> None:
    unknown = (set(options.columns) | set(options.exclude)) - set(profile_names)
    if unknown:
        raise ValueError(f"options name columns that are not in the profile: {sorted(unknown)}")


def _missing_column(column: Mapping[str, Any], min_rows: int) -> ColumnDrift:
    result = column_drift(column, [], min_rows=max(min_rows, 1))
    return replace(result, reason="column is missing from the current data") if result.insufficient_data else result


def _column(column: Mapping[str, Any], current: Mapping[str, Any], options: DriftOptions) -> ColumnDrift:
    name = str(column["name"])
    if name not in current:
        return _missing_column(column, options.min_rows)
    own = options.for_column(name, column["kind"])
    return column_drift(
        column,
        current[name],
        method=own.method,
        threshold=own.threshold,
        min_rows=options.min_rows,
        possible_margin=options.possible_margin,
    )


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def compute_report(
    profile: Mapping[str, Any], current: Mapping[str, Any], options: DriftOptions | None = None
) -> dict[str, Any]:
    """Drift of every profile column (minus ``options.exclude``) and the dataset verdict, JSON-safe.

    ``current`` maps column names to raw values or to current sketches (a mapping, see ``column_drift_sketched``);
    a profile column absent from ``current`` is reported as skipped with insufficient data. Runs with one BLAS
    thread: its vectors are small, and waking BLAS threads on a busy machine cost more than the work.
    """
    options = options or DriftOptions()
    names = [str(c["name"]) for c in profile["columns"]]
    _check_names(names, options)
    excluded = set(options.exclude)
    wanted = [c for c in profile["columns"] if str(c["name"]) not in excluded]
    with _blas().limit(limits=1, user_api="blas"):
        columns = [_column(c, current, options) for c in wanted]
    verdict = dataset_drift(
        columns,
        share_threshold=options.share_threshold,
        correction=options.correction,
        alpha=options.alpha,
        importance=options.importance,
    )
    return {"columns": [c.to_dict() for c in columns], "dataset": verdict.to_dict()}
