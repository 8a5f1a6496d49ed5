"""Validating prediction inputs against a model version's signature. Pure: no Django imports.

Every problem is reported per row and field (``inputs[3].age``) so a client can fix a batch in one go.

A ``null`` feature value is a *missing value*. The deployment policy ``missing_values`` decides: ``reject`` (a 400
naming the field) or ``allow`` (the row is predicted, the pipeline imputes, and the row's ``missing`` list names
the feature). Without the key, a feature's signature decides: ``nullable`` features allow, others reject.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import orjson

_NUMERIC = ("numeric", "integer")
_ABSENT = object()
_INT_BOUND = 2**53  # integers a float represents exactly; larger ones take the checked path
_FEW_ROWS = 8  # up to this many rows, the vectorised check loops in Python rather than build numpy arrays


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

    def rows_json(self) -> list[str]:
        """Each clean row as JSON text: orjson's spelling (a sixth of ``json.dumps``' time for 30 floats), or
        ``json.dumps``' for a batch orjson cannot write (an integer beyond 64 bits). The log keeps the value."""
        try:
            return [orjson.dumps(row).decode() for row in self.rows]
        except orjson.JSONEncodeError:
            return [json.dumps(row) for row in self.rows]


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
    or None to follow each feature's ``nullable``.

    When every feature is numeric, a batch whose rows hold exactly the signature's features (or more, with
    ``unknown_features`` other than ``error``) as finite numbers is checked in one pass with numpy; anything else
    (a missing feature, a null, a string, an infinity, an integer beyond 2**53) goes through the per-value check,
    which names each problem."""
    schema = _schema(signature)
    if schema.numeric:
        checked = _check_numeric(rows, schema, unknown_features == "error", flag_out_of_range)
        if checked is not None:
            return checked
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


# --- the vectorised check for all-numeric signatures ---------------------------------------------------------------


@dataclass(frozen=True)
class _Schema:
    """What the vectorised check needs from a signature, worked out once per signature."""

    numeric: bool  # every feature numeric or integer, with numeric bounds: the vectorised check applies
    names: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()
    low: Any = None  # float arrays in signature order, nan where a bound is absent
    high: Any = None
    out_of_range: tuple[str, ...] = ()  # the flag of each feature, as the per-value check words it
    bounds: tuple[tuple[float, float, str], ...] = ()  # (low, high, flag) per feature, for a loop over few rows


_SCHEMAS: dict[int, tuple[dict[str, Any], _Schema]] = {}  # id(signature) -> (signature, schema)


def _schema(signature: dict[str, Any]) -> _Schema:
    found = _SCHEMAS.get(id(signature))
    if found is not None and found[0] is signature:
        return found[1]
    schema = _compile(signature)
    if len(_SCHEMAS) >= 256:
        _SCHEMAS.clear()
    _SCHEMAS[id(signature)] = (signature, schema)  # the signature is kept so its id is not reused meanwhile
    return schema


def _bound(value: Any) -> float | None:
    """A bound as a float that compares as the bound does (nan, which compares false, for no bound); None when
    there is none such (not a number, or an integer a float does not represent)."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if isinstance(value, float) or number == value else None


def _compile(signature: dict[str, Any]) -> _Schema:
    specs = signature.get("inputs", [])
    if not specs or any(spec.get("kind") not in _NUMERIC for spec in specs):
        return _Schema(numeric=False)
    names = tuple(spec["name"] for spec in specs)
    low = [_bound(spec.get("min")) for spec in specs]
    high = [_bound(spec.get("max")) for spec in specs]
    if len(set(names)) != len(names) or None in low or None in high:
        return _Schema(numeric=False)
    out_of_range = tuple(
        f"{spec['name']} outside training range [{spec.get('min')}, {spec.get('max')}]" for spec in specs
    )
    return _Schema(
        numeric=True,
        out_of_range=out_of_range,
        bounds=tuple(zip(low, high, out_of_range, strict=True)),  # type: ignore[arg-type]
        names=names,
        keys=frozenset(names),
        low=np.array(low, dtype=np.float64),
        high=np.array(high, dtype=np.float64),
    )


def _check_numeric(rows: list[Any], schema: _Schema, exact: bool, flag_out_of_range: bool) -> Checked | None:
    """The batch checked at once, or None when some row needs the per-value check (which finds every problem)."""
    keys = schema.keys
    extra = False  # some row holds features the signature does not name (allowed unless ``exact``)
    for row in rows:
        if type(row) is not dict:
            return None
        present = row.keys()
        if present != keys:
            if exact or not present >= keys:
                return None
            extra = True
    if not rows:
        return None
    getter = itemgetter(*schema.names)
    values = [getter(row) for row in rows] if len(schema.names) > 1 else [(row[schema.names[0]],) for row in rows]
    if len(values) <= _FEW_ROWS:  # numpy's fixed cost is more than a loop over a few rows
        flags = _few_rows_flags(values, schema, flag_out_of_range)
    else:
        flags = _many_rows_flags(values, schema, flag_out_of_range)
    if flags is None:
        return None
    return Checked(
        rows=[dict(zip(schema.names, v, strict=True)) for v in values] if extra else rows,
        flags=flags,
        missing=[[] for _ in rows],
    )


def _few_rows_flags(values: list[tuple[Any, ...]], schema: _Schema, flag: bool) -> list[list[str]] | None:
    """Out-of-range flags per row, or None unless every value is a plain number."""
    if not all(map(_plain_number, chain.from_iterable(values))):  # a bool, a null, a string, an infinity...
        return None
    if not flag:
        return [[] for _ in values]
    bounds = schema.bounds
    return [[b[2] for v, b in zip(row, bounds, strict=True) if v < b[0] or v > b[1]] for row in values]


def _many_rows_flags(values: list[tuple[Any, ...]], schema: _Schema, flag: bool) -> list[list[str]] | None:
    """Out-of-range flags per row, or None unless every value is a plain number (one numpy pass)."""
    kinds = set(map(type, chain.from_iterable(values)))
    if not kinds <= {float, int}:  # a bool, a null, a string...
        return None
    try:
        matrix = np.array(values, dtype=np.float64)
    except (OverflowError, ValueError, TypeError):
        return None
    if not np.isfinite(matrix).all():
        return None
    if int in kinds and not (np.abs(matrix) < _INT_BOUND).all():
        return None
    flags: list[list[str]] = [[] for _ in values]
    if flag:
        outside = (matrix < schema.low) | (matrix > schema.high)  # nan bounds compare false: no bound
        for index, feature in zip(*np.nonzero(outside), strict=True):  # row by row, in signature order
            flags[index].append(schema.out_of_range[feature])
    return flags
