"""Holdout evaluation, permutation importance, signature, preprocessing by column kind and acceptance criteria."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics
from sklearn.datasets import load_diabetes, load_wine, make_classification
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from training.trainers import TrainingSpec, build_pipeline, check_criteria, make_estimator, train
from training.trainers.evaluate import MAX_CURVE_POINTS, downsample, evaluate, permutation_importances


@pytest.fixture(autouse=True, scope="module")
def _one_native_thread():
    """OpenMP/BLAS in this process on one thread: on a busy small machine, thread contention dominates tiny fits."""
    with threadpool_limits(limits=1):
        yield


def _fitted(frame, target, estimator, task_type, seed=0):
    features = [name for name in frame.columns if name != target]
    kinds = dict.fromkeys(features, "numeric")
    X_train, X_test, y_train, y_test = train_test_split(
        frame[features], frame[target].to_numpy(), test_size=0.3, random_state=seed
    )
    pipeline = build_pipeline(features, kinds, make_estimator(estimator, task_type, seed=seed))
    return pipeline.fit(X_train, y_train), X_test, y_test


def _assert_plain_json(value):
    """Only dict/list/str/int/float/bool/None, no NaN or infinity, anywhere."""
    if isinstance(value, dict):
        assert all(isinstance(key, str) for key in value)
        for item in value.values():
            _assert_plain_json(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain_json(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), type(value)
        assert not isinstance(value, float) or math.isfinite(value)


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=1500, n_features=6, n_informative=3, flip_y=0.2, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)]).assign(label=np.where(y == 1, "yes", "no"))
    return _fitted(frame, "label", "logistic_regression", "classification")


def test_evaluate_binary_metrics_match_sklearn(binary):
    model, X, y = binary
    result = evaluate(model, X, y, task_type="classification")
    predicted, proba = model.predict(X), model.predict_proba(X)
    expected = {
        "accuracy": metrics.accuracy_score(y, predicted),
        "balanced_accuracy": metrics.balanced_accuracy_score(y, predicted),
        "precision_macro": metrics.precision_score(y, predicted, average="macro"),
        "recall_weighted": metrics.recall_score(y, predicted, average="weighted"),
        "f1_macro": metrics.f1_score(y, predicted, average="macro"),
        "f1_weighted": metrics.f1_score(y, predicted, average="weighted"),
        "roc_auc": metrics.roc_auc_score(y, proba[:, 1]),  # "yes" sorts last: the positive class
        "log_loss": metrics.log_loss(y, proba),
    }
    for name, value in expected.items():
        assert result.metrics[name] == pytest.approx(value, abs=1e-12), name
    assert result.details["confusion_matrix"]["matrix"] == metrics.confusion_matrix(y, predicted).tolist()
    assert result.details["confusion_matrix"]["labels"] == ["no", "yes"]


def test_evaluate_binary_curves_are_short_and_for_the_positive_class(binary):
    model, X, y = binary
    details = evaluate(model, X, y, task_type="classification").details
    (roc,) = details["roc_curves"]
    (pr,) = details["pr_curves"]
    assert roc["label"] == "yes" and pr["label"] == "yes"
    fpr, tpr, _ = metrics.roc_curve(y, model.predict_proba(X)[:, 1], pos_label="yes")
    assert len(fpr) > MAX_CURVE_POINTS >= len(roc["fpr"]) == len(roc["tpr"]) == len(roc["thresholds"])
    assert (roc["fpr"][0], roc["fpr"][-1]) == (fpr[0], fpr[-1])
    assert roc["thresholds"][0] is None  # sklearn's first threshold is infinite
    assert roc["auc"] == pytest.approx(metrics.auc(fpr, tpr))
    assert len(pr["precision"]) == len(pr["recall"]) == len(pr["thresholds"]) <= MAX_CURVE_POINTS
    assert len(details["calibration"]["prob_true"]) == len(details["calibration"]["prob_pred"]) <= 10
    _assert_plain_json(details)


def test_evaluate_multiclass_uses_one_vs_rest():
    model, X, y = _fitted(load_wine(as_frame=True).frame, "target", "logistic_regression", "classification")
    result = evaluate(model, X, y, task_type="classification")
    proba = model.predict_proba(X)
    assert result.metrics["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, proba, multi_class="ovr"))
    assert result.metrics["log_loss"] == pytest.approx(metrics.log_loss(y, proba))
    assert [curve["label"] for curve in result.details["roc_curves"]] == [0, 1, 2]
    assert "calibration" not in result.details
    assert np.array(result.details["confusion_matrix"]["matrix"]).sum() == len(y)


def test_evaluate_regression_metrics_match_sklearn():
    model, X, y = _fitted(load_diabetes(as_frame=True).frame, "target", "ridge", "regression")
    result = evaluate(model, X, y, task_type="regression")
    predicted = model.predict(X)
    assert result.metrics["mae"] == pytest.approx(metrics.mean_absolute_error(y, predicted))
    assert result.metrics["rmse"] == pytest.approx(metrics.root_mean_squared_error(y, predicted))
    assert result.metrics["r2"] == pytest.approx(metrics.r2_score(y, predicted))
    assert result.metrics["mape"] == pytest.approx(metrics.mean_absolute_percentage_error(y, predicted))
    residuals = result.details["residuals"]
    assert residuals["mean"] == pytest.approx(np.mean(y - predicted))
    assert residuals["q50"] == pytest.approx(np.median(y - predicted))
    assert residuals["min"] <= residuals["q05"] <= residuals["q95"] <= residuals["max"]


def test_evaluate_gives_none_for_a_metric_the_holdout_cannot_support(binary):
    model, X, y = binary
    only_yes = y == "yes"
    result = evaluate(model, X[only_yes], y[only_yes], task_type="classification")
    assert result.metrics["roc_auc"] is None
    assert result.details["roc_curves"] == [] and result.details["calibration"] is None


def test_downsample_keeps_the_ends_and_the_limit():
    assert list(downsample(5)) == [0, 1, 2, 3, 4]
    kept = downsample(10_000)
    assert len(kept) <= MAX_CURVE_POINTS and kept[0] == 0 and kept[-1] == 9_999


def test_permutation_importance_is_sorted_seeded_and_per_input_feature(binary):
    model, X, y = binary
    first = permutation_importances(model, X, y, scoring="f1_macro", seed=1, n_repeats=3)
    assert first == permutation_importances(model, X, y, scoring="f1_macro", seed=1, n_repeats=3)
    assert sorted(row["feature"] for row in first) == sorted(X.columns)
    means = [row["mean"] for row in first]
    assert means == sorted(means, reverse=True)


def _mixed_frame(n_rows=600, seed=0):
    """A frame whose label depends on a categorical column, with missing values of every kind."""
    rng = np.random.default_rng(seed)
    colour = rng.choice(["red", "green", "blue"], n_rows)
    size = rng.normal(size=n_rows)
    label = np.where((colour == "red") | ((colour == "green") & (size > 0)), "buy", "skip")
    frame = pd.DataFrame(
        {
            "colour": colour,
            "size": size,
            "rooms": rng.integers(1, 6, n_rows),
            "store": rng.choice([1.0, 2.0, 3.0], n_rows),  # integer codes held as floats
            "member": rng.choice([True, False], n_rows),
            "note": rng.choice(["a", "b", "c", "d"], n_rows),
            "seen": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24, n_rows), unit="h"),
            "label": label,
        }
    )
    frame.loc[::17, "colour"] = None
    frame.loc[::13, "size"] = np.nan
    frame.loc[::11, "store"] = np.nan
    frame.loc[::19, "seen"] = pd.NaT
    return frame


MIXED_KINDS = {
    "colour": "categorical",
    "size": "numeric",
    "rooms": "integer",
    "store": "categorical",
    "member": "boolean",
    "note": "text",
    "seen": "datetime",
}


def _mixed_spec(**overrides) -> TrainingSpec:
    values = {
        "target": "label",
        "features": list(MIXED_KINDS),
        "estimator": "logistic_regression",
        "cv_folds": 3,
        "n_jobs": 1,
        "column_kinds": MIXED_KINDS,
        **overrides,
    }
    return TrainingSpec(**values)


@pytest.fixture(scope="module")
def mixed_result():
    return train(_mixed_frame(), _mixed_spec(), task_type="classification")


def test_train_encodes_categorical_columns(mixed_result):
    assert mixed_result.holdout_metrics["accuracy"] > 0.8  # only reachable through the colour column
    top = mixed_result.permutation_importance[0]["feature"]
    assert top in ("colour", "size")
    names = list(mixed_result.pipeline[:-1].get_feature_names_out())
    assert "categorical__colour_red" in names and "categorical__store_2" in names
    assert "datetime__seen_month" in names and "boolean__member_True" in names


def test_train_pipeline_handles_unknown_categories_and_missing_values(mixed_result):
    row = {name: None for name in MIXED_KINDS} | {"colour": "purple", "note": "never seen"}
    proba = mixed_result.pipeline.predict_proba(pd.DataFrame([row]))
    assert proba.shape == (1, 2) and np.isfinite(proba).all()


def test_train_ordinal_encoding_override(mixed_result):
    preprocessing = {"categorical": {"encoder": "ordinal"}, "numeric": {"scaler": "none"}}
    spec = _mixed_spec(estimator="random_forest", params={"n_estimators": 20}, preprocessing=preprocessing)
    result = train(_mixed_frame(), spec, task_type="classification")
    assert "categorical__colour" in list(result.pipeline[:-1].get_feature_names_out())
    assert result.holdout_metrics["accuracy"] > 0.8


def test_train_signature_describes_inputs_and_output(mixed_result):
    signature = {entry["name"]: entry for entry in mixed_result.signature["inputs"]}
    assert list(signature) == list(MIXED_KINDS)
    assert signature["colour"]["categories"] == ["blue", "green", "red"] and signature["colour"]["nullable"]
    assert signature["member"]["categories"] == [False, True]
    assert signature["store"]["categories"] == [1.0, 2.0, 3.0]
    assert signature["size"]["kind"] == "numeric" and signature["size"]["min"] < 0 < signature["size"]["max"]
    assert isinstance(signature["rooms"]["min"], int) and not signature["rooms"]["nullable"]
    assert signature["seen"]["min"].startswith("2024-01") and "categories" not in signature["note"]
    assert mixed_result.signature["output"] == {
        "name": "label", "dtype": "str", "task_type": "classification", "prediction": "label",
        "classes": ["buy", "skip"], "probabilities": True,
    }  # fmt: skip


def test_train_result_is_plain_json(mixed_result):
    data = mixed_result.to_dict()
    assert "pipeline" not in data
    _assert_plain_json(data)
    json.dumps(data, allow_nan=False)
    assert len(mixed_result.input_example) == 5
    assert set(mixed_result.input_example[0]) == set(MIXED_KINDS)
    assert set(mixed_result.versions) >= {"python", "sklearn", "numpy", "pandas"}
    assert mixed_result.data_summary == {"n_rows": 600, "n_train": 480, "n_holdout": 120, "n_dropped": 0}
    assert mixed_result.timings["total"] >= mixed_result.timings["search"] > 0


def test_train_drops_rows_without_a_target():
    frame = _mixed_frame()
    frame.loc[:9, "label"] = None
    result = train(frame, _mixed_spec(), task_type="classification")
    assert result.data_summary["n_dropped"] == 10 and result.data_summary["n_rows"] == 590


def test_check_criteria_passes_and_fails():
    metrics_ = {"f1_macro": 0.93, "roc_auc": None, "rmse": 12.0}
    result = check_criteria(
        metrics_,
        [
            {"metric": "f1_macro", "op": ">=", "threshold": 0.9},
            {"metric": "rmse", "op": "<", "threshold": 10},
        ],
    )
    assert result["passed"] is False
    assert [item["passed"] for item in result["results"]] == [True, False]
    assert result["results"][0] == {"metric": "f1_macro", "op": ">=", "threshold": 0.9, "value": 0.93, "passed": True}
    assert check_criteria(metrics_, [{"metric": "f1_macro", "op": ">", "threshold": 0.5}])["passed"] is True
    assert check_criteria(metrics_, [])["passed"] is True


@pytest.mark.parametrize(
    ("criterion", "reason"),
    [
        ({"metric": "accuracy", "op": ">=", "threshold": 0.5}, "not computed"),
        ({"metric": "roc_auc", "op": ">=", "threshold": 0.5}, "no value"),
        ({"metric": "f1_macro", "op": "~", "threshold": 0.5}, "unknown operator"),
        ({"metric": "f1_macro", "op": ">=", "threshold": "high"}, "not a number"),
    ],
)
def test_check_criteria_fails_with_a_reason(criterion, reason):
    result = check_criteria({"f1_macro": 0.93, "roc_auc": None}, [criterion])
    assert result["passed"] is False
    assert reason in result["results"][0]["reason"]
