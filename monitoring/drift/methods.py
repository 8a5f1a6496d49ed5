"""The statistical methods, on plain arrays: samples for ks/wasserstein, bucket counts for the others.

Each mirrors the Evidently stattest of the same name (see the package docstring for the differences).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.spatial import distance as scipy_distance

from monitoring.drift.results import MethodResult

FloatArray = NDArray[np.float64]

P_VALUE_METHODS = frozenset({"ks", "chisquare", "z"})
DISTANCE_METHODS = frozenset({"wasserstein", "jensenshannon", "psi", "hellinger"})
NUMERIC_ONLY_METHODS = frozenset({"ks", "wasserstein"})
METHODS = P_VALUE_METHODS | DISTANCE_METHODS
DEFAULT_THRESHOLDS: dict[str, float] = {
    "ks": 0.05,
    "chisquare": 0.05,
    "z": 0.05,
    "wasserstein": 0.1,
    "jensenshannon": 0.1,
    "psi": 0.1,
    "hellinger": 0.1,
}
MIN_STD = 0.001  # Evidently's floor for the Wasserstein norm


def _p_value_result(method: str, statistic: float, p_value: float, threshold: float) -> MethodResult:
    drifted = p_value <= threshold if method == "ks" else p_value < threshold  # Evidently: KS is inclusive
    return MethodResult(method, float(statistic), float(p_value), None, threshold, bool(drifted))


def _distance_result(method: str, value: float, threshold: float) -> MethodResult:
    return MethodResult(method, float(value), None, float(value), threshold, bool(value >= threshold))


def _pair(reference: ArrayLike, current: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Two count vectors over the same buckets, without the buckets that are empty on both sides."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    if ref.shape != cur.shape or ref.ndim != 1:
        raise ValueError("reference and current counts must be 1-D and of the same length")
    if ref.sum() <= 0 or cur.sum() <= 0:
        raise ValueError("both sides need at least one counted value")
    keep = (ref > 0) | (cur > 0)
    return ref[keep], cur[keep]


def _percents(counts: FloatArray) -> FloatArray:
    shares: FloatArray = counts / counts.sum()
    return shares


def fill_zeroes(percents: FloatArray) -> FloatArray:
    """Evidently's epsilon for empty buckets: 1e-4, or the smallest share / 1e6 when that is <= 1e-4."""
    smallest = float(percents[percents > 0].min())
    epsilon = smallest / 10**6 if smallest <= 0.0001 else 0.0001
    filled: FloatArray = np.where(percents == 0, epsilon, percents)
    return filled


def ks_test(reference: ArrayLike, current: ArrayLike, threshold: float = 0.05) -> MethodResult:
    """Two-sample Kolmogorov-Smirnov (scipy.stats.ks_2samp, two-sided); drift when p <= threshold."""
    result = stats.ks_2samp(np.asarray(reference, dtype=np.float64), np.asarray(current, dtype=np.float64))
    return _p_value_result("ks", result.statistic, result.pvalue, threshold)


def chisquare_test(reference_counts: ArrayLike, current_counts: ArrayLike, threshold: float = 0.05) -> MethodResult:
    """Chi-square goodness of fit of the current counts against the reference shares scaled to the current total.

    A bucket with current values but no reference values (an unseen category) makes the statistic infinite and the
    p-value 0, as in Evidently. Drift when p < threshold.
    """
    ref, cur = _pair(reference_counts, current_counts)
    if ref.size < 2:
        return _p_value_result("chisquare", 0.0, 1.0, threshold)
    expected = _percents(ref) * cur.sum()
    if np.any(expected == 0):
        return _p_value_result("chisquare", math.inf, 0.0, threshold)
    result = stats.chisquare(cur, expected)
    return _p_value_result("chisquare", result.statistic, result.pvalue, threshold)


def z_test(reference_counts: ArrayLike, current_counts: ArrayLike, threshold: float = 0.05) -> MethodResult:
    """Two-proportion Z-test on the share of values outside the first bucket (Evidently: the smallest value).

    Buckets must be in the order Evidently sorts values in. One shared value on both sides gives p = 1.
    """
    ref, cur = _pair(reference_counts, current_counts)
    if ref.size < 2:
        return _p_value_result("z", 0.0, 1.0, threshold)
    n1, n2 = ref.sum(), cur.sum()
    p1, p2 = 1 - ref[0] / n1, 1 - cur[0] / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return _p_value_result("z", z, 2 * stats.norm.sf(abs(z)), threshold)


def _weighted_std(values: FloatArray, weights: FloatArray | None) -> float:
    if weights is None:
        return float(np.std(values))
    mean = np.average(values, weights=weights)
    return float(np.sqrt(np.average((values - mean) ** 2, weights=weights)))


def wasserstein_test(
    reference: ArrayLike,
    current: ArrayLike,
    threshold: float = 0.1,
    *,
    reference_std: float | None = None,
    reference_weights: ArrayLike | None = None,
    current_weights: ArrayLike | None = None,
) -> MethodResult:
    """First Wasserstein distance divided by max(reference std, 0.001); drift when >= threshold.

    ``reference_std`` defaults to the population std (ddof=0) of the (weighted) reference, as Evidently's np.std.
    """
    ref = np.asarray(reference, dtype=np.float64)
    ref_w = None if reference_weights is None else np.asarray(reference_weights, dtype=np.float64)
    std = _weighted_std(ref, ref_w) if reference_std is None else reference_std
    value = stats.wasserstein_distance(ref, np.asarray(current, dtype=np.float64), ref_w, current_weights)
    return _distance_result("wasserstein", value / max(std, MIN_STD), threshold)


def jensenshannon_test(
    reference_counts: ArrayLike, current_counts: ArrayLike, threshold: float = 0.1, *, base: float | None = None
) -> MethodResult:
    """scipy.spatial.distance.jensenshannon of the two shares (natural log unless ``base``); drift when >= threshold."""
    ref, cur = _pair(reference_counts, current_counts)
    value = scipy_distance.jensenshannon(_percents(ref), _percents(cur), base)
    return _distance_result("jensenshannon", float(value), threshold)


def psi_test(reference_counts: ArrayLike, current_counts: ArrayLike, threshold: float = 0.1) -> MethodResult:
    """Population Stability Index: sum((r - c) * ln(r / c)) over shares, empty buckets filled by ``fill_zeroes``."""
    ref, cur = _pair(reference_counts, current_counts)
    r, c = fill_zeroes(_percents(ref)), fill_zeroes(_percents(cur))
    return _distance_result("psi", float(np.sum((r - c) * np.log(r / c))), threshold)


def hellinger_test(reference_counts: ArrayLike, current_counts: ArrayLike, threshold: float = 0.1) -> MethodResult:
    """Hellinger distance sqrt(1 - sum(sqrt(r * c))) over shares, in [0, 1]; drift when >= threshold."""
    ref, cur = _pair(reference_counts, current_counts)
    coefficient = float(np.clip(np.sum(np.sqrt(_percents(ref) * _percents(cur))), 0.0, 1.0))
    return _distance_result("hellinger", math.sqrt(1.0 - coefficient), threshold)


# The tests that compare per-bucket counts, by method name.
COUNT_TESTS = {
    "chisquare": chisquare_test,
    "z": z_test,
    "jensenshannon": jensenshannon_test,
    "psi": psi_test,
    "hellinger": hellinger_test,
}


def check_method(method: str, kind_is_numeric: bool) -> None:
    """Raise ValueError for an unknown method or one that does not apply to the column kind."""
    if method not in METHODS:
        raise ValueError(f"unknown drift method {method!r}; choose one of {sorted(METHODS)}")
    if method in NUMERIC_ONLY_METHODS and not kind_is_numeric:
        raise ValueError(f"drift method {method!r} applies to numeric columns only")
