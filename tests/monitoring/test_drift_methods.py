"""Each drift method against scipy, hand computations and Evidently's published algorithms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from monitoring.drift import (
    chisquare_test,
    hellinger_test,
    jensenshannon_test,
    ks_test,
    psi_test,
    wasserstein_test,
    z_test,
)
from monitoring.drift.methods import fill_zeroes

RNG = np.random.default_rng(7)
A = RNG.normal(0.0, 1.0, 400)
B = RNG.normal(0.2, 1.1, 300)


def test_ks_matches_scipy_ks_2samp():
    expected = stats.ks_2samp(A, B)
    result = ks_test(A, B)
    assert result.method == "ks"
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.distance is None
    assert result.drifted is bool(expected.pvalue <= 0.05)


def test_ks_drift_is_inclusive_of_the_threshold():
    p = stats.ks_2samp(A, B).pvalue
    assert ks_test(A, B, threshold=p).drifted is True


def test_chisquare_matches_scipy_with_expected_scaled_from_reference():
    ref, cur = np.array([10, 20, 30, 40]), np.array([15, 25, 25, 35])
    expected = stats.chisquare(cur, ref / ref.sum() * cur.sum())
    result = chisquare_test(ref, cur)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)


def test_chisquare_drift_is_exclusive_of_the_threshold():
    ref, cur = np.array([10, 20, 30, 40]), np.array([15, 25, 25, 35])
    p = stats.chisquare(cur, ref / ref.sum() * cur.sum()).pvalue
    assert chisquare_test(ref, cur, threshold=p).drifted is False


def test_chisquare_unseen_category_gives_p_zero():
    result = chisquare_test([50, 50, 0], [40, 40, 20])
    assert result.p_value == 0.0
    assert math.isinf(result.statistic)
    assert result.drifted is True


def test_chisquare_ignores_buckets_empty_on_both_sides():
    assert chisquare_test([10, 0, 30], [12, 0, 28]).p_value == pytest.approx(chisquare_test([10, 30], [12, 28]).p_value)


def test_z_test_matches_hand_computation():
    # reference: 30 x "a", 70 x "b"; current: 45 x "a", 55 x "b"; share of "not a": 0.70 vs 0.55
    p1, p2, n1, n2 = 0.70, 0.55, 100, 100
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    result = z_test([30, 70], [45, 55])
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * (1 - stats.norm.cdf(abs(z))))
    assert result.drifted is True


def test_z_test_single_shared_value_is_not_drift():
    result = z_test([100, 0], [40, 0])
    assert (result.p_value, result.drifted) == (1.0, False)


def test_wasserstein_is_scipy_distance_over_reference_population_std():
    result = wasserstein_test(A, B)
    assert result.distance == pytest.approx(stats.wasserstein_distance(A, B) / np.std(A))
    assert result.p_value is None
    assert result.drifted is (result.distance >= 0.1)


def test_wasserstein_floors_the_norm_for_a_constant_reference():
    result = wasserstein_test(np.ones(50), np.ones(50) + 0.01)
    assert result.distance == pytest.approx(0.01 / 0.001)


def test_jensenshannon_matches_scipy_natural_log():
    ref, cur = np.array([10, 20, 30, 40]), np.array([25, 25, 25, 25])
    result = jensenshannon_test(ref, cur)
    assert result.distance == pytest.approx(jensenshannon(ref / 100, cur / 100))
    assert jensenshannon_test(ref, cur, base=2).distance == pytest.approx(jensenshannon(ref / 100, cur / 100, base=2))


def test_psi_hand_worked_example():
    # shares 0.5/0.5 against 0.25/0.75: 0.25 ln 2 + (-0.25) ln(0.5 / 0.75)
    result = psi_test([50, 50], [25, 75])
    assert result.distance == pytest.approx(0.25 * math.log(2) - 0.25 * math.log(0.5 / 0.75))
    assert result.distance == pytest.approx(0.274653, abs=1e-6)
    assert result.threshold == 0.1 and result.drifted is True


def test_psi_fills_empty_buckets_with_evidently_epsilon():
    # reference shares 0.5/0.5/0 -> the empty one becomes 1e-4
    result = psi_test([50, 50, 0], [50, 25, 25])
    expected = (0.5 - 0.25) * math.log(0.5 / 0.25) + (1e-4 - 0.25) * math.log(1e-4 / 0.25)
    assert result.distance == pytest.approx(expected)
    assert result.distance == pytest.approx(2.128516, abs=1e-6)


def test_fill_zeroes_uses_a_millionth_of_tiny_shares():
    filled = fill_zeroes(np.array([0.99995, 0.00005, 0.0]))
    assert filled[2] == pytest.approx(0.00005 / 1e6)


def test_hellinger_hand_worked_example():
    # Bhattacharyya coefficient sqrt(.5 * .25) + sqrt(.5 * .75)
    result = hellinger_test([50, 50], [25, 75])
    coefficient = math.sqrt(0.5 * 0.25) + math.sqrt(0.5 * 0.75)
    assert result.distance == pytest.approx(math.sqrt(1 - coefficient))
    assert result.distance == pytest.approx(0.184592, abs=1e-6)
    assert result.drifted is True


def test_hellinger_equals_normed_euclidean_of_root_shares():
    p, q = np.array([0.1, 0.6, 0.3]), np.array([0.3, 0.3, 0.4])
    expected = np.linalg.norm(np.sqrt(p) - np.sqrt(q)) / math.sqrt(2)
    assert hellinger_test(p * 1000, q * 1000).distance == pytest.approx(expected)


def test_identical_distributions_have_zero_distance():
    for method in (jensenshannon_test, psi_test, hellinger_test):
        result = method([10, 20, 30], [20, 40, 60])
        assert result.distance == pytest.approx(0.0, abs=1e-7)
        assert result.drifted is False


@pytest.mark.parametrize("method", [chisquare_test, z_test, jensenshannon_test, psi_test, hellinger_test])
def test_count_methods_reject_mismatched_or_empty_counts(method):
    with pytest.raises(ValueError):
        method([1, 2], [1, 2, 3])
    with pytest.raises(ValueError):
        method([1, 2], [0, 0])
