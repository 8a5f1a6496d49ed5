"""Models trained elsewhere: a matrix of scikit-learn estimators and pipelines fitted in a plain notebook style, saved
with ``skops.io.dump``, uploaded through the REST API by a single owner (``require_human_approval: false``),
deployed, and served through Keel's ``…/predict`` and the Open Inference Protocol's ``/v2/models/{name}/infer``.
Both must answer what the estimator itself answers on the same rows: the same labels, class probabilities and
regression values within 1e-6 (ONNX Runtime sums a forest's votes in float32), also on rows placed exactly at the
fitted trees' split thresholds and one double either side of them. Each kind is served by the engine expected of it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
import tritonclient.http as httpclient
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import (
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    StackingClassifier,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from core.services import project_create
from serving import inference, runtime
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.serving.conftest import InlineExecutor

pytestmark = pytest.mark.django_db

ROWS = 6  # rows sent to the deployment
THRESHOLDS = 60  # split thresholds of a tree model tried exactly and one double either side
TOLERANCE = 1e-6
SKLEARN_ONLY = {
    "calibrated_classifier": "disagrees with scikit-learn",
    "stacking_classifier": "RandomForestClassifier inside StackingClassifier",
}
REGRESSION = {"bare_ridge", "gradient_boosting_regressor", "hist_gradient_boosting_regressor", "k_neighbors_regressor"}


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).replace(" (cm)", "").replace(" ", "_") for c in frame.columns]
    return frame


def cancer() -> tuple[pd.DataFrame, pd.Series]:
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return _safe(X).iloc[::3].reset_index(drop=True), y.iloc[::3].reset_index(drop=True)


def iris() -> tuple[pd.DataFrame, pd.Series]:
    X, y = load_iris(return_X_y=True, as_frame=True)
    return _safe(X), y


def diabetes() -> tuple[pd.DataFrame, pd.Series]:
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return X.iloc[::2].reset_index(drop=True), y.iloc[::2].reset_index(drop=True)


def shop() -> tuple[pd.DataFrame, pd.Series]:
    """Generated data with numeric and categorical columns, as a notebook would build a toy table."""
    rng = np.random.default_rng(7)
    n = 240
    X = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n).astype(float),
            "spend": rng.gamma(2.0, 40.0, n).round(2),
            "plan": rng.choice(["free", "pro", "team"], n),
            "region": rng.choice(["eu", "us", "apac"], n),
        }
    )
    score = 0.03 * X["spend"] - 0.02 * X["age"] + X["plan"].map({"free": -1.0, "pro": 0.5, "team": 1.5})
    y = (score + rng.normal(0, 0.5, n) > score.median()).astype(int)
    return X, y


def _column_transformer() -> Pipeline:
    preprocess = ColumnTransformer(
        [
            ("num", StandardScaler(), ["age", "spend"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["plan", "region"]),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("model", LogisticRegression(max_iter=1000))])


CASES: dict[str, tuple[Callable[[], tuple[pd.DataFrame, pd.Series]], Callable[[], Any]]] = {
    "bare_random_forest": (cancer, lambda: RandomForestClassifier(n_estimators=15, random_state=0)),
    "bare_logistic_regression": (iris, lambda: LogisticRegression(max_iter=2000)),
    "bare_ridge": (diabetes, lambda: Ridge(alpha=0.5)),
    "scaler_logistic_pipeline": (
        cancer,
        lambda: Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]),
    ),
    "column_transformer_pipeline": (shop, _column_transformer),
    "hist_gradient_boosting": (cancer, lambda: HistGradientBoostingClassifier(max_iter=20, random_state=0)),
    "hist_gradient_boosting_multiclass": (iris, lambda: HistGradientBoostingClassifier(max_iter=20, random_state=0)),
    "hist_gradient_boosting_regressor": (diabetes, lambda: HistGradientBoostingRegressor(max_iter=30, random_state=0)),
    "gradient_boosting_regressor": (diabetes, lambda: GradientBoostingRegressor(n_estimators=25, random_state=0)),
    "svc_probability_pipeline": (iris, lambda: make_pipeline(StandardScaler(), SVC(probability=True, random_state=0))),
    "k_neighbors_classifier": (iris, lambda: KNeighborsClassifier(n_neighbors=5)),
    "k_neighbors_regressor": (diabetes, lambda: KNeighborsRegressor(n_neighbors=7)),
    "mlp_classifier": (
        iris,
        lambda: make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(8,), max_iter=800, random_state=0)),
    ),
    "calibrated_classifier": (
        cancer,
        lambda: CalibratedClassifierCV(make_pipeline(StandardScaler(), LogisticRegression()), cv=3),
    ),
    "stacking_classifier": (
        iris,
        lambda: StackingClassifier(
            [
                ("forest", RandomForestClassifier(n_estimators=10, random_state=0)),
                ("linear", make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))),
            ],
            final_estimator=LogisticRegression(max_iter=1000),
            cv=3,
        ),
    ),
}


@pytest.fixture(autouse=True)
def _fresh_runtime(monkeypatch):
    runtime.models.clear()
    runtime.routes.forget()
    monkeypatch.setattr(inference, "SHADOW_EXECUTOR", InlineExecutor())
    yield
    runtime.models.clear()
    runtime.routes.forget()


def _records(X: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in X.to_dict("records")]


def _oip_inputs(X: pd.DataFrame) -> list[httpclient.InferInput]:
    tensors = []
    for name in X.columns:
        column = X[name]
        if pd.api.types.is_numeric_dtype(column):
            tensor = httpclient.InferInput(name, [len(X)], "FP64")
            tensor.set_data_from_numpy(column.to_numpy(dtype=np.float64), binary_data=False)
        else:
            tensor = httpclient.InferInput(name, [len(X)], "BYTES")
            tensor.set_data_from_numpy(column.to_numpy(dtype=object), binary_data=False)
        tensors.append(tensor)
    return tensors


def _infer(client, name: str, X: pd.DataFrame, classifier: bool) -> dict[str, Any]:
    names = ("predictions", "probabilities") if classifier else ("predictions",)
    outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in names]
    body, json_size = httpclient.InferenceServerClient.generate_request_body(_oip_inputs(X), outputs=outputs)
    extra = {"HTTP_INFERENCE_HEADER_CONTENT_LENGTH": str(json_size)} if json_size is not None else {}
    response = client.post(f"/v2/models/{name}/infer", body, content_type="application/octet-stream", **extra)
    assert response.status_code == 200, response.content
    return {o["name"]: o["data"] for o in response.json()["outputs"]}


def _assert_same(name: str, model: Any, X: pd.DataFrame, predictions: list[Any], probabilities: Any) -> None:
    expected = model.predict(X)
    if hasattr(model, "predict_proba") and probabilities is not None:
        mismatches = [i for i, (a, b) in enumerate(zip(predictions, expected.tolist(), strict=True)) if a != b]
        assert mismatches == [], f"{name}: {len(mismatches)} of {len(X)} labels differ, first rows {mismatches[:5]}"
        got = np.asarray(probabilities, dtype=float).reshape(len(X), -1)
        np.testing.assert_allclose(got, model.predict_proba(X), rtol=0, atol=TOLERANCE, err_msg=name)
    else:
        got = np.asarray(predictions, dtype=float)
        np.testing.assert_allclose(got, expected, rtol=TOLERANCE, atol=TOLERANCE, err_msg=name)


def _splits(model: Any) -> list[tuple[int, float]]:
    """(feature index, threshold) of the splits of the fitted trees that read the model's raw features, if any (for
    histogram gradient boosting, the bin edges its splits compare raw values with)."""
    predictors = getattr(model, "_predictors", None)
    if predictors is not None:
        nodes = [p.nodes for iteration in predictors for p in iteration]
        return [(int(n["feature_idx"]), float(n["num_threshold"])) for tree in nodes for n in tree if not n["is_leaf"]]
    if hasattr(model, "tree_"):
        trees = [model.tree_]
    else:
        estimators = getattr(model, "estimators_", None)
        flat = list(estimators.ravel()) if isinstance(estimators, np.ndarray) else list(estimators or [])
        trees = [e.tree_ for e in flat] if flat and all(hasattr(e, "tree_") for e in flat) else []
    return [(f, t) for tree in trees for f, t in zip(tree.feature, tree.threshold, strict=True) if f >= 0]


def _threshold_rows(model: Any, X: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``X`` with one feature set exactly at a split threshold, and at the doubles just below and above."""
    splits = _splits(model)
    picked = [splits[i] for i in np.random.default_rng(5).permutation(len(splits))[:THRESHOLDS]]
    rows = []
    for n, (feature, threshold) in enumerate(picked):
        for value in (threshold, np.nextafter(threshold, -np.inf), np.nextafter(threshold, np.inf)):
            row = X.iloc[n % len(X)].copy()
            row.iloc[feature] = value
            rows.append(row)
    return pd.DataFrame(rows).reset_index(drop=True)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_notebook_model_uploads_deploys_and_predicts_as_itself(kind, tmp_path: Path):
    load, build = CASES[kind]
    X, y = load()
    model = build().fit(X, y)  # the notebook: fit, then skops.io.dump
    sio.dump(model, tmp_path / "model.skops")
    regression = kind in REGRESSION
    slug = kind.replace("_", "-")[:40]
    owner = UserFactory(username=f"{slug}-owner")
    project_create(
        user=owner,
        slug=slug,
        name=kind,
        task_type="regression" if regression else "classification",
        require_human_approval=False,
    )
    client = token_client(owner)
    rows = pd.concat([X.sample(ROWS, random_state=3), _threshold_rows(model, X)], ignore_index=True)
    assert len(rows) > ROWS or not _splits(model)
    body = {
        "file": io.BytesIO((tmp_path / "model.skops").read_bytes()),
        "format": "skops",
        "input_example": json.dumps(_records(X.head(3))),
    }
    uploaded = client.post(f"/api/v1/projects/{slug}/models/{kind}/versions/upload/", body, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    version = uploaded.json()
    assert version["approval"] == "approved", version
    capabilities = version["capabilities"]
    assert capabilities["signature"] is True
    assert {"signature", "explanations", "onnx_export", "fast_path", "reasons", "engine"} <= set(capabilities)
    for extra in ("explanations", "onnx_export", "fast_path"):
        assert isinstance(capabilities[extra], bool)
        assert (extra in capabilities["reasons"]) is (not capabilities[extra]), capabilities
    if kind in SKLEARN_ONLY:
        assert capabilities["engine"] == "sklearn" and not capabilities["fast_path"], capabilities
        assert SKLEARN_ONLY[kind] in capabilities["reasons"]["fast_path"], capabilities
    else:
        assert capabilities["engine"] == "onnxruntime" and capabilities["fast_path"], capabilities
        parity = capabilities["parity"]
        assert parity["rows"] >= 2000, parity
        if regression:
            assert parity["max_rel_diff"] <= TOLERANCE, parity
        else:
            assert parity["label_mismatches"] == 0 and parity["max_proba_diff"] <= TOLERANCE, parity

    alias = client.put(f"/api/v1/projects/{slug}/models/{kind}/aliases/champion/", {"version": 1}, format="json")
    assert alias.status_code == 200, alias.content
    deploy = {"name": slug, "model": kind, "alias": "champion"}
    deployed = client.post(f"/api/v1/projects/{slug}/deployments/", deploy, format="json")
    assert deployed.status_code == 201, deployed.content

    predicted = client.post(
        f"/api/v1/projects/{slug}/deployments/{slug}/predict/", {"inputs": _records(rows)}, format="json"
    )
    assert predicted.status_code == 200, predicted.content
    answer = predicted.json()
    assert [m.engine for m in runtime.models.loaded().values()] == [capabilities["engine"]]
    _assert_same(kind, model, rows, answer["predictions"], answer.get("probabilities"))
    if hasattr(model, "predict_proba"):
        assert answer["classes"] == model.classes_.tolist()

    inferred = _infer(client, slug, rows, classifier=not regression)
    _assert_same(kind, model, rows, inferred["predictions"], inferred.get("probabilities"))


def _upload_only(client, slug: str, model: Any, X: pd.DataFrame, path: Path) -> dict[str, Any]:
    sio.dump(model, path)
    body = {"file": io.BytesIO(path.read_bytes()), "input_example": json.dumps(_records(X.head(2)))}
    response = client.post(f"/api/v1/projects/{slug}/models/m/versions/upload/", body, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def test_capabilities_say_what_a_version_lacks_and_why(tmp_path: Path):
    owner = UserFactory(username="caps-owner")
    project_create(user=owner, slug="caps", name="caps", require_human_approval=False)
    client = token_client(owner)
    X, y = cancer()
    forest = _upload_only(
        client, "caps", RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y), X, tmp_path / "forest.skops"
    )["capabilities"]
    assert forest["signature"] is True
    assert forest["fast_path"] is True and forest["engine"] == "onnxruntime" and forest["onnx_export"] is True
    assert forest["parity"]["label_mismatches"] == 0 and "fast_path" not in forest["reasons"]
    assert forest["explanations"] is False and "baseline" in forest["reasons"]["explanations"]
    fetched = client.get("/api/v1/projects/caps/models/m/versions/1/")
    assert fetched.status_code == 200 and fetched.json()["capabilities"] == forest

    boosted = HistGradientBoostingClassifier(max_iter=5).fit(X, y)
    hist = _upload_only(client, "caps", boosted, X, tmp_path / "hist.skops")["capabilities"]
    assert hist["fast_path"] is True and hist["engine"] == "onnxruntime" and hist["onnx_export"] is True, hist
    assert hist["parity"]["label_mismatches"] == 0 and hist["missing_values"] == "onnxruntime"

    S, t = shop()
    mixed = _upload_only(client, "caps", _column_transformer().fit(S, t), S, tmp_path / "mixed.skops")
    assert mixed["capabilities"]["onnx_export"] is True, mixed["capabilities"]
    assert "onnx_export" not in mixed["capabilities"]["reasons"]
    assert mixed["signature"]["output"]["classes"] == [0, 1] and mixed["signature"]["output"]["probabilities"]

    svc = _upload_only(client, "caps", SVC().fit(X, y), X, tmp_path / "svc.skops")["capabilities"]
    assert svc["explanations"] is False and "predict_proba" in svc["reasons"]["explanations"]


def _none_for_nan(X: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if v != v else v) for k, v in row.items()} for row in _records(X)]


@pytest.mark.parametrize(
    ("load", "estimator"),
    [
        (cancer, HistGradientBoostingClassifier),
        (iris, HistGradientBoostingClassifier),
        (diabetes, HistGradientBoostingRegressor),
    ],
    ids=["binary", "multiclass", "regressor"],
)
def test_hist_gradient_boosting_fitted_on_gaps_is_served_by_onnx_runtime_on_rows_with_gaps(
    load, estimator, tmp_path: Path
):
    """A notebook model fitted on data with missing values learns, per split, which side a missing value takes; ONNX
    Runtime answers rows with gaps (null in the request) as the model itself does, also at its bin edges."""
    X, y = load()
    rng = np.random.default_rng(8)
    X = X.mask(rng.random(X.shape) < 0.15)
    model = estimator(max_iter=25, random_state=0).fit(X, y)
    slug = f"gaps-{estimator.__name__[-10:].lower()}-{X.shape[1]}"
    owner = UserFactory(username=f"{slug}-owner")
    regression = estimator is HistGradientBoostingRegressor
    task_type = "regression" if regression else "classification"
    project_create(user=owner, slug=slug, name=slug, task_type=task_type, require_human_approval=False)
    client = token_client(owner)
    sio.dump(model, tmp_path / "model.skops")
    body = {
        "file": io.BytesIO((tmp_path / "model.skops").read_bytes()),
        "input_example": json.dumps(_none_for_nan(X.head(3))),
    }
    uploaded = client.post(f"/api/v1/projects/{slug}/models/m/versions/upload/", body, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    capabilities = uploaded.json()["capabilities"]
    assert capabilities["engine"] == "onnxruntime" and capabilities["missing_values"] == "onnxruntime", capabilities

    client.put(f"/api/v1/projects/{slug}/models/m/aliases/champion/", {"version": 1}, format="json")
    deployed = client.post(
        f"/api/v1/projects/{slug}/deployments/", {"name": "d", "model": "m", "alias": "champion"}, format="json"
    )
    assert deployed.status_code == 201, deployed.content
    policy = {"policy": {"missing_values": "allow"}}
    assert client.patch(f"/api/v1/projects/{slug}/deployments/d/", policy, format="json").status_code == 200

    fresh = pd.DataFrame({c: rng.uniform(X[c].min(), X[c].max(), 200) for c in X.columns}).mask(
        rng.random((200, X.shape[1])) < 0.3
    )
    edges = _threshold_rows(model, X.fillna(X.median()))
    edges = edges.mask(rng.random(edges.shape) < 0.2)
    rows = pd.concat([X.sample(40, random_state=2), fresh, edges], ignore_index=True)
    assert rows.isna().any(axis=1).sum() > 100
    predicted = client.post(
        f"/api/v1/projects/{slug}/deployments/d/predict/", {"inputs": _none_for_nan(rows)}, format="json"
    )
    assert predicted.status_code == 200, predicted.content
    answer = predicted.json()
    loaded = list(runtime.models.loaded().values())
    assert [m.engine for m in loaded] == ["onnxruntime"] and not loaded[0].onnx.missing_to_sklearn
    _assert_same("gaps", model, rows, answer["predictions"], answer.get("probabilities"))
