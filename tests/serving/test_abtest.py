"""A/B statistics against scipy and hand computations, and the verdicts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from serving.abtest import (
    VariantMean,
    VariantRate,
    analyze,
    mean_sample_size,
    pooled_variance,
    rate_sample_size,
    rate_test,
    welch_test,
    wilson_interval,
)

RNG = np.random.default_rng(11)
CONTROL_VALUES = RNG.normal(10.0, 2.0, 180)
CHALLENGER_VALUES = RNG.normal(10.6, 3.5, 120)
Z95 = 1.959963984540054  # Phi^-1(0.975)
Z80 = 0.8416212335729143  # Phi^-1(0.8)


def _means() -> tuple[VariantMean, VariantMean]:
    return VariantMean.from_values("A", CONTROL_VALUES), VariantMean.from_values("B", CHALLENGER_VALUES)


def _json_safe(result: dict) -> dict:
    return json.loads(json.dumps(result, allow_nan=False))


def test_variant_mean_from_values_matches_numpy():
    variant = VariantMean.from_values("A", CONTROL_VALUES)
    assert variant.n == 180
    assert variant.mean == pytest.approx(CONTROL_VALUES.mean())
    assert variant.variance == pytest.approx(CONTROL_VALUES.var(ddof=1))


def test_welch_matches_scipy_statistic_p_value_and_df():
    expected = stats.ttest_ind(CHALLENGER_VALUES, CONTROL_VALUES, equal_var=False)
    result = welch_test(*_means())
    assert result is not None
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.df == pytest.approx(expected.df)


def test_welch_interval_matches_scipy_confidence_interval():
    expected = stats.ttest_ind(CHALLENGER_VALUES, CONTROL_VALUES, equal_var=False).confidence_interval(0.9)
    result = welch_test(*_means(), alpha=0.1)
    assert result is not None
    assert result.difference == pytest.approx(CHALLENGER_VALUES.mean() - CONTROL_VALUES.mean())
    assert (result.ci_low, result.ci_high) == pytest.approx((expected.low, expected.high))


def test_welch_zero_variance_is_json_safe():
    same = welch_test(VariantMean("A", 10, 1.0, 0.0), VariantMean("B", 10, 1.0, 0.0))
    apart = welch_test(VariantMean("A", 10, 1.0, 0.0), VariantMean("B", 10, 2.0, 0.0))
    assert same is not None and apart is not None
    assert (same.statistic, same.p_value) == (None, 1.0)
    assert (apart.statistic, apart.p_value, apart.ci_low) == (None, 0.0, 1.0)


def test_rate_z_test_matches_hand_computation():
    control, challenger = VariantRate("A", 120, 1000), VariantRate("B", 150, 1000)
    pooled = 270 / 2000
    z = (0.15 - 0.12) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    half = Z95 * math.sqrt(0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000)
    result = rate_test(control, challenger)
    assert result is not None
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert (result.ci_low, result.ci_high) == pytest.approx((0.03 - half, 0.03 + half))
    assert result.df is None


def test_rate_z_squared_equals_uncorrected_chi_square():
    control, challenger = VariantRate("A", 430, 2100), VariantRate("B", 380, 1650)
    table = [[430, 2100 - 430], [380, 1650 - 380]]
    chi2, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
    result = rate_test(control, challenger)
    assert result is not None
    assert dof == 1
    assert result.statistic**2 == pytest.approx(chi2)
    assert result.p_value == pytest.approx(p_value)


def test_rate_z_test_all_successes_on_both_sides():
    result = rate_test(VariantRate("A", 50, 50), VariantRate("B", 80, 80))
    assert result is not None
    assert (result.statistic, result.p_value, result.difference) == (0.0, 1.0, 0.0)


def test_wilson_interval_matches_hand_computation_and_scipy():
    successes, trials = 37, 200
    p = successes / trials
    centre = (p + Z95**2 / (2 * trials)) / (1 + Z95**2 / trials)
    half = Z95 / (1 + Z95**2 / trials) * math.sqrt(p * (1 - p) / trials + Z95**2 / (4 * trials**2))
    expected = stats.binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    low, high = wilson_interval(successes, trials)
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert (low, high) == pytest.approx((expected.low, expected.high))
    assert wilson_interval(0, 0) is None


def test_rate_sample_size_matches_hand_worked_example():
    # 10 % vs 12 %: q = 0.11; (1.95996 * sqrt(2 * 0.11 * 0.89) + 0.84162 * sqrt(0.09 + 0.1056))^2 / 0.02^2
    # = (1.95996 * 0.442493 + 0.84162 * 0.442267)^2 / 0.0004 = 1.239489^2 / 0.0004 = 3840.8 -> 3841
    spread = Z95 * math.sqrt(2 * 0.11 * 0.89) + Z80 * math.sqrt(0.10 * 0.90 + 0.12 * 0.88)
    assert spread**2 / 0.02**2 == pytest.approx(3840.8, abs=0.1)
    assert rate_sample_size(0.10, 0.12) == 3841
    assert rate_sample_size(0.10, 0.10) is None


def test_mean_sample_size_matches_hand_worked_example():
    # sigma^2 = 1, delta = 0.2: 2 * (1.95996 + 0.84162)^2 / 0.04 = 2 * 7.84887 / 0.04 = 392.44 -> 393
    exact = 2 * (Z95 + Z80) ** 2 / 0.2**2
    assert exact == pytest.approx(392.44, abs=0.01)
    assert mean_sample_size(1.0, 0.2) == 393
    assert mean_sample_size(1.0, -0.2) == 393
    assert mean_sample_size(1.0, 0.0) is None


def test_pooled_variance_weights_by_degrees_of_freedom():
    control, challenger = VariantMean("A", 11, 0.0, 4.0), VariantMean("B", 31, 0.0, 9.0)
    assert pooled_variance(control, challenger) == pytest.approx((10 * 4 + 30 * 9) / 40)


def test_analyze_rates_reports_every_statistic():
    result = _json_safe(analyze("A", [VariantRate("A", 500, 5000), VariantRate("B", 600, 5000)]))
    comparison = result["comparisons"][0]
    assert result["metric"] == "rate"
    assert result["correction"] == "none"
    assert result["variants"][0] == pytest.approx(
        {"name": "A", "n": 5000, "successes": 500, "rate": 0.1, "ci_low": 0.09199, "ci_high": 0.10862}, abs=1e-5
    )
    assert comparison["test"] == "two_proportion_z"
    assert comparison["difference"] == pytest.approx(0.02)
    assert comparison["relative_lift"] == pytest.approx(0.2)
    assert comparison["confidence"] == pytest.approx(0.95)
    assert comparison["sample_size"] == {
        "required_per_variant": 3841,
        "current": 5000,
        "additional_needed": 0,
        "effect": pytest.approx(0.02),
        "effect_basis": "observed",
    }


def test_analyze_clear_winner():
    result = analyze("A", [VariantRate("A", 500, 5000), VariantRate("B", 600, 5000)])
    assert result["verdict"] == "winner:B"
    assert result["comparisons"][0]["significant"] is True
    assert "B beats A" in result["summary"]


def test_analyze_control_wins_when_the_challenger_is_worse():
    result = analyze("A", [VariantRate("A", 600, 5000), VariantRate("B", 500, 5000)])
    assert result["comparisons"][0]["verdict"] == "winner:A"
    assert result["verdict"] == "winner:A"


def test_analyze_lower_is_better_for_error_metrics():
    rng = np.random.default_rng(3)
    control = VariantMean.from_values("A", rng.normal(5.0, 1.0, 400))
    challenger = VariantMean.from_values("B", rng.normal(4.5, 1.0, 400))
    lower = analyze("A", [control, challenger], higher_is_better=False)
    higher = analyze("A", [control, challenger])
    assert lower["metric"] == "mean"
    assert lower["comparisons"][0]["test"] == "welch_t"
    assert lower["comparisons"][0]["difference"] < 0
    assert lower["verdict"] == "winner:B"
    assert higher["verdict"] == "winner:A"


def test_analyze_no_difference_with_large_n_and_an_mde():
    variants = [VariantRate("A", 10_000, 100_000), VariantRate("B", 10_050, 100_000)]
    result = analyze("A", variants, mde=0.01)
    comparison = result["comparisons"][0]
    assert comparison["significant"] is False
    assert comparison["sample_size"]["effect_basis"] == "mde"
    assert comparison["sample_size"]["effect"] == pytest.approx(0.01)
    assert comparison["sample_size"]["additional_needed"] == 0
    assert result["verdict"] == "no_difference"


def test_analyze_no_difference_for_means_with_an_mde():
    result = analyze("A", [VariantMean("A", 5000, 10.0, 4.0), VariantMean("B", 5000, 10.01, 4.0)], mde=0.5)
    assert result["comparisons"][0]["sample_size"]["required_per_variant"] == mean_sample_size(4.0, 0.5)
    assert result["verdict"] == "no_difference"


def test_analyze_keep_running_with_small_n():
    result = analyze("A", [VariantRate("A", 20, 200), VariantRate("B", 26, 200)])
    comparison = result["comparisons"][0]
    assert comparison["significant"] is False
    assert comparison["sample_size"]["additional_needed"] > 0
    assert result["verdict"] == "keep_running"
    assert "more samples per variant" in result["summary"]


def test_analyze_keep_running_below_min_samples_even_when_significant():
    result = analyze("A", [VariantRate("A", 5, 80), VariantRate("B", 60, 80)])
    assert result["comparisons"][0]["significant"] is True
    assert result["verdict"] == "keep_running"
    assert "at least 100 per variant" in result["summary"]
    assert analyze("A", [VariantRate("A", 5, 80), VariantRate("B", 60, 80)], min_samples=50)["verdict"] == "winner:B"


def test_analyze_keep_running_without_observed_difference_suggests_an_mde():
    result = _json_safe(analyze("A", [VariantRate("A", 100, 1000), VariantRate("B", 100, 1000)]))
    size = result["comparisons"][0]["sample_size"]
    assert size["required_per_variant"] is None
    assert size["additional_needed"] is None
    assert result["verdict"] == "keep_running"
    assert "pass an mde" in result["summary"]


def test_analyze_bonferroni_with_three_challengers():
    variants = [
        VariantRate("A", 500, 5000),
        VariantRate("B", 566, 5000),  # p = 0.032: significant alone, not at 0.05 / 3
        VariantRate("C", 500, 5000),
        VariantRate("D", 640, 5000),
    ]
    result = analyze("A", variants)
    by_name = {c["challenger"]: c for c in result["comparisons"]}
    assert result["correction"] == "bonferroni"
    assert result["comparisons_count"] == 3
    assert result["adjusted_alpha"] == pytest.approx(0.05 / 3)
    assert 0.05 / 3 < by_name["B"]["p_value"] < 0.05
    assert by_name["B"]["significant"] is False
    assert by_name["D"]["verdict"] == "winner:D"
    assert result["verdict"] == "winner:D"
    assert "Bonferroni" in result["summary"]
    assert analyze("A", variants[:2])["verdict"] == "winner:B"


def test_analyze_bonferroni_widens_the_difference_interval():
    result = analyze("A", [VariantRate("A", 500, 5000), VariantRate("B", 566, 5000), VariantRate("C", 520, 5000)])
    comparison = result["comparisons"][0]
    half = stats.norm.ppf(1 - 0.025 / 2) * math.sqrt(0.1 * 0.9 / 5000 + 0.1132 * 0.8868 / 5000)
    assert comparison["confidence"] == pytest.approx(0.975)
    assert (comparison["ci_low"], comparison["ci_high"]) == pytest.approx((0.0132 - half, 0.0132 + half))


def test_analyze_picks_the_best_of_several_winners():
    variants = [VariantRate("A", 500, 5000), VariantRate("B", 650, 5000), VariantRate("C", 700, 5000)]
    assert analyze("A", variants)["verdict"] == "winner:C"


def test_analyze_output_is_json_safe_with_empty_and_constant_variants():
    rates = analyze("A", [VariantRate("A", 0, 0), VariantRate("B", 0, 10)], min_samples=0)
    means = analyze("A", [VariantMean("A", 10, 2.0, 0.0), VariantMean("B", 1, 3.0, 0.0)], min_samples=0)
    for result in (rates, means):
        assert _json_safe(result)["verdict"] == "keep_running"
    assert rates["comparisons"][0]["p_value"] is None


@pytest.mark.parametrize(
    ("control", "variants", "options"),
    [
        ("X", [VariantRate("A", 1, 2), VariantRate("B", 1, 2)], {}),
        ("A", [VariantRate("A", 1, 2)], {}),
        ("A", [VariantRate("A", 1, 2), VariantRate("A", 1, 2)], {}),
        ("A", [VariantRate("A", 1, 2), VariantMean("B", 2, 1.0, 1.0)], {}),
        ("A", [VariantRate("A", 1, 2), VariantRate("B", 1, 2)], {"alpha": 0}),
        ("A", [VariantRate("A", 1, 2), VariantRate("B", 1, 2)], {"power": 1}),
        ("A", [VariantRate("A", 1, 2), VariantRate("B", 1, 2)], {"mde": -0.1}),
        ("A", [VariantRate("A", 1, 2), VariantRate("B", 1, 2)], {"min_samples": -1}),
    ],
)
def test_analyze_rejects_bad_input(control, variants, options):
    with pytest.raises(ValueError):
        analyze(control, variants, **options)


def test_variants_reject_impossible_aggregates():
    with pytest.raises(ValueError):
        VariantRate("A", 5, 4)
    with pytest.raises(ValueError):
        VariantMean("A", 10, 1.0, -1.0)
    with pytest.raises(ValueError):
        VariantMean("A", 10, math.nan, 1.0)
