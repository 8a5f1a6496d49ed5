"""ONNX export: parity with scikit-learn for pipelines from the real trainer, refusals, prediction. No database."""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime
import pandas as pd
import pytest
from onnx import numpy_helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from registry.exports.onnx import (
    SIGNATURE_KEY,
    STRING_KINDS,
    TARGET_OPSET,
    OnnxExportError,
    OnnxInputError,
    category_text,
    convert_to_onnx,
    float32_threshold,
    onnx_feeds,
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


def test_convert_random_forest_matches_sklearn_split_for_split():
    """Preprocessing in double, a float32 cast in front of the forest and thresholds rounded down: every tree decides
    as scikit-learn's does, so probabilities differ only by float32 summation."""
    frame = _cancer()
    raw = {"estimator": "random_forest", "params": {"n_estimators": 20}}
    result = _train(frame, "classification", raw, CANCER_KINDS)
    onnx_bytes = convert_to_onnx(result.pipeline, result.signature)
    report = onnx_parity(result.pipeline, onnx_bytes, frame, result.signature, atol=1e-6)
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


def test_forest_regressor_has_no_split_flips():
    """Scaled diabetes features reach the forest as scikit-learn's float32 values: no row crosses a split (a flip
    would move a prediction by whole units); what remains is float32 leaf arithmetic."""
    frame = _diabetes()
    result = _train(frame, "regression", {"estimator": "random_forest", "params": {"n_estimators": 20}})
    report = onnx_parity(result.pipeline, convert_to_onnx(result.pipeline, result.signature), frame, result.signature)
    assert report["passed"], report["detail"]
    assert report["max_abs_diff"] < 1e-3 and report["max_rel_diff"] < 1e-6


def _forest_at_its_thresholds() -> tuple[Pipeline, dict, list[dict]]:
    """A bare 20-tree forest on the 30 breast cancer features, and rows at 300 of its split thresholds: exactly
    there, one double either side, and at the threshold rounded to the nearest float32 (above it half the time)."""
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    forest = Pipeline([("model", RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y))])
    signature = {
        "inputs": [{"name": c, "kind": "numeric"} for c in X.columns],
        "output": {"task_type": "classification", "classes": [0, 1], "probabilities": True},
    }
    trees = [tree.tree_ for tree in forest[-1].estimators_]
    splits = [(X.columns[f], t) for tree in trees for f, t in zip(tree.feature, tree.threshold, strict=True) if f >= 0]
    base = X.mean().to_dict()
    values = lambda t: (t, np.nextafter(t, -np.inf), np.nextafter(t, np.inf), float(np.float32(t)))  # noqa: E731
    return forest, signature, [base | {column: float(v)} for column, t in splits[:300] for v in values(t)]


def test_float32_threshold_is_the_largest_float32_not_above():
    thresholds = [*np.random.default_rng(0).uniform(-1e3, 1e3, 5000).tolist(), 0.15000000223517418, 0.5, -0.0]
    for t in thresholds:
        rounded = float32_threshold(t)
        assert rounded.dtype == np.float32 and float(rounded) <= t
        assert float(np.nextafter(rounded, np.float32(np.inf))) > t
    assert any(float(np.float32(t)) > t for t in thresholds)  # rounding to nearest would land above these


def test_thresholds_rounded_down_decide_as_sklearn_and_rounded_to_nearest_do_not(monkeypatch):
    from registry import engine as engine_module
    from registry.exports import onnx as onnx_module

    forest, signature, rows = _forest_at_its_thresholds()
    ours = engine_module.parity(engine_module.OnnxEngine(convert_to_onnx(forest, signature), forest, signature), rows)
    assert ours["label_mismatches"] == 0 and ours["max_proba_diff"] <= 1e-6, ours

    monkeypatch.setattr(onnx_module, "float32_threshold", np.float32)  # round to nearest instead
    nearest = convert_to_onnx(forest, signature)
    report = engine_module.parity(engine_module.OnnxEngine(nearest, forest, signature), rows)
    assert report["max_proba_diff"] >= 1 / 20 - 1e-6, report  # one tree of 20 voted the other way

    stock = convert_sklearn(
        forest[-1],
        initial_types=[("X", DoubleTensorType([None, 30]))],
        options={id(forest[-1]): {"zipmap": False}},
        target_opset=TARGET_OPSET,
    )
    session = onnxruntime.InferenceSession(stock.SerializeToString(), providers=["CPUExecutionProvider"])
    matrix = np.array([[row[c["name"]] for c in signature["inputs"]] for row in rows])
    _labels, probabilities = session.run(None, {"X": matrix})
    expected = forest.predict_proba(pd.DataFrame(rows))
    assert np.abs(probabilities - expected).max() >= 1 / 20 - 1e-6  # stock skl2onnx in double: same flips


@pytest.mark.parametrize("estimator", ["logistic_regression", "random_forest"])
def test_served_graph_reads_the_numeric_matrix_and_answers_as_the_exported_graph(estimator):
    """Serving feeds the numeric features as one matrix: a ``ColumnTransformer``'s concatenation of them becomes the
    matrix itself or a ``Gather`` of its columns, and only the probabilities are computed. The answers are those of
    the exported graph (one input per feature), value for value."""
    from registry import engine as engine_module

    frame = _cancer()
    raw = {"estimator": estimator, "params": {"n_estimators": 5}} if estimator == "random_forest" else {}
    result = _train(frame, "classification", {"estimator": estimator, **raw}, CANCER_KINDS)
    exported = convert_to_onnx(result.pipeline, result.signature)
    served = engine_module.OnnxEngine(exported, result.pipeline, result.signature)
    graph = onnx.load_from_string(
        engine_module._served_graph(exported, served.numeric, served.outputs)  # what the session was built from
    )
    kinds = {spec["name"]: spec["kind"] for spec in result.signature["inputs"]}
    assert len({kinds[n] for n in served.numeric}) > 1  # numeric and integer features: two branches, two gathers
    assert "Gather" in {n.op_type for n in graph.graph.node}
    assert [o.name for o in graph.graph.output] == served.outputs == ["probabilities"]

    rows = engine_module.generated_rows(result.pipeline, result.signature, [], 300, missing=0.1, seed=5)
    expected = onnxruntime.InferenceSession(exported, providers=["CPUExecutionProvider"]).run(
        ["probabilities"], onnx_feeds(rows, result.signature)
    )[0]
    got = served.session.run(served.outputs, served._feeds(rows))[0]
    np.testing.assert_array_equal(got, expected)


def _hist_at_its_bin_edges(kind: str) -> tuple[Pipeline, dict, list[dict], pd.DataFrame]:
    """A bare histogram gradient boosting model fitted on data with gaps (``binary``: breast cancer, ``multiclass``:
    iris, ``regression``: diabetes), and rows at 300 of its split thresholds (bin edges): exactly there, one double
    either side, the edge rounded to the nearest float32, and each of those with another feature missing."""
    loaders = {"binary": load_breast_cancer, "multiclass": load_iris, "regression": load_diabetes}
    X, y = loaders[kind](return_X_y=True, as_frame=True)
    X = X.copy()
    rng = np.random.default_rng(1)
    X = X.mask(rng.random(X.shape) < 0.1)
    estimator = HistGradientBoostingRegressor if kind == "regression" else HistGradientBoostingClassifier
    model = Pipeline([("model", estimator(max_iter=30, random_state=0).fit(X, y))])
    task = "regression" if kind == "regression" else "classification"
    output = {"task_type": task} | ({} if kind == "regression" else {"classes": sorted(set(y)), "probabilities": True})
    signature = {"inputs": [{"name": c, "kind": "numeric"} for c in X.columns], "output": output}
    nodes = [p.nodes for iteration in model[-1]._predictors for p in iteration]
    splits = [
        (X.columns[n["feature_idx"]], float(n["num_threshold"])) for tree in nodes for n in tree if not n["is_leaf"]
    ]
    picked = [splits[i] for i in rng.permutation(len(splits))[:300]]
    base = X.median().to_dict()
    rows = []
    for column, t in picked:
        other = X.columns[(list(X.columns).index(column) + 1) % len(X.columns)]
        for v in (t, np.nextafter(t, -np.inf), np.nextafter(t, np.inf), float(np.float32(t))):
            rows += [base | {column: float(v)}, base | {column: float(v), other: None}]
    return model, signature, rows, X


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_hist_gradient_boosting_converts_and_decides_as_sklearn_at_its_bin_edges_and_on_gaps(kind):
    """skl2onnx 1.20 cannot convert these at all (a boolean in an integer attribute); converted here, the graph holds
    scikit-learn's double thresholds and leaves, so rows at a bin edge, one double either side and with a feature
    missing are answered as scikit-learn answers them."""
    from registry import engine as engine_module

    model, signature, rows, _ = _hist_at_its_bin_edges(kind)
    served = engine_module.OnnxEngine(convert_to_onnx(model, signature), model, signature)
    rows += engine_module.generated_rows(model, signature, [], 2000, missing=0.2, seed=4)
    report = engine_module.parity(served, rows)
    if kind == "regression":
        assert report["max_rel_diff"] <= 1e-6, report
    else:
        assert report["label_mismatches"] == 0 and report["max_proba_diff"] <= 1e-6, report
    assert engine_module._missing_agree(served, [])  # registration keeps rows with gaps on ONNX Runtime


def test_hist_gradient_boosting_thresholds_rounded_to_float32_send_bin_edge_rows_the_wrong_way():
    """What the double thresholds are for: the same graph with its thresholds rounded to float32, as skl2onnx stores
    them, sends rows at a bin edge or one double from it across the split."""
    from registry import engine as engine_module

    model, signature, rows, _ = _hist_at_its_bin_edges("binary")
    ours = convert_to_onnx(model, signature)
    report = engine_module.parity(engine_module.OnnxEngine(ours, model, signature), rows)
    assert report["label_mismatches"] == 0 and report["max_proba_diff"] <= 1e-6, report

    graph = onnx.load_from_string(ours)
    ensemble = next(n for n in graph.graph.node if n.op_type == "TreeEnsembleClassifier")
    thresholds = next(a for a in ensemble.attribute if a.name == "nodes_values_as_tensor")
    rounded = numpy_helper.to_array(thresholds.t).astype(np.float32).astype(np.float64)
    thresholds.t.CopyFrom(numpy_helper.from_array(rounded, thresholds.t.name))
    float32 = engine_module.OnnxEngine(graph.SerializeToString(), model, signature)
    report = engine_module.parity(float32, rows)
    assert report["max_proba_diff"] > 1e-3, report


def test_hist_gradient_boosting_with_categorical_features_or_a_log_link_is_refused_with_the_reason():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X = X.assign(grade=np.random.default_rng(0).integers(0, 4, len(X)))
    signature = {"inputs": [{"name": c, "kind": "numeric"} for c in X.columns], "output": {"task_type": "regression"}}
    categorical = Pipeline([("m", HistGradientBoostingRegressor(max_iter=5, categorical_features=["grade"]).fit(X, y))])
    with pytest.raises(OnnxExportError, match="categorical features"):
        convert_to_onnx(categorical, signature)
    poisson = Pipeline([("m", HistGradientBoostingRegressor(max_iter=5, loss="poisson").fit(X, y))])
    with pytest.raises(OnnxExportError, match="loss='poisson'"):
        convert_to_onnx(poisson, signature)


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
    assert inputs["mean radius"] == onnx.TensorProto.DOUBLE  # scikit-learn scales and imputes in double
    assert inputs["rooms"] == onnx.TensorProto.DOUBLE
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
