"""Validation rules ("expectations") for dataset versions: parameter checks, evaluation and generation from a
reference profile. Pure: no Django imports.

Semantics follow Great Expectations where they overlap: ``mostly`` is the share of non-null values that must
satisfy a value-level rule (default 1.0); nulls are not counted against range/set/regex rules (``not_null`` is
the rule for them). ``regex`` uses search semantics: anchor with ``^``/``$`` to match whole values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from registry.tabular import json_safe

KINDS = ("numeric", "integer", "categorical", "boolean", "datetime", "text")
STATISTICS = ("mean", "std", "min", "max", "median", "null_rate", "distinct_count", "unique_share")
EXAMPLES = 5


class RuleError(Exception):
    """A rule definition is invalid; ``field`` names the offending parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class RuleSpec:
    kind: str
    column: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    rule_id: int | None = None


@dataclass
class RuleResult:
    rule_id: int | None
    kind: str
    column: str
    params: dict[str, Any]
    passed: bool
    observed: Any
    message: str
    failing_examples: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "column": self.column,
            "params": self.params,
            "passed": self.passed,
            "observed": json_safe(self.observed) if not isinstance(self.observed, dict) else self.observed,
            "message": self.message,
            "failing_examples": [json_safe(v) for v in self.failing_examples],
        }


# --- parameter validation -------------------------------------------------------------------------------------

_ALLOWED_PARAMS: dict[str, set[str]] = {
    "column_present": set(),
    "column_type": {"kind"},
    "not_null": {"mostly"},
    "range": {"min", "max", "mostly"},
    "allowed_set": {"values", "mostly"},
    "unique": set(),
    "regex": {"pattern", "mostly"},
    "row_count": {"min", "max"},
    "no_duplicate_rows": set(),
    "statistic": {"statistic", "min", "max"},
}
_TABLE_RULES = {"row_count", "no_duplicate_rows"}
_NUMERIC_KINDS = {"numeric", "integer"}


def _number(params: dict[str, Any], key: str) -> float | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RuleError(f"params.{key}", "must be a finite number")
    return float(value)


def _bounds(params: dict[str, Any], *, required: bool = True) -> None:
    low, high = _number(params, "min"), _number(params, "max")
    if required and low is None and high is None:
        raise RuleError("params", "give at least one of min and max")
    if low is not None and high is not None and low > high:
        raise RuleError("params.min", f"min ({low:g}) is greater than max ({high:g})")


def _mostly(params: dict[str, Any]) -> None:
    mostly = _number(params, "mostly")
    if mostly is not None and not 0 < mostly <= 1:
        raise RuleError("params.mostly", "must be in (0, 1]")


def validate_rule(spec: RuleSpec, schema: list[dict[str, Any]] | None) -> None:
    """Raise RuleError when the rule is malformed or names a column missing from ``schema`` (when known)."""
    if spec.kind not in _ALLOWED_PARAMS:
        raise RuleError("kind", f"unknown rule kind {spec.kind!r}; one of {', '.join(_ALLOWED_PARAMS)}")
    if not isinstance(spec.params, dict):
        raise RuleError("params", "must be an object")
    unknown = set(spec.params) - _ALLOWED_PARAMS[spec.kind]
    if unknown:
        raise RuleError(f"params.{sorted(unknown)[0]}", f"not a parameter of {spec.kind}")
    _check_column(spec, schema)
    _CHECKS[spec.kind](spec, {c["name"]: c for c in schema or []})


def _check_column(spec: RuleSpec, schema: list[dict[str, Any]] | None) -> None:
    if spec.kind in _TABLE_RULES:
        if spec.column:
            raise RuleError("column", f"{spec.kind} applies to the whole table; leave column empty")
        return
    if not spec.column:
        raise RuleError("column", f"{spec.kind} needs a column")
    if schema is not None and spec.kind != "column_present" and spec.column not in {c["name"] for c in schema}:
        raise RuleError("column", f"no column {spec.column!r} in the latest version")


def _check_type(spec: RuleSpec, columns: dict[str, Any]) -> None:
    if spec.params.get("kind") not in KINDS:
        raise RuleError("params.kind", f"must be one of {', '.join(KINDS)}")


def _check_range(spec: RuleSpec, columns: dict[str, Any]) -> None:
    _bounds(spec.params)
    _mostly(spec.params)
    column = columns.get(spec.column)
    if column is not None and column["kind"] not in _NUMERIC_KINDS:
        raise RuleError("column", f"range needs a numeric column; {spec.column!r} is {column['kind']}")


def _check_set(spec: RuleSpec, columns: dict[str, Any]) -> None:
    values = spec.params.get("values")
    if not isinstance(values, list) or not values:
        raise RuleError("params.values", "must be a non-empty list")
    _mostly(spec.params)


def _check_regex(spec: RuleSpec, columns: dict[str, Any]) -> None:
    pattern = spec.params.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise RuleError("params.pattern", "must be a non-empty string")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RuleError("params.pattern", f"invalid regular expression: {exc}") from None
    _mostly(spec.params)


def _check_row_count(spec: RuleSpec, columns: dict[str, Any]) -> None:
    _bounds(spec.params)
    for key in ("min", "max"):
        value = spec.params.get(key)
        if value is not None and (value < 0 or value != int(value)):
            raise RuleError(f"params.{key}", "must be a non-negative integer")


def _check_statistic(spec: RuleSpec, columns: dict[str, Any]) -> None:
    if spec.params.get("statistic") not in STATISTICS:
        raise RuleError("params.statistic", f"must be one of {', '.join(STATISTICS)}")
    _bounds(spec.params)


def _no_params(spec: RuleSpec, columns: dict[str, Any]) -> None:
    return None


def _check_not_null(spec: RuleSpec, columns: dict[str, Any]) -> None:
    _mostly(spec.params)


_CHECKS: dict[str, Callable[[RuleSpec, dict[str, Any]], None]] = {
    "column_present": _no_params,
    "column_type": _check_type,
    "not_null": _check_not_null,
    "range": _check_range,
    "allowed_set": _check_set,
    "unique": _no_params,
    "regex": _check_regex,
    "row_count": _check_row_count,
    "no_duplicate_rows": _no_params,
    "statistic": _check_statistic,
}

# --- evaluation -------------------------------------------------------------------------------------------------


def _share_rule(spec: RuleSpec, ok: pd.Series, values: pd.Series, what: str) -> RuleResult:
    """A value-level rule over non-null values: passes when the share of ``ok`` values is at least ``mostly``."""
    mostly = float(spec.params.get("mostly", 1.0))
    total = len(ok)
    good = int(ok.sum())
    share = good / total if total else 1.0
    bad = values[~ok]
    examples = list(pd.unique(bad.to_numpy())[:EXAMPLES]) if len(bad) else []
    passed = share >= mostly
    message = f"{share:.2%} of non-null values {what} (needs {mostly:.0%})"
    return RuleResult(spec.rule_id, spec.kind, spec.column, spec.params, passed, share, message, examples)


def _eval_type(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    actual = kinds.get(spec.column)
    expected = spec.params["kind"]
    # An integer column satisfies "numeric": integers are numbers.
    passed = actual == expected or (expected == "numeric" and actual == "integer")
    return RuleResult(
        spec.rule_id,
        spec.kind,
        spec.column,
        spec.params,
        passed,
        actual,
        f"column type is {actual}, expected {expected}",
    )


def _eval_not_null(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    series = frame[spec.column]
    ok = series.notna()
    mostly = float(spec.params.get("mostly", 1.0))
    share = float(ok.mean()) if len(ok) else 1.0
    rows = list(np.flatnonzero(~ok.to_numpy())[:EXAMPLES])
    return RuleResult(
        spec.rule_id,
        spec.kind,
        spec.column,
        spec.params,
        share >= mostly,
        share,
        f"{share:.2%} of values are present (needs {mostly:.0%})",
        [f"row {r}" for r in rows],
    )


def _eval_range(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    values = pd.to_numeric(frame[spec.column], errors="coerce").dropna()
    ok = pd.Series(True, index=values.index)
    if spec.params.get("min") is not None:
        ok &= values >= spec.params["min"]
    if spec.params.get("max") is not None:
        ok &= values <= spec.params["max"]
    bounds = f"[{spec.params.get('min', '-inf')}, {spec.params.get('max', 'inf')}]"
    return _share_rule(spec, ok, values, f"lie in {bounds}")


def _eval_set(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    values = frame[spec.column].dropna()
    allowed = {str(v) for v in spec.params["values"]}
    ok = values.astype(str).isin(allowed)
    return _share_rule(spec, ok, values, "are in the allowed set")


def _eval_regex(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    values = frame[spec.column].dropna().astype(str)
    ok = values.str.contains(spec.params["pattern"], regex=True).fillna(False).astype(bool)
    return _share_rule(spec, ok, values, f"match {spec.params['pattern']!r}")


def _eval_unique(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    values = frame[spec.column].dropna()
    duplicated = values[values.duplicated(keep=False)]
    examples = list(pd.unique(duplicated.to_numpy())[:EXAMPLES])
    count = int(values.duplicated().sum())
    return RuleResult(
        spec.rule_id, spec.kind, spec.column, spec.params, count == 0, count, f"{count} duplicated values", examples
    )


def _eval_row_count(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    rows = len(frame)
    low, high = spec.params.get("min"), spec.params.get("max")
    passed = (low is None or rows >= low) and (high is None or rows <= high)
    return RuleResult(
        spec.rule_id,
        spec.kind,
        "",
        spec.params,
        passed,
        rows,
        f"{rows} rows, expected [{low if low is not None else 0}, {high if high is not None else 'inf'}]",
    )


def duplicated_rows(frame: pd.DataFrame) -> np.ndarray:
    """Exact duplicate-row mask. Rows are hashed first (one 64-bit hash per row); only rows whose hash repeats
    are compared in full, so the common no-duplicates case never builds per-column codes for the whole frame."""
    hashes = pd.util.hash_pandas_object(frame, index=False)
    candidates = hashes.duplicated(keep=False).to_numpy()
    mask = np.zeros(len(frame), dtype=bool)
    if candidates.any():
        mask[np.flatnonzero(candidates)] = frame.iloc[np.flatnonzero(candidates)].duplicated().to_numpy()
    return mask


def _eval_duplicate_rows(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    duplicated = duplicated_rows(frame)
    count = int(duplicated.sum())
    rows = [f"row {r}" for r in np.flatnonzero(duplicated)[:EXAMPLES]]
    return RuleResult(spec.rule_id, spec.kind, "", spec.params, count == 0, count, f"{count} duplicate rows", rows)


def column_statistic(series: pd.Series, statistic: str) -> float | None:
    if statistic == "null_rate":
        return float(series.isna().mean()) if len(series) else 0.0
    if statistic == "distinct_count":
        return float(series.nunique(dropna=True))
    if statistic == "unique_share":
        non_null = series.dropna()
        return float(non_null.nunique() / len(non_null)) if len(non_null) else None
    numbers = pd.to_numeric(series, errors="coerce").dropna()
    if numbers.empty:
        return None
    value = {
        "mean": numbers.mean,
        "std": numbers.std,
        "min": numbers.min,
        "max": numbers.max,
        "median": numbers.median,
    }[statistic]()
    return float(value) if math.isfinite(value) else None


def _eval_statistic(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    name = spec.params["statistic"]
    value = column_statistic(frame[spec.column], name)
    low, high = spec.params.get("min"), spec.params.get("max")
    passed = value is not None and (low is None or value >= low) and (high is None or value <= high)
    shown = "undefined" if value is None else f"{value:.6g}"
    return RuleResult(
        spec.rule_id, spec.kind, spec.column, spec.params, passed, value, f"{name} is {shown}, expected [{low}, {high}]"
    )


_EVALUATORS: dict[str, Callable[[RuleSpec, pd.DataFrame, dict[str, str]], RuleResult]] = {
    "column_type": _eval_type,
    "not_null": _eval_not_null,
    "range": _eval_range,
    "allowed_set": _eval_set,
    "unique": _eval_unique,
    "regex": _eval_regex,
    "row_count": _eval_row_count,
    "no_duplicate_rows": _eval_duplicate_rows,
    "statistic": _eval_statistic,
}


def evaluate_rule(spec: RuleSpec, frame: pd.DataFrame, kinds: dict[str, str]) -> RuleResult:
    if spec.kind not in _TABLE_RULES and spec.column not in frame.columns:
        return RuleResult(
            spec.rule_id, spec.kind, spec.column, spec.params, False, None, f"column {spec.column!r} is missing"
        )
    if spec.kind == "column_present":
        return RuleResult(spec.rule_id, spec.kind, spec.column, spec.params, True, True, "column is present")
    return _EVALUATORS[spec.kind](spec, frame, kinds)


def evaluate_rules(specs: list[RuleSpec], frame: pd.DataFrame, schema: list[dict[str, Any]]) -> list[RuleResult]:
    kinds = {c["name"]: c["kind"] for c in schema}
    return [evaluate_rule(spec, frame, kinds) for spec in specs]


# --- generation from a reference profile ---------------------------------------------------------------------------


def generate_rules(profile: dict[str, Any], schema: list[dict[str, Any]], tolerance: float = 0.1) -> list[RuleSpec]:
    """Rules that hold for the reference: each statistic within ``tolerance`` of its reference value."""
    kinds = {c["name"]: c for c in schema}
    specs: list[RuleSpec] = []
    for column in profile["columns"]:
        name = column["name"]
        meta = kinds.get(name, {})
        specs.append(RuleSpec("column_present", name))
        specs.append(RuleSpec("column_type", name, {"kind": column["kind"]}))
        specs.append(_not_null_rule(column, tolerance))
        if column["kind"] in _NUMERIC_KINDS and column.get("min") is not None:
            specs.extend(_numeric_rules(column, tolerance))
        elif column["kind"] in ("categorical", "boolean") and column.get("other_count", 0) == 0:
            values = [f["value"] for f in column.get("frequencies", [])]
            if values:
                specs.append(RuleSpec("allowed_set", name, {"values": values}))
        if meta.get("role") == "identifier" and column["distinct"] == column["count"]:
            specs.append(RuleSpec("unique", name))
    return specs


def _not_null_rule(column: dict[str, Any], tolerance: float) -> RuleSpec:
    total = column["count"] + column["nulls"]
    null_rate = column["nulls"] / total if total else 0.0
    mostly = max(0.0, 1.0 - min(1.0, null_rate * (1 + tolerance) + (tolerance / 100 if null_rate else 0.0)))
    return RuleSpec("not_null", column["name"], {"mostly": round(mostly, 6) if mostly > 0 else 1e-6})


def _numeric_rules(column: dict[str, Any], tolerance: float) -> list[RuleSpec]:
    name = column["name"]
    span = (column["max"] - column["min"]) or abs(column["max"]) or 1.0
    rules = [
        RuleSpec("range", name, {"min": column["min"] - tolerance * span, "max": column["max"] + tolerance * span})
    ]
    mean, std = column.get("mean"), column.get("std") or 0.0
    if mean is not None:
        margin = max(tolerance * abs(mean), tolerance * std, 1e-9)
        rules.append(RuleSpec("statistic", name, {"statistic": "mean", "min": mean - margin, "max": mean + margin}))
    if std:
        rules.append(
            RuleSpec(
                "statistic", name, {"statistic": "std", "min": std * (1 - tolerance), "max": std * (1 + tolerance)}
            )
        )
    return rules
