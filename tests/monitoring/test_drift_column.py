"""column_drift and column_drift_sketched: Evidently parity, shift detection, small samples, rates, sketched inputs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from monitoring.drift import (
    column_drift,
    column_drift_sketched,
    merge_current,
    pack,
    prediction_drift,
    profile_column_from_values,
    sketch_current,
    unpack,
)
from monitoring.drift.methods import fill_zeroes


def _normal(seed: int, size: int, loc: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(loc, 1.0, size)


# --- Evidently parity (their algorithms re-stated from evidently/legacy/calculations/stattests) -------------------


def _evidently_binned(ref: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    return np.histogram(ref, bins)[0] / len(ref), np.histogram(cur, bins)[0] / len(cur)


def test_raw_numeric_jensenshannon_and_psi_match_evidently_binning():
    ref, cur = _normal(1, 1900), _normal(2, 800, 0.3)  # the reference sketch holds every value up to 2000
    column = profile_column_from_values("x", ref, "numeric")
    r, c = _evidently_binned(ref, cur)
    js = column_drift(column, cur, method="jensenshannon")
    assert js.distance == pytest.approx(jensenshannon(r, c), rel=1e-9)
    r, c = fill_zeroes(r), fill_zeroes(c)
    psi = column_drift(column, cur, method="psi")
    assert psi.distance == pytest.approx(np.sum((r - c) * np.log(r / c)), rel=1e-9)


def test_raw_numeric_hellinger_matches_evidently_binning_on_distinct_values():
    ref, cur = np.round(_normal(3, 2000), 2), np.round(_normal(4, 600, 0.2), 2)
    bins = np.histogram_bin_edges(np.unique(np.concatenate([ref, cur])), bins="sturges")
    h1 = np.histogram(ref, bins=bins, density=True)[0]
    h2 = np.histogram(cur, bins=bins, density=True)[0]
    expected = np.sqrt(1 - np.clip(np.sum(np.sqrt(h1 * h2)) * (bins[1] - bins[0]), 0, 1))
    column = profile_column_from_values("x", ref, "numeric")
    assert column_drift(column, cur, method="hellinger").distance == pytest.approx(expected, rel=1e-9)


def test_raw_ks_and_wasserstein_use_the_full_reference_when_the_sample_holds_it():
    ref, cur = _normal(5, 900), _normal(6, 300, 0.1)
    column = profile_column_from_values("x", ref, "numeric")
    ks = column_drift(column, cur)
    assert ks.method == "ks"
    assert ks.p_value == pytest.approx(stats.ks_2samp(ref, cur).pvalue)
    wasserstein = column_drift(column, cur, method="wasserstein")
    assert wasserstein.distance == pytest.approx(stats.wasserstein_distance(ref, cur) / np.std(ref))


def test_raw_categorical_chisquare_matches_evidently():
    ref = np.repeat(["a", "b", "c", "d"], [100, 200, 150, 50])
    cur = np.repeat(["a", "b", "c", "d"], [40, 50, 70, 40])
    column = profile_column_from_values("c", ref, "categorical")
    f_exp = np.array([100, 200, 150, 50]) * len(cur) / len(ref)
    result = column_drift(column, cur)
    assert result.method == "chisquare"
    assert result.p_value == pytest.approx(stats.chisquare([40, 50, 70, 40], f_exp).pvalue)


def test_raw_numeric_few_values_count_values_for_jensenshannon():
    ref = np.random.default_rng(8).integers(0, 4, 3000).astype(float)
    cur = np.random.default_rng(9).integers(0, 5, 800).astype(float)  # 4 is unseen
    column = profile_column_from_values("x", ref, "integer")
    result = column_drift(column, cur)
    r = np.bincount(ref.astype(int), minlength=5) / len(ref)
    c = np.bincount(cur.astype(int), minlength=5) / len(cur)
    assert result.method == "jensenshannon"
    assert result.distance == pytest.approx(jensenshannon(r, c))


# --- simulated covariate shift ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reference_rows", "current_rows", "method"), [(5000, 1000, "wasserstein"), (500, 500, "ks")])
def test_covariate_shift_of_one_std_is_detected_and_no_shift_is_not(reference_rows, current_rows, method):
    shifted = {"f0", "f2", "f4"}
    for i in range(6):
        name = f"f{i}"
        column = profile_column_from_values(name, _normal(100 + i, reference_rows), "numeric")
        moved = column_drift(column, _normal(200 + i, current_rows, 1.0 if name in shifted else 0.0))
        steady = column_drift(column, _normal(300 + i, current_rows))
        assert moved.method == steady.method == method
        assert moved.drifted is (name in shifted)
        assert steady.drifted is False and steady.severity != "drift"


def test_shifted_categorical_is_detected_with_jensenshannon():
    rng = np.random.default_rng(11)
    column = profile_column_from_values("c", rng.choice(list("abcd"), 5000, p=[0.4, 0.3, 0.2, 0.1]), "categorical")
    moved = column_drift(column, rng.choice(list("abcd"), 1000, p=[0.1, 0.2, 0.3, 0.4]))
    steady = column_drift(column, rng.choice(list("abcd"), 1000, p=[0.4, 0.3, 0.2, 0.1]))
    assert moved.method == "jensenshannon" and moved.drifted
    assert not steady.drifted


# --- small samples, severity, rates --------------------------------------------------------------------------------


def test_too_few_current_rows_are_insufficient_not_drift():
    column = profile_column_from_values("x", _normal(12, 2000), "numeric")
    result = column_drift(column, _normal(13, 29, 5.0))
    assert result.insufficient_data is True
    assert (result.drifted, result.severity, result.method, result.statistic) == (False, "none", None, None)
    assert "29" in result.reason
    assert column_drift(column, _normal(13, 30, 5.0)).drifted is True


def test_minimum_rows_is_configurable_and_missing_values_do_not_count():
    column = profile_column_from_values("x", _normal(14, 2000), "numeric")
    values = [*_normal(15, 25, 3.0), None, np.nan, None, np.inf, None]
    result = column_drift(column, values)
    assert result.insufficient_data and result.current_count == 25
    assert result.missing_rate == pytest.approx(5 / 30)
    assert column_drift(column, values, min_rows=20).drifted is True


def test_too_few_reference_rows_are_insufficient():
    column = profile_column_from_values("x", _normal(16, 10), "numeric")
    result = column_drift(column, _normal(17, 100))
    assert result.insufficient_data and result.reason.startswith("reference")


def test_datetime_columns_are_skipped_with_a_reason():
    column = profile_column_from_values("t", ["2024-01-01", "2024-02-01"] * 50, "datetime")
    result = column_drift(column, ["2024-03-01"] * 50)
    assert result.reason == "no drift method for datetime columns"
    assert result.insufficient_data is False and result.drifted is False


def test_severity_possible_between_threshold_and_twice_the_threshold():
    column = profile_column_from_values("x", _normal(18, 800), "numeric")
    base = column_drift(column, _normal(19, 300, 0.15))
    assert base.method == "ks"
    p = base.p_value
    assert column_drift(column, _normal(19, 300, 0.15), threshold=p / 1.5).severity == "possible"
    assert column_drift(column, _normal(19, 300, 0.15), threshold=p / 2.5).severity == "none"
    assert column_drift(column, _normal(19, 300, 0.15), threshold=p).severity == "drift"


def test_severity_possible_between_half_and_full_distance_threshold():
    column = profile_column_from_values("x", _normal(20, 3000), "numeric")
    distance = column_drift(column, _normal(21, 1000, 0.3)).distance
    levels = [column_drift(column, _normal(21, 1000, 0.3), threshold=distance * k).severity for k in (0.9, 1.5, 2.5)]
    assert levels == ["drift", "possible", "none"]


def test_out_of_range_rate_numeric_and_unseen_rate_categorical():
    column = profile_column_from_values("x", np.linspace(0, 10, 1000), "numeric")
    assert column_drift(column, np.r_[np.full(90, 5.0), np.full(6, -1.0), np.full(4, 11.0)]).out_of_range_rate == 0.1
    cat = profile_column_from_values("c", ["a", "b"] * 500, "categorical")
    result = column_drift(cat, ["a"] * 70 + ["z"] * 20 + ["y"] * 10)
    assert result.out_of_range_rate == pytest.approx(0.3)
    assert result.method == "chisquare" and result.p_value == 0.0  # unseen categories, as in Evidently


def test_current_values_match_the_reference_spelling():
    ints = profile_column_from_values("k", [0, 1, 2] * 100, "categorical")
    assert column_drift(ints, [0.0, 1.0, 2.0] * 20).out_of_range_rate == 0.0
    flags = profile_column_from_values("b", [True, False] * 100, "boolean")
    result = column_drift(flags, ["true", "false", 1, 0, True, False] * 10)
    assert result.out_of_range_rate == 0.0 and result.method == "z" and not result.drifted


def test_unknown_or_inapplicable_methods_raise():
    column = profile_column_from_values("c", ["a", "b", "c"] * 100, "categorical")
    with pytest.raises(ValueError, match="numeric columns only"):
        column_drift(column, ["a"] * 50, method="ks")
    with pytest.raises(ValueError, match="unknown drift method"):
        column_drift(column, ["a"] * 50, method="kl")


# --- sketched inputs (the scheduled path) -------------------------------------------------------------------------


def _sketched(column, values, minutes=10):
    return merge_current(*(sketch_current(column, chunk) for chunk in np.array_split(np.asarray(values), minutes)))


@pytest.mark.parametrize("shift", [0.0, 0.25, 1.0])
def test_sketched_numeric_agrees_with_raw_on_jensenshannon_and_psi(shift):
    column = profile_column_from_values("x", _normal(30, 5000), "numeric")
    current = _normal(31, 20_000, shift)
    sketch = _sketched(column, current)
    for method, tolerance in (("jensenshannon", 0.02), ("psi", 0.02)):
        raw = column_drift(column, current, method=method).distance
        sketched = column_drift_sketched(column, sketch, method=method).distance
        assert sketched == pytest.approx(raw, abs=tolerance + 0.05 * raw)


@pytest.mark.parametrize("shift", [0.0, 0.3, 1.0])
def test_sketched_wasserstein_approximates_raw_within_the_rank_error(shift):
    column = profile_column_from_values("x", _normal(32, 5000), "numeric")
    current = _normal(33, 5000, shift)
    raw = column_drift(column, current)
    sketched = column_drift_sketched(column, _sketched(column, current))
    assert raw.method == sketched.method == "wasserstein"
    assert sketched.rank_error == pytest.approx(0.0019 + 0.0086, abs=2e-4)
    assert sketched.distance == pytest.approx(raw.distance, abs=0.01)
    assert sketched.drifted is raw.drifted


def test_sketched_categorical_equals_raw():
    rng = np.random.default_rng(34)
    column = profile_column_from_values("c", rng.choice(list("abcde"), 3000), "categorical")
    current = rng.choice(list("abcdefg"), 900, p=[0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1])
    sketch = _sketched(column, current)
    assert sketch["counts"]["f"] + sketch["counts"]["g"] == np.isin(current, ["f", "g"]).sum()
    for method in ("jensenshannon", "hellinger", "chisquare", "z"):
        raw, sketched = (
            column_drift(column, current, method=method),
            column_drift_sketched(column, sketch, method=method),
        )
        assert sketched.statistic == pytest.approx(raw.statistic)
    assert column_drift_sketched(column, sketch).out_of_range_rate == column_drift(column, current).out_of_range_rate


def test_ks_on_sketches_is_ks_never_another_method():
    column = profile_column_from_values("x", _normal(35, 800), "numeric")
    current = _normal(36, 20_000, 0.05)
    sketch = _sketched(column, current, minutes=20)
    for method in (None, "ks"):
        result = column_drift_sketched(column, sketch, method=method, threshold=0.01)
        assert (result.method, result.threshold, result.note) == ("ks", 0.01, None)
        raw = column_drift(column, current, method="ks", threshold=0.01)
        assert abs(result.statistic - raw.statistic) <= result.rank_error
        assert result.drifted is raw.drifted


def test_ks_on_exact_sketches_equals_scipy():
    ref, cur = _normal(45, 900), _normal(46, 390, 0.12)
    column = profile_column_from_values("x", ref, "numeric")
    sketched = column_drift_sketched(column, _sketched(column, cur, minutes=3))
    expected = stats.ks_2samp(ref, cur)
    assert (sketched.method, sketched.rank_error) == ("ks", 0.0)
    assert sketched.statistic == pytest.approx(expected.statistic) and sketched.p_value == pytest.approx(
        expected.pvalue
    )


def test_column_drift_takes_a_mapping_as_a_current_sketch():
    column = profile_column_from_values("x", _normal(37, 3000), "numeric")
    sketch = _sketched(column, _normal(38, 1000))
    assert column_drift(column, sketch) == column_drift_sketched(column, sketch)


def test_sketched_rates_and_too_few_rows():
    column = profile_column_from_values("x", np.linspace(0, 10, 2000), "numeric")
    sketch = sketch_current(column, [*np.full(18, 5.0), -3.0, 12.0, None, None])
    result = column_drift_sketched(column, sketch)
    assert (result.current_count, result.insufficient_data) == (20, True)
    assert result.missing_rate == pytest.approx(2 / 22) and result.out_of_range_rate == pytest.approx(0.1)


def test_merge_current_equals_sketching_everything_at_once_while_exact():
    column = profile_column_from_values("x", _normal(39, 2000), "numeric")
    values = np.round(_normal(40, 300, 0.5), 2)
    merged = merge_current(*(sketch_current(column, chunk) for chunk in np.array_split(values, 3)))
    whole = sketch_current(column, values)
    assert merged["n"] == whole["n"] == 300 and merged["value_counts"] is None  # more than 100 distinct values
    assert column_drift_sketched(column, merged) == column_drift_sketched(column, whole)
    cat = profile_column_from_values("c", list("aabbc") * 40, "categorical")
    parts = [sketch_current(cat, list("abz")), sketch_current(cat, list("aby"))]
    merged_cat = merge_current(*parts)
    assert merged_cat["counts"] == {"a": 2, "b": 2, "z": 1, "y": 1} and merged_cat["missing"] == 0


def test_pack_round_trips_column_sketches():
    column = profile_column_from_values("x", _normal(43, 500), "numeric")
    cat = profile_column_from_values("c", list("abc") * 20, "categorical")
    sketches = {"x": sketch_current(column, _normal(44, 50)), "c": sketch_current(cat, list("abd"))}
    assert unpack(pack(sketches)) == sketches


def test_a_sketch_of_the_wrong_kind_is_refused():
    column = profile_column_from_values("x", _normal(41, 2000), "numeric")
    cat = profile_column_from_values("c", list("abc") * 20, "categorical")
    with pytest.raises(ValueError, match="numeric"):
        column_drift_sketched(column, sketch_current(cat, list("abc") * 20))


def test_a_profile_stored_before_sketches_is_still_evaluated_from_its_sample():
    ref = _normal(47, 8000)
    column = {k: v for k, v in profile_column_from_values("x", ref, "numeric").items() if k != "sketch"}
    column["sample"] = list(np.random.default_rng(0).choice(ref, 5000, replace=False))
    current = _normal(48, 2000, 0.5)
    for result in (column_drift(column, current), column_drift_sketched(column, _sketched(column, current))):
        assert (result.method, result.drifted) == ("wasserstein", True)
        assert "predates sketches" in result.note and result.rank_error > 0.02


def test_a_large_reference_is_represented_by_all_its_rows():
    ref = np.random.default_rng(49).lognormal(0.0, 1.0, 20_000)
    cur = np.random.default_rng(50).lognormal(0.05, 1.0, 3000)
    column = profile_column_from_values("x", ref, "numeric")
    result = column_drift(column, cur)
    expected = stats.wasserstein_distance(ref, cur) / np.std(ref)
    assert result.method == "wasserstein" and "sample" not in column
    assert result.distance == pytest.approx(expected, abs=0.005)


# --- prediction drift ---------------------------------------------------------------------------------------------


def test_prediction_drift_on_classes_and_regression_outputs():
    rng = np.random.default_rng(42)
    classes = profile_column_from_values("prediction", rng.choice([0, 1, 2], 3000, p=[0.6, 0.3, 0.1]), "categorical")
    shifted = prediction_drift(classes, rng.choice([0, 1, 2], 800, p=[0.3, 0.3, 0.4]))
    assert shifted.method == "jensenshannon" and shifted.drifted
    regression = profile_column_from_values("prediction", rng.normal(10, 2, 3000), "numeric")
    steady = prediction_drift({"columns": [regression]}, rng.normal(10, 2, 800))
    assert steady.method == "wasserstein" and not steady.drifted
