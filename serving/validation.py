"""Validating prediction inputs against a model version's signature. Pure: no Django imports.

Every problem is reported per row and field (``inputs[3].age``) so a client can fix a batch in one go.

A ``null`` feature value is a *missing value*. The deployment policy ``missing_values`` decides: ``reject`` (a 400
naming the field) or ``allow`` (the row is predicted, the pipeline imputes, and the row's ``missing`` list names
the feature). Without the key, a feature's signature decides: ``nullable`` features allow, others reject.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

_NUMERIC = ("numeric", "integer")
_ABSENT = object()
_INT_BOUND = 2**53  # integers a float represents exactly; larger ones take the checked path


def _plain_number(value: Any) -> bool:
    """A finite float or a moderate int (not a bool): valid for any numeric feature."""
    kind = type(value)
    if kind is float:
        return value - value == 0.0  # false for inf and nan
    return kind is int and -_INT_BOUND < value < _INT_BOUND


MISSING_HINT = "missing value; set the deployment policy missing_values=allow to predict anyway"


@dataclass
class Checked:
    rows: list[dict[str, Any]]
    errors: list[dict[str, Any]] = field(default_factory=list)
    flags: list[list[str]] = field(default_factory=list)  # per row, e.g. "age out of training range"
    missing: list[list[str]] = field(default_factory=list)  # per row, features predicted with a missing value

    @property
    def any_missing(self) -> bool:
        return any(self.missing)


def rows_from_payload(payload: dict[str, Any], max_batch: int) -> tuple[list[Any], list[dict[str, Any]]]:
    """Accept ``{"inputs": [{...}]}`` or the columnar ``{"columns": [...], "data": [[...]]}``."""
    if "inputs" in payload:
        rows = payload["inputs"]
        if not isinstance(rows, list) or not rows:
            return [], [_err("inputs", "must be a non-empty list of objects", "invalid")]
    elif "columns" in payload or "data" in payload:
        return _columnar(payload, max_batch)
    else:
        return [], [_err("inputs", "give inputs (a list of objects) or columns and data", "required")]
    if len(rows) > max_batch:
        return [], [_err("inputs", f"at most {max_batch} rows per request, got {len(rows)}", "too_many_rows")]
    return rows, []


def _columnar(payload: dict[str, Any], max_batch: int) -> tuple[list[Any], list[dict[str, Any]]]:
    columns, data = payload.get("columns"), payload.get("data")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        return [], [_err("columns", "must be a non-empty list of feature names", "invalid")]
    if len(set(columns)) != len(columns):
        return [], [_err("columns", "feature names must be unique", "duplicate")]
    if not isinstance(data, list) or not data:
        return [], [_err("data", "must be a non-empty list of rows", "invalid")]
    if len(data) > max_batch:
        return [], [_err("data", f"at most {max_batch} rows per request, got {len(data)}", "too_many_rows")]
    ragged = [i for i, row in enumerate(data) if not isinstance(row, list) or len(row) != len(columns)]
    if ragged:
        return [], [_err(f"data[{i}]", f"expected {len(columns)} values", "ragged") for i in ragged[:20]]
    return [dict(zip(columns, row, strict=True)) for row in data], []


def _err(path: str, message: str, code: str) -> dict[str, Any]:
    return {"field": path, "message": message, "code": code}


def _check_value(spec: dict[str, Any], value: Any, path: str) -> tuple[Any, str | None, dict[str, Any] | None]:
    """(clean value, out-of-range flag, error) for a value that is not None."""
    kind = spec.get("kind")
    if kind in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, None, _err(path, f"must be a number, got {type(value).__name__}", "type")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer beyond float range (JSON allows any number of digits)
            return None, None, _err(path, "must be a finite number (this integer is beyond float range)", "not_finite")
        if not finite:
            return None, None, _err(path, "must be a finite number", "not_finite")
        low, high = spec.get("min"), spec.get("max")
        out = (low is not None and value < low) or (high is not None and value > high)
        return value, (f"{spec['name']} outside training range [{low}, {high}]" if out else None), None
    if kind == "boolean":
        if not isinstance(value, bool):
            return None, None, _err(path, "must be true or false", "type")
        return value, None, None
    if kind in ("categorical", "text"):
        if not isinstance(value, str | int) or isinstance(value, bool):
            return None, None, _err(path, f"must be a string, got {type(value).__name__}", "type")
        text = str(value)
        known = spec.get("categories")
        if kind == "categorical" and known and not spec.get("categories_truncated") and text not in map(str, known):
            return None, None, _err(path, f"unseen category {text!r}", "unseen_category")
        return text, None, None
    if not isinstance(value, str):
        return None, None, _err(path, "must be a string (ISO 8601)", "type")
    return value, None, None


def check_rows(
    rows: list[Any],
    signature: dict[str, Any],
    *,
    unknown_features: str = "error",
    flag_out_of_range: bool = True,
    missing_values: str | None = None,
) -> Checked:
    """Clean rows, per-row flags and missing features, and every error. ``missing_values``: ``reject``, ``allow``,
    or None to follow each feature's ``nullable``."""
    features = {f["name"]: f for f in signature.get("inputs", [])}
    allowed = {
        name
        for name, spec in features.items()
        if missing_values == "allow" or (not missing_values and spec.get("nullable"))
    }
    result = Checked(rows=[])
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            result.errors.append(_err(f"inputs[{index}]", "must be an object of feature values", "invalid"))
            continue
        clean, flags, missing = _check_row(index, row, features, unknown_features, allowed, result.errors)
        result.rows.append(clean)
        result.flags.append(flags if flag_out_of_range else [])
        result.missing.append(missing)
    return result


def _check_row(
    index: int,
    row: dict[str, Any],
    features: dict[str, dict[str, Any]],
    unknown: str,
    allowed: set[str],
    errors: list[dict[str, Any]],
) -> tuple[dict[str, Any], list[str], list[str]]:
    clean: dict[str, Any] = {}
    flags: list[str] = []
    missing: list[str] = []
    if unknown == "error":
        for name in sorted(row.keys() - features.keys()):
            errors.append(_err(f"inputs[{index}].{name}", "unknown feature", "unknown_feature"))
    for name, spec in features.items():
        value = row.get(name, _ABSENT)
        if _plain_number(value) and spec.get("kind") in _NUMERIC:  # the common case, without building a path
            clean[name] = value
            low, high = spec.get("min"), spec.get("max")
            if (low is not None and value < low) or (high is not None and value > high):
                flags.append(f"{name} outside training range [{low}, {high}]")
            continue
        path = f"inputs[{index}].{name}"
        if value is _ABSENT:
            errors.append(_err(path, "missing feature", "missing_feature"))
            continue
        if value is None:  # the pipeline imputes it, if the policy lets the row through
            clean[name] = None
            if name in allowed:
                missing.append(name)
            else:
                errors.append(_err(path, MISSING_HINT, "missing_value"))
            continue
        value, flag, error = _check_value(spec, value, path)
        if error:
            errors.append(error)
        clean[name] = value
        if flag:
            flags.append(flag)
    return clean, flags, missing
