"""Drift of one column: the reference profile column (its sketch) against raw current values or a current sketch."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
from scipy import stats

from monitoring.drift import buckets as bk
from monitoring.drift.methods import (
    COUNT_TESTS,
    DEFAULT_THRESHOLDS,
    FloatArray,
    check_method,
    ks_test,
    wasserstein_test,
)
from monitoring.drift.results import ColumnDrift, MethodResult, Severity
from monitoring.drift.selection import CATEGORICAL_KINDS, NUMERIC_KINDS, is_numeric, select_method
from registry import sketches

DEFAULT_MIN_ROWS = 30
DEFAULT_POSSIBLE_MARGIN = 2.0
FEW_VALUES = 20  # Evidently bins numeric columns with more distinct reference values, and counts values otherwise
KS_EXACT_MAX = 10_000  # scipy's ks_2samp computes the exact p-value up to this many values per side, as Evidently


class _Current(Protocol):
    """The current side of one column, ready for any method."""

    count: int
    missing: int

    def out_of_range_rate(self) -> float | None: ...

    def n_unique(self) -> int: ...

    def run(self, method: str, threshold: float) -> MethodResult: ...


@dataclass(frozen=True)
class Distribution:
    """Sorted values with weights standing for ``count`` values (a sketch's retained items, or raw values).

    ``rank_error`` bounds the error of any CDF value read off it (0 when it holds every value); ``value_counts``
    are the exact counts per value when known.
    """

    values: FloatArray
    weights: FloatArray
    count: int
    rank_error: float
    value_counts: list[list[float]] | None

    def cdf(self, points: FloatArray) -> FloatArray:
        cumulative = np.concatenate([[0.0], np.cumsum(self.weights)])
        result: FloatArray = cumulative[np.searchsorted(self.values, points, side="right")] / cumulative[-1]
        return result

    def expanded(self) -> FloatArray:
        expanded: FloatArray = np.repeat(self.values, np.rint(self.weights).astype(np.int64))
        return expanded

    @property
    def exact_counts(self) -> bool:
        return self.value_counts is not None or self.rank_error == 0

    def counts(self) -> tuple[FloatArray, FloatArray]:
        """Distinct values and their counts: exact when ``value_counts`` are known, else read off the weights."""
        if self.value_counts is not None:
            pairs = np.asarray(self.value_counts, dtype=np.float64).reshape(-1, 2)
            return pairs[:, 0], pairs[:, 1]
        keys, index = np.unique(self.values, return_inverse=True)
        counts: FloatArray = np.bincount(index, weights=self.weights).astype(np.float64)
        return keys, counts


def _raw_distribution(values: FloatArray) -> Distribution:
    ordered = np.sort(values)
    return Distribution(ordered, np.ones(ordered.size), int(ordered.size), 0.0, None)


def _sketch_distribution(sketch: Any, value_counts: list[list[float]] | None) -> Distribution:
    """The sketch's weighted values; the exact counts instead when they are known (every value, weight = count)."""
    if value_counts is not None:
        pairs = np.asarray(value_counts, dtype=np.float64).reshape(-1, 2)
        return Distribution(pairs[:, 0], pairs[:, 1], int(sketch.n), 0.0, value_counts)
    values, weights = sketches.kll_weighted(sketch)
    return Distribution(values, weights, int(sketch.n), sketches.sketch_rank_error(sketch), value_counts)


def _as_key(value_counts: list[list[float]] | None) -> tuple[tuple[float, float], ...] | None:
    return None if value_counts is None else tuple((float(v), float(n)) for v, n in value_counts)


@functools.lru_cache(maxsize=256)
def _stored_distribution(data: str, value_counts: tuple[tuple[float, float], ...] | None) -> Distribution:
    """A profile's sketch as a distribution, kept for reuse: every report against a reference reads the same one."""
    counts = None if value_counts is None else [list(pair) for pair in value_counts]
    return _sketch_distribution(sketches.kll_from_text(data), counts)


OLD_PROFILE_NOTE = (
    "the reference profile predates sketches: its {size}-value sample stands for its {count} values "
    "(re-profile the dataset for statistics on every row)"
)


def reference_distribution(column: Mapping[str, Any]) -> tuple[Distribution, str | None] | None:
    """The reference values of a numeric profile column: its KLL sketch, or for a profile stored before sketches its
    sample (weighted to the row count, with a note when it does not hold every value); None when it has neither."""
    stored = column.get("sketch")
    if stored and stored.get("type") == sketches.SKETCH_TYPE:
        return _stored_distribution(stored["data"], _as_key(column.get("value_counts"))), None
    sample = bk.reference_sample(column)
    if not sample.size:
        return None
    count = int(column.get("count") or sample.size)
    if sample.size >= count:
        return _raw_distribution(sample), None
    error = math.sqrt(math.log(2 / 0.01) / (2 * sample.size))  # DKW bound of a uniform sample, 99 % confidence
    ordered = np.sort(sample)
    weights = np.full(ordered.size, count / ordered.size)
    return Distribution(ordered, weights, count, error, None), OLD_PROFILE_NOTE.format(size=sample.size, count=count)


def reference_std(column: Mapping[str, Any], reference: Distribution) -> float:
    """np.std (ddof=0) of the reference, as Evidently norms Wasserstein: from the profile's std over every row."""
    count, std = int(column.get("count") or 0), column.get("std")
    if std is None or count < 1:
        mean = np.average(reference.values, weights=reference.weights)
        return float(np.sqrt(np.average((reference.values - mean) ** 2, weights=reference.weights)))
    return float(std) * math.sqrt((count - 1) / count) if count > 1 else 0.0


def ks_from_distributions(reference: Distribution, current: Distribution, threshold: float) -> MethodResult:
    """Two-sample KS between two (sketched) distributions, as scipy's ks_2samp on the values they stand for: the
    exact p-value up to ``KS_EXACT_MAX`` values a side, else Smirnov's asymptotic one."""
    n1, n2 = reference.count, current.count
    if max(n1, n2) <= KS_EXACT_MAX:
        return ks_test(reference.expanded(), current.expanded(), threshold)
    points = np.union1d(reference.values, current.values)
    statistic = float(np.max(np.abs(reference.cdf(points) - current.cdf(points))))
    m, n = sorted([float(n1), float(n2)], reverse=True)
    p_value = float(np.clip(stats.kstwo.sf(statistic, np.round(m * n / (m + n))), 0.0, 1.0))
    return MethodResult("ks", statistic, p_value, None, threshold, p_value <= threshold)


class _Numeric:
    """A numeric column: the reference sketch against raw current values or a merged current sketch."""

    def __init__(self, column: Mapping[str, Any], current: Distribution, missing: int) -> None:
        self.column = column
        found = reference_distribution(column)
        if found is None:
            raise ValueError("reference profile has no sketch")
        self.reference, self.note = found
        self.current = current
        self.count = current.count
        self.missing = missing
        self.estimated_counts = False

    @property
    def rank_error(self) -> float:
        return self.reference.rank_error + self.current.rank_error

    def out_of_range_rate(self) -> float | None:
        low, high = self.column.get("min"), self.column.get("max")
        if not self.count or low is None or high is None:
            return None
        outside = (self.current.values < low) | (self.current.values > high)
        return float(self.current.weights[outside].sum() / self.current.weights.sum())

    def n_unique(self) -> int:
        distinct = int(self.column.get("distinct") or 0)
        if distinct > 5:
            return distinct  # only the 2 and 5 boundaries matter
        if not self.current.exact_counts:
            return sketches.VALUE_COUNT_LIMIT + 1  # the sketch saw more distinct values than it counts
        return int(np.union1d(self.reference.counts()[0], self.current.counts()[0]).size)

    def run(self, method: str, threshold: float) -> MethodResult:
        if method == "ks":
            return ks_from_distributions(self.reference, self.current, threshold)
        if method == "wasserstein":
            return wasserstein_test(
                self.reference.values,
                self.current.values,
                threshold,
                reference_std=reference_std(self.column, self.reference),
                reference_weights=self.reference.weights,
                current_weights=self.current.weights,
            )
        counts = self._buckets(method)
        return COUNT_TESTS[method](counts.reference, counts.current, threshold)

    def _buckets(self, method: str) -> bk.Buckets:
        few = int(self.column.get("distinct") or 0) <= FEW_VALUES
        if method in ("chisquare", "z") or (method in ("jensenshannon", "psi") and few):
            self.estimated_counts = not (self.reference.exact_counts and self.current.exact_counts)
            ref_keys, ref_counts = self.reference.counts()
            cur_keys, cur_counts = self.current.counts()
            return bk.keyed_buckets(ref_keys, ref_counts, cur_keys, cur_counts)
        low = min(float(self.column["min"]), float(self.current.values.min()))
        high = max(float(self.column["max"]), float(self.current.values.max()))
        size = int(self.column["count"]) + self.count if method != "hellinger" else self._union_distinct()
        return bk.sturges_buckets(
            self.reference.values,
            self.current.values,
            low,
            high,
            size,
            self.reference.weights,
            self.current.weights,
        )

    def _union_distinct(self) -> int:
        """Distinct values of reference and current (counting values the sketches dropped as the profile's)."""
        union = np.union1d(self.reference.values, self.current.values).size
        return int(union + max(0, int(self.column.get("distinct") or 0) - np.unique(self.reference.values).size))


def _raw_numeric(column: Mapping[str, Any], current: Any) -> _Numeric:
    values, missing = bk.numeric_values(current)
    return _Numeric(column, _raw_distribution(values), missing)


def _sketched_numeric(column: Mapping[str, Any], current: Mapping[str, Any]) -> _Numeric:
    if current.get("type") != "numeric":
        raise ValueError(f"column {column['name']!r} is numeric: its current sketch must be a numeric one")
    distribution = _sketch_distribution(sketches.kll_from_bytes(current["kll"]), current.get("value_counts"))
    return _Numeric(column, distribution, int(current.get("missing", 0)))


class _RawCategorical:
    def __init__(self, column: Mapping[str, Any], current: Any) -> None:
        self.reference = bk.reference_frequencies(column)
        self.other_count = float(column.get("other_count") or 0)
        self.distinct = int(column.get("distinct") or len(self.reference))
        self.counts, self.missing = bk.category_counts(current, bk.matcher_for(column))
        self.count = sum(self.counts.values())

    def _unseen(self) -> dict[str, int]:
        return {key: n for key, n in self.counts.items() if key not in self.reference}

    def out_of_range_rate(self) -> float | None:
        return sum(self._unseen().values()) / self.count if self.count else None

    def n_unique(self) -> int:
        return self.distinct + (len(self._unseen()) if self.other_count == 0 else 0)

    def run(self, method: str, threshold: float) -> MethodResult:
        counts = bk.categorical_buckets(self.reference, self.other_count, self.counts)
        return COUNT_TESTS[method](counts.reference, counts.current, threshold)


class _SketchedCategorical:
    def __init__(self, column: Mapping[str, Any], sketch: Mapping[str, Any]) -> None:
        if sketch.get("type") != "categorical":
            raise ValueError(f"column {column['name']!r} is {column['kind']}: its current sketch must be categorical")
        self.reference = bk.reference_frequencies(column)
        self.other_count = float(column.get("other_count") or 0)
        self.distinct = int(column.get("distinct") or len(self.reference))
        matcher = bk.matcher_for(column)
        self.counts: dict[str, int] = {}
        for value, n in dict(sketch.get("counts") or {}).items():
            key = matcher(value)
            self.counts[key] = self.counts.get(key, 0) + int(n)
        self.other = int(sketch.get("other", 0))
        self.other_distinct = int(sketch.get("other_distinct", 0))
        self.count = sum(self.counts.values()) + self.other
        self.missing = int(sketch.get("missing", 0))

    def _unseen(self) -> dict[str, int]:
        return {key: n for key, n in self.counts.items() if key not in self.reference}

    def out_of_range_rate(self) -> float | None:
        return (self.other + sum(self._unseen().values())) / self.count if self.count else None

    def n_unique(self) -> int:
        if self.other_count > 0:
            return self.distinct
        return self.distinct + len(self._unseen()) + self.other_distinct

    def run(self, method: str, threshold: float) -> MethodResult:
        counts = bk.categorical_buckets(self.reference, self.other_count, self.counts, self.other)
        return COUNT_TESTS[method](counts.reference, counts.current, threshold)


# --- verdict ------------------------------------------------------------------------------------------------------


def severity(result: MethodResult, margin: float = DEFAULT_POSSIBLE_MARGIN) -> Severity:
    """``drift`` when drifted; ``possible`` when p < margin x threshold or distance >= threshold / margin."""
    if result.drifted:
        return "drift"
    if result.p_value is not None:
        return "possible" if result.p_value < result.threshold * margin else "none"
    return "possible" if (result.distance or 0.0) >= result.threshold / margin else "none"


def _reference_problem(column: Mapping[str, Any], min_rows: int) -> str | None:
    kind = column["kind"]
    if kind not in NUMERIC_KINDS | CATEGORICAL_KINDS:
        return f"no drift method for {kind} columns"
    count = int(column.get("count") or 0)
    if count < min_rows:
        return f"reference has {count} non-null values, fewer than {min_rows}"
    if is_numeric(kind) and not column.get("sketch") and not column.get("sample"):
        return "reference profile has no sketch of this column: re-profile the dataset"
    return None


def _choose(
    column: Mapping[str, Any], current: _Current, method: str | None, threshold: float | None
) -> tuple[str, float]:
    """The method (asked for, else Evidently's selection) and its threshold; never another method instead."""
    chosen = method or select_method(column["kind"], int(column["count"]), current.n_unique())
    check_method(chosen, is_numeric(column["kind"]))
    return chosen, DEFAULT_THRESHOLDS[chosen] if threshold is None else threshold


def _rate(part: int, total: int) -> float | None:
    return part / total if total else None


Builder = Callable[[Mapping[str, Any], Any], _Current]


def _notes(side: _Current) -> tuple[float | None, str | None]:
    """The rank error bound of a numeric result, and what the reader should know about how it was computed."""
    if not isinstance(side, _Numeric):
        return None, None
    notes = [side.note] if side.note else []
    if side.estimated_counts:
        notes.append("value counts read off the sketches (more than 100 distinct values)")
    return side.rank_error, "; ".join(notes) or None


def _evaluate(
    column: Mapping[str, Any],
    build: Builder,
    current: Any,
    *,
    method: str | None,
    threshold: float | None,
    min_rows: int,
    margin: float,
) -> ColumnDrift:
    if method is not None:
        check_method(method, is_numeric(column["kind"]))
    base: dict[str, Any] = {"name": str(column["name"]), "kind": column["kind"]}
    base["reference_count"] = int(column.get("count") or 0)
    problem = _reference_problem(column, min_rows)
    if problem is not None:
        unsupported = problem.startswith("no drift method")
        return _not_evaluated(base, method, threshold, problem, insufficient=not unsupported)
    side = build(column, current)
    base.update(
        current_count=side.count,
        missing_rate=_rate(side.missing, side.count + side.missing),
        out_of_range_rate=side.out_of_range_rate(),
    )
    if side.count < min_rows:
        reason = f"current has {side.count} non-null values, fewer than {min_rows}"
        return _not_evaluated(base, method, threshold, reason, insufficient=True)
    chosen, limit = _choose(column, side, method, threshold)
    result = side.run(chosen, limit)
    error, note = _notes(side)
    return _from_result(base, result, severity(result, margin), note, error)


# what an unevaluated column reports: no statistic, not drifted
_NOT_MEASURED: dict[str, Any] = {
    "statistic": None,
    "p_value": None,
    "distance": None,
    "drifted": False,
    "severity": "none",
}


def _not_evaluated(
    base: dict[str, Any], method: str | None, threshold: float | None, reason: str, *, insufficient: bool
) -> ColumnDrift:
    fields = {"current_count": 0, "missing_rate": None, "out_of_range_rate": None, **base, **_NOT_MEASURED}
    return ColumnDrift(**fields, method=method, threshold=threshold, insufficient_data=insufficient, reason=reason)


def _from_result(
    base: dict[str, Any], result: MethodResult, level: Severity, note: str | None, error: float | None
) -> ColumnDrift:
    return ColumnDrift(**base, **asdict(result), severity=level, note=note, rank_error=error)


# --- public entry points ------------------------------------------------------------------------------------------


def column_drift(
    reference_profile_column: Mapping[str, Any],
    current: Any,
    *,
    method: str | None = None,
    threshold: float | None = None,
    min_rows: int = DEFAULT_MIN_ROWS,
    possible_margin: float = DEFAULT_POSSIBLE_MARGIN,
) -> ColumnDrift:
    """Drift of one column from raw current values (a 1-D array, list or Series; None/NaN are missing).

    A mapping as ``current`` is taken as a current sketch and handed to ``column_drift_sketched``. ``method`` and
    ``threshold`` default to the Evidently selection and the method's default threshold. Fewer than ``min_rows``
    non-null values on either side give an unevaluated result (``insufficient_data=True``, ``reason`` set).
    """
    if isinstance(current, Mapping):
        return column_drift_sketched(
            reference_profile_column,
            current,
            method=method,
            threshold=threshold,
            min_rows=min_rows,
            possible_margin=possible_margin,
        )
    build: Builder = _raw_numeric if is_numeric(reference_profile_column["kind"]) else _RawCategorical
    return _evaluate(
        reference_profile_column,
        build,
        current,
        method=method,
        threshold=threshold,
        min_rows=min_rows,
        margin=possible_margin,
    )


def column_drift_sketched(
    reference_profile_column: Mapping[str, Any],
    current_sketch: Mapping[str, Any],
    *,
    method: str | None = None,
    threshold: float | None = None,
    min_rows: int = DEFAULT_MIN_ROWS,
    possible_margin: float = DEFAULT_POSSIBLE_MARGIN,
) -> ColumnDrift:
    """Drift of one column from a (merged) current sketch (format in ``monitoring.drift.sketched``).

    Every method runs on the sketches themselves: KS and Wasserstein on the KLL sketches' weighted values (the
    result's ``rank_error`` bounds the error of the CDFs they were read from), the count methods on exact counts.
    """
    build: Builder = _sketched_numeric if is_numeric(reference_profile_column["kind"]) else _SketchedCategorical
    return _evaluate(
        reference_profile_column,
        build,
        current_sketch,
        method=method,
        threshold=threshold,
        min_rows=min_rows,
        margin=possible_margin,
    )


def prediction_drift(
    reference_outputs_profile: Mapping[str, Any],
    current_outputs: Any,
    *,
    method: str | None = None,
    threshold: float | None = None,
    min_rows: int = DEFAULT_MIN_ROWS,
) -> ColumnDrift:
    """Drift of a model output: ``column_drift`` on its profile column (classes categorical, regression numeric).

    Takes the output column's profile dict, or a profile ``{"columns": [...]}`` holding exactly one column.
    """
    column = reference_outputs_profile
    if "columns" in column:
        if len(column["columns"]) != 1:
            raise ValueError("pass the profile column of one model output")
        column = column["columns"][0]
    return column_drift(column, current_outputs, method=method, threshold=threshold, min_rows=min_rows)
