"""Drift of one column: the reference profile column against raw or pre-binned current data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from monitoring.drift import buckets as bk
from monitoring.drift.methods import (
    DEFAULT_THRESHOLDS,
    check_method,
    chisquare_test,
    hellinger_test,
    jensenshannon_test,
    ks_test,
    psi_test,
    wasserstein_test,
    z_test,
)
from monitoring.drift.results import ColumnDrift, MethodResult, Severity
from monitoring.drift.selection import CATEGORICAL_KINDS, NUMERIC_KINDS, is_numeric, select_method

DEFAULT_MIN_ROWS = 30
DEFAULT_POSSIBLE_MARGIN = 2.0
FEW_VALUES = 20  # Evidently bins numeric columns with more distinct reference values, and counts values otherwise
COUNT_METHODS = {
    "chisquare": chisquare_test,
    "z": z_test,
    "jensenshannon": jensenshannon_test,
    "psi": psi_test,
    "hellinger": hellinger_test,
}
BINNED_KS_FALLBACK = "wasserstein"  # KS applies to numeric columns only, so this is the one fallback


class _Current(Protocol):
    """The current side of one column, ready for any method."""

    count: int
    missing: int

    def out_of_range_rate(self) -> float | None: ...

    def n_unique(self) -> int: ...

    def run(self, method: str, threshold: float) -> MethodResult: ...


def reference_std(column: Mapping[str, Any], sample: np.ndarray) -> float:
    """np.std of the reference as Evidently has it: exact when the sample holds every value, else the profile's std."""
    if sample.size and sample.size >= int(column["count"]):
        return float(np.std(sample))
    return float(column.get("std") or 0.0)


class _RawNumeric:
    def __init__(self, column: Mapping[str, Any], current: Any) -> None:
        self.column = column
        self.values, self.missing = bk.numeric_values(current)
        self.count = int(self.values.size)
        self.sample = bk.reference_sample(column)

    def out_of_range_rate(self) -> float | None:
        low, high = self.column.get("min"), self.column.get("max")
        if not self.count or low is None or high is None:
            return None
        return float(np.count_nonzero((self.values < low) | (self.values > high)) / self.count)

    def n_unique(self) -> int:
        distinct = int(self.column.get("distinct") or 0)
        return distinct if distinct > 5 else self._union_distinct()  # only the 2 and 5 boundaries matter

    def run(self, method: str, threshold: float) -> MethodResult:
        if method == "ks":
            return ks_test(self.sample, self.values, threshold)
        if method == "wasserstein":
            std = reference_std(self.column, self.sample)
            return wasserstein_test(self.sample, self.values, threshold, reference_std=std)
        counts = self._buckets(method)
        return COUNT_METHODS[method](counts.reference, counts.current, threshold)

    def _buckets(self, method: str) -> bk.Buckets:
        few = int(self.column.get("distinct") or 0) <= FEW_VALUES
        if method in ("chisquare", "z") or (method in ("jensenshannon", "psi") and few):
            return bk.value_buckets(self.sample, self.values)
        low = min(float(self.column["min"]), float(self.values.min()))
        high = max(float(self.column["max"]), float(self.values.max()))
        size = int(self.column["count"]) + self.count if method != "hellinger" else self._union_distinct()
        return bk.sturges_buckets(self.sample, self.values, low, high, size)

    def _union_distinct(self) -> int:
        """Distinct values of reference and current; reference values missing from its sample are added."""
        sample_unique = np.unique(self.sample)
        missing_from_sample = max(0, int(self.column.get("distinct") or 0) - sample_unique.size)
        return int(np.union1d(sample_unique, self.values).size + missing_from_sample)


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
        return COUNT_METHODS[method](counts.reference, counts.current, threshold)


class _BinnedNumeric:
    def __init__(self, column: Mapping[str, Any], bins: Mapping[str, Any]) -> None:
        self.column = column
        self.bins = bins
        self.buckets = bk.histogram_buckets(column, bins)
        self.count = int(self.buckets.current.sum())
        self.missing = int(bins.get("missing", 0))

    def out_of_range_rate(self) -> float | None:
        return float(self.buckets.current[0] + self.buckets.current[-1]) / self.count if self.count else None

    def n_unique(self) -> int:
        outside = int(self.buckets.current[0] > 0) + int(self.buckets.current[-1] > 0)
        return int(self.column.get("distinct") or 0) + outside

    def run(self, method: str, threshold: float) -> MethodResult:
        if method == "wasserstein":
            return self._wasserstein(threshold)
        return COUNT_METHODS[method](self.buckets.reference, self.buckets.current, threshold)

    def _wasserstein(self, threshold: float) -> MethodResult:
        edges = np.asarray(self.column["histogram"]["edges"], dtype=np.float64)
        below = self.bins.get("below_mean")
        above = self.bins.get("above_mean")
        outer = [edges[0] if below is None else below], [edges[-1] if above is None else above]
        positions = np.concatenate([outer[0], (edges[:-1] + edges[1:]) / 2, outer[1]])
        std = reference_std(self.column, bk.reference_sample(self.column))
        return wasserstein_test(
            positions,
            positions,
            threshold,
            reference_std=std,
            reference_weights=self.buckets.reference,
            current_weights=self.buckets.current,
        )


class _BinnedCategorical:
    def __init__(self, column: Mapping[str, Any], bins: Mapping[str, Any]) -> None:
        self.reference = bk.reference_frequencies(column)
        self.other_count = float(column.get("other_count") or 0)
        self.distinct = int(column.get("distinct") or len(self.reference))
        matcher = bk.matcher_for(column)
        self.counts: dict[str, int] = {}
        for value, n in dict(bins.get("counts") or {}).items():
            key = matcher(value)
            self.counts[key] = self.counts.get(key, 0) + int(n)
        self.other = int(bins.get("other", 0))
        self.other_distinct = bins.get("other_distinct")
        self.count = sum(self.counts.values()) + self.other
        self.missing = int(bins.get("missing", 0))

    def _unseen(self) -> int:
        return self.other + sum(n for key, n in self.counts.items() if key not in self.reference)

    def out_of_range_rate(self) -> float | None:
        return self._unseen() / self.count if self.count else None

    def n_unique(self) -> int:
        if self.other_count > 0:
            return self.distinct
        unseen = self.other_distinct if self.other_distinct is not None else int(self._unseen() > 0)
        return self.distinct + int(unseen)

    def run(self, method: str, threshold: float) -> MethodResult:
        counts = bk.categorical_buckets(self.reference, self.other_count, self.counts, self.other)
        return COUNT_METHODS[method](counts.reference, counts.current, threshold)


# --- verdict ------------------------------------------------------------------------------------------------------


def severity(result: MethodResult, margin: float = DEFAULT_POSSIBLE_MARGIN) -> Severity:
    """``drift`` when drifted; ``possible`` when p < margin x threshold or distance >= threshold / margin."""
    if result.drifted:
        return "drift"
    if result.p_value is not None:
        return "possible" if result.p_value < result.threshold * margin else "none"
    return "possible" if (result.distance or 0.0) >= result.threshold / margin else "none"


def _reference_problem(column: Mapping[str, Any], binned: bool, min_rows: int) -> str | None:
    kind = column["kind"]
    if kind not in NUMERIC_KINDS | CATEGORICAL_KINDS:
        return f"no drift method for {kind} columns"
    count = int(column.get("count") or 0)
    if count < min_rows:
        return f"reference has {count} non-null values, fewer than {min_rows}"
    if is_numeric(kind) and binned and not column.get("histogram"):
        return "reference profile has no histogram"
    if is_numeric(kind) and not binned and not column.get("sample"):
        return "reference profile has no sample"
    return None


def _choose(
    column: Mapping[str, Any], current: _Current, method: str | None, threshold: float | None, binned: bool
) -> tuple[str, float, str | None]:
    """The method and threshold to apply, and a note when a binned input forced a fallback."""
    numeric = is_numeric(column["kind"])
    chosen = method or select_method(column["kind"], int(column["count"]), current.n_unique())
    check_method(chosen, numeric)
    if binned and chosen == "ks":
        note = f"ks needs raw values; {BINNED_KS_FALLBACK} used on the binned data with its default threshold"
        return BINNED_KS_FALLBACK, DEFAULT_THRESHOLDS[BINNED_KS_FALLBACK], note
    return chosen, DEFAULT_THRESHOLDS[chosen] if threshold is None else threshold, None


def _rate(part: int, total: int) -> float | None:
    return part / total if total else None


def _evaluate(
    column: Mapping[str, Any],
    build: type[_RawNumeric | _RawCategorical | _BinnedNumeric | _BinnedCategorical],
    current: Any,
    *,
    method: str | None,
    threshold: float | None,
    min_rows: int,
    margin: float,
) -> ColumnDrift:
    binned = build in (_BinnedNumeric, _BinnedCategorical)
    if method is not None:
        check_method(method, is_numeric(column["kind"]))
    base: dict[str, Any] = {"name": str(column["name"]), "kind": column["kind"]}
    base["reference_count"] = int(column.get("count") or 0)
    problem = _reference_problem(column, binned, min_rows)
    if problem is not None:
        unsupported = problem.startswith("no drift method")
        return _not_evaluated(base, method, threshold, problem, insufficient=not unsupported)
    side: _Current = build(column, current)
    base.update(
        current_count=side.count,
        missing_rate=_rate(side.missing, side.count + side.missing),
        out_of_range_rate=side.out_of_range_rate(),
    )
    if side.count < min_rows:
        reason = f"current has {side.count} non-null values, fewer than {min_rows}"
        return _not_evaluated(base, method, threshold, reason, insufficient=True)
    chosen, limit, note = _choose(column, side, method, threshold, binned)
    result = side.run(chosen, limit)
    return _from_result(base, result, severity(result, margin), note)


def _not_evaluated(
    base: dict[str, Any], method: str | None, threshold: float | None, reason: str, *, insufficient: bool
) -> ColumnDrift:
    fields = {"current_count": 0, "missing_rate": None, "out_of_range_rate": None, **base}
    return ColumnDrift(
        **fields,
        method=method,
        statistic=None,
        p_value=None,
        distance=None,
        threshold=threshold,
        drifted=False,
        severity="none",
        insufficient_data=insufficient,
        reason=reason,
    )


def _from_result(base: dict[str, Any], result: MethodResult, level: Severity, note: str | None) -> ColumnDrift:
    return ColumnDrift(
        **base,
        method=result.method,
        statistic=result.statistic,
        p_value=result.p_value,
        distance=result.distance,
        threshold=result.threshold,
        drifted=result.drifted,
        severity=level,
        note=note,
    )


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

    A mapping as ``current`` is taken as pre-binned data and handed to ``column_drift_binned``. ``method`` and
    ``threshold`` default to the Evidently selection and the method's default threshold. Fewer than ``min_rows``
    non-null values on either side give an unevaluated result (``insufficient_data=True``, ``reason`` set).
    """
    if isinstance(current, Mapping):
        return column_drift_binned(
            reference_profile_column,
            current,
            method=method,
            threshold=threshold,
            min_rows=min_rows,
            possible_margin=possible_margin,
        )
    build = _RawNumeric if is_numeric(reference_profile_column["kind"]) else _RawCategorical
    return _evaluate(
        reference_profile_column,
        build,
        current,
        method=method,
        threshold=threshold,
        min_rows=min_rows,
        margin=possible_margin,
    )


def column_drift_binned(
    reference_profile_column: Mapping[str, Any],
    current_bins: Mapping[str, Any],
    *,
    method: str | None = None,
    threshold: float | None = None,
    min_rows: int = DEFAULT_MIN_ROWS,
    possible_margin: float = DEFAULT_POSSIBLE_MARGIN,
) -> ColumnDrift:
    """Drift of one column from pre-binned current counts (format in ``monitoring.drift.buckets``).

    Numeric columns are compared on the reference histogram bins plus below/above-range buckets, categorical ones
    on the reference frequencies plus an "other" bucket. KS needs raw values: where it is asked for or selected,
    the normed Wasserstein distance on bin midpoints is used instead with its default threshold, and ``note`` says
    so.
    """
    build = _BinnedNumeric if is_numeric(reference_profile_column["kind"]) else _BinnedCategorical
    return _evaluate(
        reference_profile_column,
        build,
        current_bins,
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
