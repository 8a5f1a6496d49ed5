"""The current side as mergeable sketches: what the per-minute rollups store, and how a window merges them.

One column's current sketch (``sketch_current``) is a dict:

- numeric: ``{"type": "numeric", "n": int, "missing": int, "k": int, "kll": bytes, "value_counts":
  [[value, count], ...] | None}``; ``kll`` is a serialised KLL sketch (``registry.sketches``) of the finite
  values, ``value_counts`` their exact counts while there are at most 100 distinct values.
- categorical/boolean/text: ``{"type": "categorical", "counts": {reference-spelled value: int}, "other": int,
  "other_distinct": int, "missing": int}``: exact counts of up to ``CATEGORY_LIMIT`` values (the most frequent
  first), the rest in ``other``.

``merge_current`` adds sketches of the same column (KLL merge into a sketch of at least ``WINDOW_K``, counts
summed). ``pack``/``unpack`` turn a dict of
column sketches into one byte string (a JSON header and the KLL bytes after it), the rollups' storage format;
``merge_packed`` merges several such byte strings column by column (what the hourly rollups store).
``compute_report_scheduled`` is the scheduled path as a pure function: raw current values cut into minutes,
sketched, packed, unpacked, merged and reported, so it can be checked against ``compute_report`` on the same values.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from monitoring.drift import buckets as bk
from monitoring.drift.report import DriftOptions, compute_report
from monitoring.drift.selection import is_numeric
from registry import sketches

CATEGORY_LIMIT = 1000
_HEADER = struct.Struct(">I")


def _numeric(values: Any, k: int) -> dict[str, Any]:
    finite, missing = bk.numeric_values(values)
    return {
        "type": "numeric",
        "n": int(finite.size),
        "missing": missing,
        "k": k,
        "kll": sketches.kll_from_values(finite, k).serialize(),
        "value_counts": sketches.value_counts(finite),
    }


def _categorical(column: Mapping[str, Any], values: Any) -> dict[str, Any]:
    counts, missing = bk.category_counts(values, bk.matcher_for(column))
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    kept, rest = ranked[:CATEGORY_LIMIT], ranked[CATEGORY_LIMIT:]
    return {
        "type": "categorical",
        "counts": dict(kept),
        "other": sum(n for _, n in rest),
        "other_distinct": len(rest),
        "missing": missing,
    }


def sketch_current(column: Mapping[str, Any], values: Any, k: int = sketches.ROLLUP_K) -> dict[str, Any]:
    """The current sketch of raw values of one profile column (None/NaN missing; format in the module docstring)."""
    return _numeric(values, k) if is_numeric(column["kind"]) else _categorical(column, values)


def merge_current(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """Several current sketches of one column merged into one (``other_distinct`` becomes an upper bound)."""
    if not parts:
        raise ValueError("nothing to merge")
    missing = sum(int(p.get("missing", 0)) for p in parts)
    if parts[0]["type"] == "numeric":
        k = max(sketches.WINDOW_K, *(int(p["k"]) for p in parts))
        merged = sketches.kll_merge((sketches.kll_from_bytes(p["kll"]) for p in parts), k)
        counts = sketches.merge_value_counts(p.get("value_counts") for p in parts)
        n = sum(int(p["n"]) for p in parts)
        return {
            "type": "numeric",
            "n": n,
            "missing": missing,
            "k": k,
            "kll": merged.serialize(),
            "value_counts": counts,
        }
    total: dict[str, int] = {}
    for part in parts:
        for key, n in part["counts"].items():
            total[key] = total.get(key, 0) + int(n)
    other = sum(int(p.get("other", 0)) for p in parts)
    other_distinct = sum(int(p.get("other_distinct", 0)) for p in parts)
    return {
        "type": "categorical",
        "counts": total,
        "other": other,
        "other_distinct": other_distinct,
        "missing": missing,
    }


def pack(columns: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Column sketches as bytes: a 4-byte header length, the JSON header, then every KLL sketch's bytes."""
    header: dict[str, Any] = {}
    payload: list[bytes] = []
    offset = 0
    for name, sketch in columns.items():
        entry = dict(sketch)
        if "kll" in entry:
            data = entry.pop("kll")
            entry["kll"] = [offset, len(data)]
            payload.append(data)
            offset += len(data)
        header[name] = entry
    head = json.dumps(header, separators=(",", ":")).encode()
    return _HEADER.pack(len(head)) + head + b"".join(payload)


def unpack(data: bytes | memoryview) -> dict[str, dict[str, Any]]:
    """The column sketches ``pack`` stored."""
    raw = bytes(data)
    (length,) = _HEADER.unpack_from(raw)
    start = _HEADER.size + length
    header: dict[str, dict[str, Any]] = json.loads(raw[_HEADER.size : start])
    for entry in header.values():
        if "kll" in entry:
            offset, size = entry["kll"]
            entry["kll"] = raw[start + offset : start + offset + size]
    return header


def merge_packed(stored: Iterable[bytes | memoryview]) -> bytes:
    """Packed column sketches merged per column (``merge_current``, in the order given), packed again."""
    unpacked = [unpack(data) for data in stored]
    names = dict.fromkeys(name for columns in unpacked for name in columns)
    return pack({name: merge_current(*(columns[name] for columns in unpacked if name in columns)) for name in names})


def compute_report_scheduled(
    profile: Mapping[str, Any],
    current: Mapping[str, Any],
    options: DriftOptions | None = None,
    *,
    minutes: int = 60,
) -> dict[str, Any]:
    """``compute_report`` as a scheduled report computes it: each column's raw current values are cut into
    ``minutes`` consecutive chunks, each chunk is sketched as the per-minute rollups sketch it (``sketch_current``,
    stored with ``pack``), and the window's chunks are merged before the report."""
    columns = {str(c["name"]): c for c in profile["columns"]}
    stored: list[bytes] = []
    arrays = {name: np.asarray(values, dtype=object) for name, values in current.items() if name in columns}
    chunks = {name: np.array_split(values, minutes) for name, values in arrays.items()}
    for index in range(minutes):
        stored.append(pack({name: sketch_current(columns[name], parts[index]) for name, parts in chunks.items()}))
    unpacked = [unpack(data) for data in stored]
    merged = {name: merge_current(*(part[name] for part in unpacked)) for name in arrays}
    return compute_report(profile, merged, options)
