"""ONNX export: parity with scikit-learn for pipelines from the real trainer, refusals, prediction. No database."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from threadpoolctl import threadpool_limits

from registry.exports.onnx import (
    SIGNATURE_KEY,
    STRING_KINDS,
    OnnxExportError,
    OnnxInputError,
    category_text,
    convert_to_onnx,
    onnx_parity,
    onnx_predict,
)
from training.trainers import infer_kinds, train, validate_spec
from training.trainers.pipeline import CATEGORICAL_KINDS, to_category_strings


@pytest.fixture(autouse=True, scope="module")
def _one_native_thread():
    with threadpool_limits(limits=1):
        yield


def _train(frame: pd.DataFrame, task_type: str, raw: dict, kinds: dict | None = None):
    roles = {name: "target" if name == "target" else "feature" for name in frame.columns}
    counts = frame["target"].value_counts().to_dict() if task_type == "classification" else None
    spec, errors = validate_spec(
        {"cv_folds": 2, "n_jobs": 1, **raw},
        task_type=task_type,
        columns=infer_kinds(frame) | (kinds or {}),
        roles=roles,
        n_rows=len(frame),
        class_counts=counts,
    )
    assert errors == []
    return train(frame, spec, task_type=task_type)


def _cancer() -> pd.DataFrame:
    """Eight breast cancer features, a colour, store codes held as floats, a boolean, an integer, a text; gaps."""
    frame = load_breast_cancer(as_frame=True).frame
    frame = frame[[*frame.columns[:8], "target"]].copy()
    rng = np.random.default_rng(0)
    benign = rng.choice(["red", "blue"], len(frame))
    frame["colour"] = np.where(frame["target"] == 1, benign, rng.choice(["green", "blue", "red"], len(frame)))
    frame["store"] = rng.choice([1.0, 2.0, 3.0], len(frame))
    frame["member"] = rng.choice([True, False], len(frame))
    frame["rooms"] = rng.integers(1, 6, len(frame))
    frame["note"] = rng.choice(["a", "b", "c"], len(frame))
    frame.loc[::17, "colour"] = None
    frame.loc[::11, "store"] = np.nan
    frame.loc[::13, "mean radius"] = np.nan
    return frame


CANCER_KINDS = {"store": "categorical", "note": "text"}


def _diabetes() -> pd.DataFrame:
    frame = load_diabetes(as_frame=True).frame
    return frame.assign(sex=np.where(frame["sex"] > 0, "m", "f"))


@pytest.fixture(scope="module")
def logistic():
    return _train(_cancer(), "classification", {"estimator": "logistic_regression"}, CANCER_KINDS)


@pytest.fixture(scope="module")
def logistic_onnx(logistic):
    return convert_to_onnx(logistic.pipeline, logistic.signature)


def test_convert_logistic_regression_matches_sklearn(logistic, logistic_onnx):
    report = onnx_parity(logistic.pipeline, logistic_onnx, _cancer(), logistic.signature)
    assert report["passed"], report["detail"]
    assert report["n_rows"] == 569 and report["label_agreement"] == 1.0
    assert report["max_abs_diff"] < 1e-5 and report["atol"] == 1e-4
    json.dumps(report, allow_nan=False)
    empty = onnx_parity(logistic.pipeline, logistic_onnx, _cancer().head(0), logistic.signature)
    assert not empty["passed"] and empty["n_rows"] == 0 and empty["detail"] == "no rows to compare"


def test_convert_decision_tree_multiclass_matches_sklearn():
    frame = load_wine(as_frame=True).frame
    result = _train(frame, "classification", {"estimator": "decision_tree"})
    report = onnx_parity(result.pipeline, convert_to_onnx(result.pipeline, result.signature), frame, result.signature)
    assert report["passed"], report["detail"]
    assert report["label_agreement"] == 1.0 and report["max_abs_diff"] == 0.0


def test_convert_random_forest_labels_agree_and_probabilities_within_one_tree_vote():
    """A few rows sit within a float32 rounding of a split, so one of the 20 trees may vote the other way there."""
    frame = _cancer()
    raw = {"estimator": "random_forest", "params": {"n_estimators": 20}}
    result = _train(frame, "classification", raw, CANCER_KINDS)
    onnx_bytes = convert_to_onnx(result.pipeline, result.signature)
    report = onnx_parity(result.pipeline, onnx_bytes, frame, result.signature, atol=1 / 20 + 1e-6)
    assert report["passed"], report["detail"]
    assert report["label_agreement"] == 1.0


def test_convert_ridge_with_one_hot_matches_sklearn():
    frame = _diabetes()
    result = _train(frame, "regression", {"estimator": "ridge"})
    assert any(name.startswith("categorical__sex_") for name in result.pipeline[:-1].get_feature_names_out())
    report = onnx_parity(result.pipeline, convert_to_onnx(result.pipeline, result.signature), frame, result.signature)
    assert report["passed"], report["detail"]
    assert report["label_agreement"] is None
    assert report["max_abs_diff"] < 1e-3 and report["max_rel_diff"] < 1e-5


def test_parity_reports_float32_split_flips_of_a_forest_regressor():
    """float32 inputs move some diabetes rows across split thresholds: the report says so instead of passing."""
    frame = _diabetes()
    result = _train(frame, "regression", {"estimator": "random_forest", "params": {"n_estimators": 20}})
    report = onnx_parity(result.pipeline, convert_to_onnx(result.pipeline, result.signature), frame, result.signature)
    assert not report["passed"]
    assert report["max_abs_diff"] > 1.0 and "max |difference|" in report["detail"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"estimator": "knn", "params": {"metric": "chebyshev"}}, "metric='chebyshev' is not implemented"),
        (
            {"estimator": "logistic_regression", "preprocessing": {"categorical": {"max_categories": 2}}},
            "Infrequent categories are not implemented",
        ),
    ],
)
def test_convert_refuses_pipelines_skl2onnx_cannot_convert(raw, reason):
    result = _train(_cancer(), "classification", raw, CANCER_KINDS)
    with pytest.raises(OnnxExportError) as caught:
        convert_to_onnx(result.pipeline, result.signature)
    assert caught.value.reason.startswith("skl2onnx cannot convert this pipeline: NotImplementedError")
    assert reason in caught.value.reason


def test_convert_refuses_datetime_features():
    frame = _cancer().assign(seen=pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(569), unit="h"))
    features = [name for name in frame.columns if name != "target"]
    result = _train(frame, "classification", {"estimator": "logistic_regression", "features": features}, CANCER_KINDS)
    with pytest.raises(OnnxExportError, match="feature 'seen' is of kind 'datetime'"):
        convert_to_onnx(result.pipeline, result.signature)


def test_onnx_model_takes_one_input_per_feature_by_name(logistic, logistic_onnx):
    model = onnx.load_from_string(logistic_onnx)
    inputs = {item.name: item.type.tensor_type.elem_type for item in model.graph.input}
    names = [entry["name"] for entry in logistic.signature["inputs"]]
    assert list(inputs) == names  # "mean radius" keeps its space
    assert inputs["mean radius"] == onnx.TensorProto.FLOAT
    assert inputs["rooms"] == onnx.TensorProto.FLOAT
    assert inputs["colour"] == inputs["store"] == inputs["member"] == inputs["note"] == onnx.TensorProto.STRING
    properties = {item.key: item.value for item in model.metadata_props}
    assert json.loads(properties[SIGNATURE_KEY]) == logistic.signature


def test_onnx_predict_rows_with_missing_and_unknown_values(logistic, logistic_onnx):
    rows = [dict(row) for row in logistic.input_example]
    rows[0] |= {"colour": None, "mean radius": None, "store": 7.0}  # missing, missing, never seen
    rows[1] |= {"member": False, "store": 2}  # int code: the same category as 2.0
    result = onnx_predict(logistic_onnx, rows, logistic.signature)
    expected = logistic.pipeline.predict_proba(pd.DataFrame(rows))
    assert result["classes"] == [0, 1]
    assert result["predictions"] == logistic.pipeline.predict(pd.DataFrame(rows)).tolist()
    assert np.abs(np.asarray(result["probabilities"]) - expected).max() < 1e-5


def test_onnx_predict_rejects_rows_that_do_not_match_the_signature(logistic, logistic_onnx):
    row = dict(logistic.input_example[0])
    renamed = {("shade" if key == "colour" else key): value for key, value in row.items()}
    with pytest.raises(OnnxInputError, match=r"missing features \['colour'\], unknown features \['shade'\]"):
        onnx_predict(logistic_onnx, [renamed], logistic.signature)
    with pytest.raises(OnnxInputError, match="'mean radius' must be a number"):
        onnx_predict(logistic_onnx, [row | {"mean radius": "big"}], logistic.signature)


def test_category_text_matches_the_training_function():
    values = ["red", 1.0, 2, 2.5, True, False, None, np.nan]
    expected = to_category_strings(np.asarray(values, dtype=object).reshape(-1, 1)).ravel().tolist()
    assert [category_text(value) for value in values] == ["" if isinstance(item, float) else item for item in expected]
    assert STRING_KINDS == CATEGORICAL_KINDS
