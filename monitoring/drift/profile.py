"""Building a reference profile column from raw values (tests, notebooks, model-output profiles).

Mirrors the dataset profiler's drift fields (``registry.tabular``): 20 equal-width histogram bins over [min, max]
(+-0.5 for a constant column), sample std (ddof=1), a KLL sketch of every value (``registry.sketches``, k = 2000)
with exact value counts up to 100 distinct values, and the 1000 most frequent ``str(value)`` with the rest counted
in ``other_count``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from monitoring.drift.buckets import numeric_values
from monitoring.drift.methods import FloatArray
from monitoring.drift.selection import is_numeric
from registry import sketches
from registry.tabular import empty_numeric_stats

HISTOGRAM_BINS = 20
TOP_FREQUENCIES = 1000
QUANTILES = {"p01": 0.01, "p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95, "p99": 0.99}


def _numeric_stats(values: FloatArray, bins: int, k: int) -> dict[str, Any]:
    if values.size == 0:
        return {**empty_numeric_stats(), **sketches.profile_sketch(values, k)}
    low, high = float(values.min()), float(values.max())
    counts, edges = np.histogram(values, bins=bins, range=(low, high) if high > low else (low - 0.5, high + 0.5))
    quantiles = np.quantile(values, list(QUANTILES.values()))
    return {
        "min": low,
        "max": high,
        "mean": float(values.mean()),
        "std": float(values.std(ddof=1)) if values.size > 1 else 0.0,
        "quantiles": {key: float(q) for key, q in zip(QUANTILES, quantiles, strict=True)},
        "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
        **sketches.profile_sketch(values, k),
    }


def _numeric_column(values: Any, bins: int, k: int) -> dict[str, Any]:
    finite, missing = numeric_values(values)
    head = {"count": int(finite.size), "nulls": missing, "distinct": int(np.unique(finite).size)}
    return {**head, **_numeric_stats(finite, bins, k)}


def _categorical_column(values: Any, top: int) -> dict[str, Any]:
    series = pd.Series(values, dtype=object)
    present = series.dropna()
    counts = present.astype(str).value_counts(sort=True)
    return {
        "count": int(present.size),
        "nulls": int(series.size - present.size),
        "distinct": int(counts.size),
        "frequencies": [{"value": str(v), "count": int(c)} for v, c in counts.iloc[:top].items()],
        "other_count": int(counts.iloc[top:].sum()),
    }


def _datetime_column(values: Any) -> dict[str, Any]:
    stamps = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").dropna()
    return {
        "count": int(stamps.size),
        "nulls": int(len(values) - stamps.size),
        "distinct": int(stamps.nunique()),
        "min": stamps.min().isoformat() if stamps.size else None,
        "max": stamps.max().isoformat() if stamps.size else None,
    }


def profile_column_from_values(
    name: str,
    values: Any,
    kind: str,
    *,
    bins: int = HISTOGRAM_BINS,
    top: int = TOP_FREQUENCIES,
    k: int = sketches.REFERENCE_K,
) -> dict[str, Any]:
    """A reference profile column in the dataset profile format from raw values (None/NaN are nulls)."""
    if is_numeric(kind):
        body = _numeric_column(values, bins, k)
    elif kind == "datetime":
        body = _datetime_column(values)
    elif kind in ("categorical", "boolean", "text"):
        body = _categorical_column(values, top)
    else:
        raise ValueError(f"unknown column kind {kind!r}")
    return {"name": name, "kind": kind, **body}
