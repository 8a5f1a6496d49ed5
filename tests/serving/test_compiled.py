"""The compiled numeric path gives exactly the plain pipeline's answers, and is refused where it could not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

from serving import compiled as compiled_pipeline


def _data(n: int = 200, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(3, 2, size=n), "c": rng.integers(0, 9, size=n)})
    frame.loc[::17, "b"] = np.nan
    return frame


def _signature(frame: pd.DataFrame, kinds: dict[str, str] | None = None) -> dict:
    kinds = kinds or {}
    inputs = []
    for c in frame.columns:
        kind = kinds.get(c, "numeric")
        bounds = {"min": float(frame[c].min()), "max": float(frame[c].max())} if kind == "numeric" else {}
        inputs.append({"name": c, "kind": kind, **bounds})
    return {"inputs": inputs}


def _numeric_pipeline(estimator) -> Pipeline:
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    return Pipeline([("preprocess", ColumnTransformer([("num", numeric, ["a", "b", "c"])])), ("model", estimator)])


def _rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else float(v)) for k, v in row.items()} for row in frame.to_dict("records")]


def test_compiled_classifier_matches_plain_pipeline_exactly():
    frame = _data()
    target = (frame["a"] + frame["b"].fillna(0) > 3).astype(int)
    pipeline = _numeric_pipeline(LogisticRegression()).fit(frame, target)
    compiled = compiled_pipeline.compile_checked(pipeline, _signature(frame))
    assert compiled is not None and compiled.proba_label
    rows = _rows(_data(50, seed=7))
    labels, proba = compiled.predict(rows)
    plain = compiled_pipeline.frame(rows, _signature(frame))
    assert np.array_equal(labels, pipeline.predict(plain))
    np.testing.assert_allclose(proba, pipeline.predict_proba(plain), rtol=1e-12)


def test_compiled_regressor_matches_plain_pipeline():
    frame = _data()
    pipeline = _numeric_pipeline(LinearRegression()).fit(frame, frame["a"] * 2 + frame["c"])
    compiled = compiled_pipeline.compile_checked(pipeline, _signature(frame))
    assert compiled is not None and compiled.classes is None
    rows = _rows(_data(30, seed=3))
    values, proba = compiled.predict(rows)
    assert proba is None
    np.testing.assert_allclose(values, pipeline.predict(compiled_pipeline.frame(rows, _signature(frame))), rtol=1e-12)


def test_no_compiled_path_when_a_column_is_categorical():
    frame = _data().assign(colour=lambda f: np.where(f["c"] > 4, "red", "blue"))
    pre = ColumnTransformer(
        [("num", SimpleImputer(), ["a", "b", "c"]), ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"])]
    )
    pipeline = Pipeline([("preprocess", pre), ("model", LogisticRegression())]).fit(frame, frame["c"] > 4)
    assert compiled_pipeline.compile_pipeline(pipeline, _signature(frame, {"colour": "categorical"})) is None


def test_columns_are_matched_by_name_and_unknown_columns_refuse_compilation():
    frame = _data()
    pipeline = _numeric_pipeline(LogisticRegression()).fit(frame, frame["c"] > 4)
    reordered = {"inputs": list(reversed(_signature(frame)["inputs"]))}
    compiled = compiled_pipeline.compile_checked(pipeline, reordered)
    assert compiled is not None  # names, not positions, decide the layout
    rows = _rows(frame.head(20))
    np.testing.assert_allclose(compiled.predict(rows)[1], pipeline.predict_proba(frame.head(20)), rtol=1e-12)
    missing = {"inputs": _signature(frame)["inputs"][:2]}
    assert compiled_pipeline.compile_pipeline(pipeline, missing) is None


def test_agrees_detects_a_wrong_compiled_model():
    frame = _data()
    good = _numeric_pipeline(LogisticRegression()).fit(frame, frame["c"] > 4)
    other = _numeric_pipeline(LogisticRegression(C=0.001)).fit(frame, frame["a"] > 0)
    signature = _signature(frame)
    wrong = compiled_pipeline.compile_pipeline(other, signature)
    assert wrong is not None
    assert not compiled_pipeline.agrees(wrong, good, signature, compiled_pipeline.parity_rows(signature))


@pytest.mark.parametrize(("estimator", "one_call"), [(LogisticRegression(), True), (KNeighborsClassifier(), False)])
def test_label_from_probabilities_only_where_exact(estimator, one_call):
    frame = _data()
    pipeline = _numeric_pipeline(estimator).fit(frame, frame["c"] > 4)
    assert compiled_pipeline.proba_gives_label(pipeline) is one_call
    plain = frame.head(40)
    labels, proba = compiled_pipeline.predict(pipeline, plain)
    assert np.array_equal(labels, pipeline.predict(plain))
    assert proba is not None and proba.shape == (40, 2)


def test_compiled_fitted_steps_are_private_copies():
    frame = _data()
    pipeline = _numeric_pipeline(LogisticRegression()).fit(frame, frame["c"] > 4)
    compiled_pipeline.compile_pipeline(pipeline, _signature(frame))
    imputer = pipeline[0].transformers_[0][1][0]
    assert list(imputer.feature_names_in_) == ["a", "b", "c"]  # the served pipeline keeps its names
    assert list(pipeline[0].feature_names_in_) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("scaler", "estimator", "target"),
    [
        (StandardScaler(), LogisticRegression(), "binary"),
        (MinMaxScaler(), LogisticRegression(), "multiclass"),
        (RobustScaler(), Ridge(alpha=0.5), "value"),
        (StandardScaler(with_mean=False), LinearRegression(), "value"),
    ],
)
def test_known_steps_are_lowered_to_numpy_and_match_scikit_learn(scaler, estimator, target):
    frame = _data(300)
    y = {
        "binary": frame["c"] > 4,
        "multiclass": frame["c"] % 3,
        "value": frame["a"] * 2 - frame["c"],
    }[target]
    for strategy in ("median", "mean", "most_frequent"):
        numeric = Pipeline([("impute", SimpleImputer(strategy=strategy)), ("scale", scaler)])
        pre = ColumnTransformer([("num", numeric, ["a", "b", "c"])])
        pipeline = Pipeline([("preprocess", pre), ("model", estimator)]).fit(frame, y)
        compiled = compiled_pipeline.compile_checked(pipeline, _signature(frame))
        assert compiled is not None
        assert compiled._scores is not None and all(fn is not None for _, fn in compiled._lowered)
        rows = _rows(_data(60, seed=11))
        plain = compiled_pipeline.frame(rows, _signature(frame))
        outputs, proba = compiled.predict(rows)
        if target == "value":
            np.testing.assert_allclose(outputs, pipeline.predict(plain), rtol=1e-10)
        else:
            assert np.array_equal(outputs, pipeline.predict(plain))
            np.testing.assert_allclose(proba, pipeline.predict_proba(plain), rtol=1e-9, atol=1e-12)


def test_unknown_steps_keep_scikit_learns_own_code():
    frame = _data()
    pipeline = _numeric_pipeline(KNeighborsClassifier()).fit(frame, frame["c"] > 4)
    compiled = compiled_pipeline.compile_checked(pipeline, _signature(frame))
    assert compiled is not None and compiled._scores is None  # transforms lowered, the estimator is not
    rows = _rows(frame.head(15))
    assert np.array_equal(compiled.predict(rows)[0], pipeline.predict(frame.head(15)))
