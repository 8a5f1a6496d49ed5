"""dataset_drift (share, corrections, importance) and compute_report (options, JSON safety)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from monitoring.drift import (
    ColumnDrift,
    ColumnOptions,
    DriftOptions,
    adjust_p_values,
    compute_report,
    dataset_drift,
    profile_column_from_values,
)


def _column(name: str, *, p: float | None = None, distance: float | None = None, reason: str | None = None):
    method = "ks" if p is not None else "wasserstein"
    threshold = 0.05 if p is not None else 0.1
    drifted = reason is None and (p <= 0.05 if p is not None else (distance or 0.0) >= 0.1)
    return ColumnDrift(
        name=name,
        kind="numeric",
        method=None if reason else method,
        statistic=p if p is not None else distance,
        p_value=p,
        distance=distance,
        threshold=threshold,
        drifted=drifted,
        severity="drift" if drifted else "none",
        current_count=0 if reason else 500,
        reference_count=1000,
        missing_rate=0.0,
        out_of_range_rate=0.0,
        insufficient_data=reason is not None,
        reason=reason,
    )


COLUMNS = [
    _column("a", p=0.001),
    _column("b", p=0.02),
    _column("c", p=0.04),
    _column("d", p=0.3),
    _column("e", distance=0.25),
    _column("f", reason="current has 3 non-null values, fewer than 30"),
]


def test_dataset_share_excludes_and_counts_insufficient_columns():
    verdict = dataset_drift(COLUMNS)
    assert (verdict.n_columns, verdict.n_drifted, verdict.share_drifted) == (5, 4, 0.8)
    assert verdict.drifted is True and verdict.drifted_columns == ["a", "b", "c", "e"]
    assert (verdict.n_skipped, verdict.n_insufficient, verdict.skipped_columns) == (1, 1, ["f"])
    assert verdict.corrected_drifted is None and verdict.weighted_share_drifted is None


def test_dataset_share_threshold_is_inclusive():
    assert dataset_drift(COLUMNS, share_threshold=0.8).drifted is True
    assert dataset_drift(COLUMNS, share_threshold=0.81).drifted is False


def test_bonferroni_keeps_only_columns_below_alpha_over_m():
    verdict = dataset_drift(COLUMNS, correction="bonferroni")
    assert verdict.adjusted_p_values == pytest.approx({"a": 0.004, "b": 0.08, "c": 0.16, "d": 1.0})
    assert verdict.significant_columns == ["a"]
    assert (verdict.corrected_n_drifted, verdict.corrected_share_drifted) == (2, 0.4)  # a + the distance column e
    assert verdict.corrected_drifted is False and verdict.drifted is True


def test_benjamini_hochberg_uses_scipy_false_discovery_control():
    verdict = dataset_drift(COLUMNS, correction="bh")
    expected = stats.false_discovery_control([0.001, 0.02, 0.04, 0.3], method="bh")
    assert list(verdict.adjusted_p_values.values()) == pytest.approx(list(expected))
    assert verdict.significant_columns == ["a", "b"]
    assert (verdict.corrected_n_drifted, verdict.corrected_drifted) == (3, True)


def test_adjust_p_values_rejects_unknown_corrections():
    with pytest.raises(ValueError):
        adjust_p_values([0.1], "holm")  # type: ignore[arg-type]


def test_importance_weighted_share_with_its_own_verdict():
    importance = {"a": 0.05, "b": 0.05, "c": 0.05, "d": 0.7, "e": 0.15}  # f is skipped; missing names weigh 0
    verdict = dataset_drift(COLUMNS, importance=importance)
    assert verdict.weighted_share_drifted == pytest.approx(0.3)
    assert verdict.weighted_drifted is False and verdict.drifted is True
    corrected = dataset_drift(COLUMNS, importance={"a": 3.0, "b": 1.0}, correction="bonferroni")
    assert corrected.weighted_share_drifted == pytest.approx(0.75)  # b is no longer significant
    with pytest.raises(ValueError):
        dataset_drift(COLUMNS, importance={"a": -1.0})


def test_no_evaluated_columns_is_not_drift():
    verdict = dataset_drift([COLUMNS[-1]], correction="bh", importance={"f": 1.0})
    assert (verdict.n_columns, verdict.share_drifted, verdict.drifted) == (0, 0.0, False)
    assert verdict.weighted_share_drifted is None


# --- compute_report -----------------------------------------------------------------------------------------------


def _profile_and_current(seed: int = 50):
    rng = np.random.default_rng(seed)
    reference = {
        "age": rng.normal(40, 10, 3000),
        "income": rng.lognormal(10, 1, 3000),
        "city": rng.choice(["paris", "lyon", "nice"], 3000),
        "churned": rng.choice([True, False], 3000),
        "signup": ["2024-01-01"] * 3000,
    }
    kinds = {"age": "numeric", "income": "numeric", "city": "categorical", "churned": "boolean", "signup": "datetime"}
    profile = {"columns": [profile_column_from_values(n, v, kinds[n]) for n, v in reference.items()]}
    current = {
        "age": rng.normal(50, 10, 800),
        "income": rng.lognormal(10, 1, 800),
        "city": rng.choice(["paris", "lyon", "nice", "lille"], 800),
        "churned": [None] * 10,
    }
    return profile, current


def test_compute_report_applies_per_column_and_global_options():
    profile, current = _profile_and_current()
    options = DriftOptions(
        columns={"age": ColumnOptions(method="psi", threshold=0.2), "city": ColumnOptions(threshold=0.5)},
        method="hellinger",
        correction="bh",
        importance={"age": 2.0, "income": 1.0},
    )
    report = compute_report(profile, current, options)
    by_name = {c["name"]: c for c in report["columns"]}
    assert (by_name["age"]["method"], by_name["age"]["threshold"], by_name["age"]["drifted"]) == ("psi", 0.2, True)
    assert (by_name["city"]["method"], by_name["city"]["threshold"]) == ("hellinger", 0.5)
    assert by_name["income"]["method"] == "hellinger" and not by_name["income"]["drifted"]
    assert by_name["churned"]["insufficient_data"] and by_name["churned"]["missing_rate"] == 1.0
    assert by_name["signup"]["reason"] == "no drift method for datetime columns"
    dataset = report["dataset"]
    assert (dataset["n_columns"], dataset["n_skipped"], dataset["n_insufficient"]) == (3, 2, 1)
    assert dataset["weighted_share_drifted"] == pytest.approx(2 / 3)


def test_compute_report_defaults_missing_columns_and_exclusions():
    profile, current = _profile_and_current()
    del current["income"]
    report = compute_report(profile, current, DriftOptions(exclude=["signup"]))
    by_name = {c["name"]: c for c in report["columns"]}
    assert "signup" not in by_name
    assert by_name["income"]["reason"] == "column is missing from the current data"
    assert by_name["age"]["method"] == "wasserstein" and by_name["age"]["drifted"]
    assert by_name["city"]["method"] == "jensenshannon"
    with pytest.raises(ValueError, match="not in the profile"):
        compute_report(profile, current, DriftOptions(columns={"agee": ColumnOptions(method="psi")}))


def test_drift_options_from_dict():
    options = DriftOptions.from_dict({"columns": {"age": {"method": "psi"}}, "share_threshold": 0.3, "min_rows": 5})
    assert options.for_column("age", "numeric") == ColumnOptions(method="psi", threshold=None)
    assert (options.share_threshold, options.min_rows) == (0.3, 5)
    with pytest.raises(ValueError, match="unknown drift options"):
        DriftOptions.from_dict({"treshold": 0.1})


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_kind_methods_apply_below_column_overrides():
    profile, current = _profile_and_current()
    options = DriftOptions(
        numeric_method="ks", categorical_method="psi", method="hellinger", columns={"income": ColumnOptions("z")}
    )
    methods = {c["name"]: c["method"] for c in compute_report(profile, current, options)["columns"]}
    assert (methods["age"], methods["income"], methods["city"]) == ("ks", "z", "psi")


def test_compute_report_is_json_safe():
    profile, current = _profile_and_current()
    current["city"] = ["paris"] * 40 + ["berlin"] * 40  # unseen category: infinite chi-square statistic
    report = compute_report(profile, current, DriftOptions(columns={"city": ColumnOptions(method="chisquare")}))
    json.dumps(report, allow_nan=False)
    assert _plain(report)
    city = next(c for c in report["columns"] if c["name"] == "city")
    assert city["statistic"] is None and city["p_value"] == 0.0 and city["drifted"] is True
