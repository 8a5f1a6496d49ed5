"""Turning a profile column and the current data into comparable bucket counts.

Raw current values are cleaned here (missing = None, NaN, +-inf or, for numeric columns, anything unparsable) and
categorical values mapped to the reference's spelling of them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from monitoring.drift.methods import FloatArray

_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})


@dataclass(frozen=True)
class Buckets:
    """Reference and current counts over the same ordered buckets."""

    reference: FloatArray
    current: FloatArray


# --- raw current values -------------------------------------------------------------------------------------------


def _as_float(values: Any) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        coerced = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        array = coerced.to_numpy(dtype=np.float64, na_value=np.nan)
    if array.ndim != 1:
        raise ValueError("current values must be one-dimensional")
    return array


def numeric_values(values: Any) -> tuple[FloatArray, int]:
    """The finite values, and how many were missing (None, NaN, +-inf or not a number)."""
    array = _as_float(values)
    finite = np.isfinite(array)
    kept = array[finite]
    return kept, int(array.size - kept.size)


def _bool_name(text: str) -> str | None:
    lowered = text.strip().lower()
    return "true" if lowered in _TRUE else "false" if lowered in _FALSE else None


class KeyMatcher:
    """Maps a current value to the reference's spelling of it (profiles store ``str(value)``).

    Integral floats also match the integer spelling and vice versa (3.0 -> "3"), and for boolean columns any usual
    spelling matches ("true", True, 1 -> "True").
    """

    def __init__(self, reference_keys: Collection[str], boolean: bool) -> None:
        self.keys = set(reference_keys)
        self.booleans = {_bool_name(key): key for key in self.keys} if boolean else {}
        self.booleans.pop(None, None)

    def __call__(self, value: Any) -> str:
        text = str(value)
        if text in self.keys:
            return text
        for alternative in self._alternatives(value, text):
            if alternative in self.keys:
                return alternative
        return text

    def _alternatives(self, value: Any, text: str) -> list[str]:
        out = []
        if isinstance(value, float | np.floating) and float(value).is_integer():
            out.append(str(int(value)))
        elif isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
            out.append(str(float(value)))
        if self.booleans:
            out.append(self.booleans.get(_bool_name(text) or "", ""))
        return out


def category_counts(values: Any, matcher: KeyMatcher) -> tuple[dict[str, int], int]:
    """Counts per (reference-spelled) value, and the number of missing values."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    missing = int(series.isna().sum())
    counts: dict[str, int] = {}
    for value, n in series.dropna().value_counts(sort=False).items():
        key = matcher(value)
        counts[key] = counts.get(key, 0) + int(n)
    return counts, missing


# --- reference side -----------------------------------------------------------------------------------------------


def reference_frequencies(column: Mapping[str, Any]) -> dict[str, float]:
    return {str(item["value"]): float(item["count"]) for item in column.get("frequencies") or []}


def reference_sample(column: Mapping[str, Any]) -> FloatArray:
    return np.asarray(column.get("sample") or [], dtype=np.float64)


def matcher_for(column: Mapping[str, Any]) -> KeyMatcher:
    return KeyMatcher(reference_frequencies(column), column["kind"] == "boolean")


# --- buckets ------------------------------------------------------------------------------------------------------


def categorical_buckets(
    reference: Mapping[str, float], other_count: float, current: Mapping[str, int], extra_unseen: int = 0
) -> Buckets:
    """Buckets per reference value in sorted order, then what is outside the listed reference values.

    When the reference lists every value (``other_count == 0``) each unseen current value is its own bucket with
    a zero reference count, as in Evidently; otherwise the unlisted values of both sides share one "other" bucket.
    ``extra_unseen`` counts unlisted current values known only in total (pre-binned data).
    """
    unseen = {key: n for key, n in current.items() if key not in reference}
    if other_count > 0:
        keys = sorted(reference)
        ref = [reference[k] for k in keys] + [other_count]
        cur = [current.get(k, 0) for k in keys] + [sum(unseen.values()) + extra_unseen]
    else:
        keys = sorted(set(reference) | set(unseen))
        ref = [reference.get(k, 0.0) for k in keys] + [0.0]
        cur = [current.get(k, 0) for k in keys] + [extra_unseen]
    return Buckets(np.asarray(ref, dtype=np.float64), np.asarray(cur, dtype=np.float64))


def keyed_buckets(
    ref_keys: FloatArray, ref_counts: FloatArray, cur_keys: FloatArray, cur_counts: FloatArray
) -> Buckets:
    """One bucket per distinct value of either side, in ascending order (Evidently's path for few values)."""
    keys = np.union1d(ref_keys, cur_keys)
    ref = np.zeros(keys.size)
    cur = np.zeros(keys.size)
    ref[np.searchsorted(keys, ref_keys)] = ref_counts
    cur[np.searchsorted(keys, cur_keys)] = cur_counts
    return Buckets(ref, cur)


def sturges_bins(low: float, high: float, size: int) -> tuple[int, tuple[float, float]]:
    """Bin count and range of ``np.histogram_bin_edges(x, "sturges")`` for ``size`` values spanning [low, high]."""
    if high <= low:
        return 1, (low - 0.5, high + 0.5)
    width = (high - low) / (np.log2(size) + 1.0)
    return int(np.ceil((high - low) / width)), (low, high)


def sturges_buckets(
    reference: FloatArray,
    current: FloatArray,
    low: float,
    high: float,
    size: int,
    reference_weights: FloatArray | None = None,
    current_weights: FloatArray | None = None,
) -> Buckets:
    """Equal-width Sturges bins over [low, high] sized for ``size`` values (Evidently's path for many values)."""
    n_bins, span = sturges_bins(low, high, size)
    ref = np.histogram(reference, bins=n_bins, range=span, weights=reference_weights)[0]
    cur = np.histogram(current, bins=n_bins, range=span, weights=current_weights)[0]
    return Buckets(ref.astype(np.float64), cur.astype(np.float64))
