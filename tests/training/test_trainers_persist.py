"""skops persistence: round trips predict identically; types outside the allow-list are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_limits

from training.trainers import (
    ESTIMATORS,
    UntrustedModelError,
    build_pipeline,
    load_pipeline,
    make_estimator,
    save_pipeline,
)

KINDS = {"size": "numeric", "rooms": "integer", "colour": "categorical", "member": "boolean", "seen": "datetime"}


@pytest.fixture(autouse=True, scope="module")
def _one_native_thread():
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n_rows = 90
    data = pd.DataFrame(
        {
            "size": rng.normal(size=n_rows),
            "rooms": rng.integers(1, 5, n_rows),
            "colour": rng.choice(["red", "green", None], n_rows),
            "member": rng.choice([True, False], n_rows),
            "seen": pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 900, n_rows), unit="D"),
        }
    )
    data["label"] = np.where(data["size"] + (data["colour"] == "red") > 0.5, "a", "b")
    data.loc[data.index[::5], "label"] = "c"
    data["amount"] = 3 * data["size"] + data["rooms"] + rng.normal(size=n_rows)
    return data


def _fit(frame, name, task_type, params=None):
    target = frame["label"] if task_type == "classification" else frame["amount"]
    pipeline = build_pipeline(list(KINDS), KINDS, make_estimator(name, task_type, params))
    return pipeline.fit(frame[list(KINDS)], target.to_numpy())


ALL_ESTIMATORS = [(name, task_type) for name, info in ESTIMATORS.items() for task_type in info.task_types]


@pytest.mark.parametrize(("name", "task_type"), ALL_ESTIMATORS)
def test_save_and_load_round_trip_predicts_identically(frame, name, task_type):
    params = {"n_estimators": 5} if name == "random_forest" else {"max_iter": 10} if name.startswith("hist") else {}
    pipeline = _fit(frame, name, task_type, params)
    loaded = load_pipeline(save_pipeline(pipeline))
    X = frame[list(KINDS)]
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))
    if task_type == "classification":
        np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))


@pytest.mark.parametrize(
    "params",
    [{"algorithm": "ball_tree", "metric": "manhattan"}, {"algorithm": "kd_tree", "metric": "chebyshev"}],
)
def test_save_and_load_knn_trees_with_other_metrics(frame, params):
    pipeline = _fit(frame, "knn", "classification", params)
    loaded = load_pipeline(save_pipeline(pipeline))
    np.testing.assert_array_equal(loaded.predict_proba(frame[list(KINDS)]), pipeline.predict_proba(frame[list(KINDS)]))


def shout(X):
    """A function outside the allow-list: loading a pipeline that references it must be refused."""
    return X


def test_load_refuses_a_type_outside_the_allow_list(frame):
    pipeline = Pipeline([("custom", FunctionTransformer(shout)), ("model", LogisticRegression())])
    pipeline.fit(frame[["size"]], frame["label"])
    data = save_pipeline(pipeline)
    assert f"{__name__}.shout" in sio.get_untrusted_types(data=data)
    with pytest.raises(UntrustedModelError, match="shout"):
        load_pipeline(data)


def test_load_refuses_something_other_than_a_pipeline(frame):
    model = LogisticRegression().fit(frame[["size"]], frame["label"])
    with pytest.raises(UntrustedModelError, match="Pipeline"):
        load_pipeline(sio.dumps(model))
