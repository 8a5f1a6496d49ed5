"""CV search through ``train``: every search kind, progress, cancellation, reproducibility, joblib backends."""

from __future__ import annotations

import joblib
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from threadpoolctl import threadpool_limits

from training.trainers import SearchCancelled, SearchFailed, TrainingSpec, infer_kinds, train, validate_spec
from training.trainers.search import candidate_params


@pytest.fixture(autouse=True, scope="module")
def _one_native_thread():
    """OpenMP/BLAS in this process on one thread: on a busy small machine, thread contention dominates tiny fits."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def cancer():
    """Breast cancer with its ten "mean" features: still easy, and permutation importance stays cheap."""
    frame = load_breast_cancer(as_frame=True).frame
    return frame[[*frame.columns[:10], "target"]]


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(as_frame=True).frame


def _spec(frame, task_type, raw) -> TrainingSpec:
    roles = {name: "target" if name == "target" else "feature" for name in frame.columns}
    counts = frame["target"].value_counts().to_dict() if task_type == "classification" else None
    spec, errors = validate_spec(
        {"cv_folds": 3, "n_jobs": 1, **raw},
        task_type=task_type,
        columns=infer_kinds(frame),
        roles=roles,
        n_rows=len(frame),
        class_counts=counts,
    )
    assert errors == []
    return spec


CLASSIFICATION_SEARCHES = {
    "none": {"kind": "none"},
    "grid": {"kind": "grid", "space": {"C": [0.1, 1.0]}},
    "random": {"kind": "random", "space": {"C": {"dist": "loguniform", "low": 0.01, "high": 10}}, "n_iter": 3},
    "halving": {"kind": "halving", "space": {"C": [0.01, 0.1, 1.0, 10.0]}},
}


@pytest.mark.parametrize("kind", list(CLASSIFICATION_SEARCHES))
def test_train_classification_search_scores_well(cancer, kind):
    spec = _spec(
        cancer, "classification", {"estimator": "logistic_regression", "search": CLASSIFICATION_SEARCHES[kind]}
    )
    result = train(cancer, spec, task_type="classification")
    assert result.cv_summary["search_kind"] == kind
    assert result.cv_summary["best_score_mean"] > 0.9
    assert result.holdout_metrics["f1_macro"] > 0.9
    assert result.classes == [0, 1]
    best = result.cv_results[result.cv_summary["best_index"]]
    assert best["rank"] == 1
    assert result.best_params == {**spec.params, **best["params"]}


REGRESSION_SPECS = {
    "none": {"estimator": "ridge"},
    "grid": {"estimator": "ridge", "search": {"kind": "grid", "space": {"alpha": [0.01, 0.1, 1.0]}}},
    "random": {
        "estimator": "random_forest",
        "params": {"n_estimators": 30},
        "search": {"kind": "random", "space": {"max_depth": {"dist": "randint", "low": 2, "high": 6}}, "n_iter": 2},
    },
    "halving": {
        "estimator": "hist_gradient_boosting",
        "params": {"max_iter": 40},
        "search": {"kind": "halving", "space": {"learning_rate": [0.03, 0.1, 0.3]}},
    },
}


@pytest.mark.parametrize("kind", list(REGRESSION_SPECS))
def test_train_regression_search_scores_well(diabetes, kind):
    result = train(diabetes, _spec(diabetes, "regression", REGRESSION_SPECS[kind]), task_type="regression")
    assert result.cv_summary["scoring"] == "neg_root_mean_squared_error"
    assert -70 < result.cv_summary["best_score_mean"] < -45  # the target's std is 77
    assert result.holdout_metrics["rmse"] < 70
    assert result.holdout_metrics["r2"] > 0.2
    assert result.classes is None


def _grid():
    """Three candidates: nine (candidate, fold) tasks with three folds."""
    return {"search": {"kind": "grid", "space": {"C": [0.01, 0.1, 1.0]}}}


def test_train_reports_progress_up_to_the_total(cancer):
    calls = []
    spec = _spec(cancer, "classification", {"estimator": "logistic_regression", **_grid(), "n_jobs": 2})
    train(cancer, spec, task_type="classification", progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 9) and calls[-1] == (9, 9)
    assert [done for done, _ in calls] == list(range(10))


def test_train_halving_reports_progress_per_iteration(cancer):
    calls = []
    spec = _spec(
        cancer, "classification", {"estimator": "logistic_regression", "search": CLASSIFICATION_SEARCHES["halving"]}
    )
    result = train(cancer, spec, task_type="classification", progress=lambda done, total: calls.append((done, total)))
    n_iterations = result.cv_summary["n_iterations"]
    assert calls[0][0] == 0 and calls[-1] == (n_iterations, n_iterations)


def test_train_is_reproducible_with_the_same_spec_and_seed(cancer):
    raw = {
        "estimator": "random_forest",
        "params": {"n_estimators": 15},
        "search": {"kind": "random", "space": {"max_depth": {"dist": "randint", "low": 2, "high": 8},
                                               "max_features": {"dist": "uniform", "low": 0.2, "high": 0.9}},
                   "n_iter": 3},
        "n_jobs": 2,
        "seed": 3,
    }  # fmt: skip
    first, second = (train(cancer, _spec(cancer, "classification", raw), task_type="classification") for _ in "ab")
    assert first.best_params == second.best_params
    assert first.holdout_metrics == second.holdout_metrics
    assert [r["fold_scores"] for r in first.cv_results] == [r["fold_scores"] for r in second.cv_results]
    assert first.permutation_importance == second.permutation_importance
    other = _spec(cancer, "classification", {**raw, "seed": 4})
    assert candidate_params(other.search, other.seed) != [result["params"] for result in first.cv_results]


# "multiprocessing" is left out: joblib cannot stream results from it (it falls back to chunks) and under a loaded
# CI machine its pool start-up hung past the test timeout; loky (the default) and threading are what Keel uses.
@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_train_runs_under_the_active_joblib_backend(cancer, backend):
    spec = _spec(cancer, "classification", {"estimator": "logistic_regression", **_grid(), "n_jobs": 2})
    calls = []
    reference = train(cancer, spec, task_type="classification")
    with joblib.parallel_config(backend=backend):
        result = train(cancer, spec, task_type="classification", progress=lambda done, total: calls.append(done))
    assert [r["fold_scores"] for r in result.cv_results] == [r["fold_scores"] for r in reference.cv_results]
    assert calls[-1] == 9


def test_train_records_a_failing_candidate_and_ranks_it_last(cancer):
    # n_neighbors larger than a training fold fails when scoring; the other candidate still wins
    spec = _spec(
        cancer, "classification", {"estimator": "knn", "search": {"kind": "grid", "space": {"n_neighbors": [5, 5000]}}}
    )
    result = train(cancer, spec, task_type="classification")
    failed = result.cv_results[1]
    assert failed["mean_test_score"] is None and failed["error"] and failed["rank"] == 2
    assert result.best_params == {"n_neighbors": 5}


def test_train_raises_when_every_candidate_fails(cancer):
    spec = _spec(cancer, "classification", {"estimator": "knn", "params": {"n_neighbors": 5000}})
    with pytest.raises(SearchFailed, match="n_neighbors"):
        train(cancer, spec, task_type="classification")


# Cancelling aborts joblib's worker pool, which the next parallel test would have to restart: keep these last.
def test_train_should_stop_cancels_between_tasks(cancer):
    calls = []
    spec = _spec(cancer, "classification", {"estimator": "logistic_regression", **_grid(), "n_jobs": 2})
    with pytest.raises(SearchCancelled):
        train(
            cancer,
            spec,
            task_type="classification",
            progress=lambda done, total: calls.append(done),
            should_stop=lambda: len(calls) >= 3,
        )
    assert max(calls) < 9


@pytest.mark.parametrize("kind", ["none", "halving"])
def test_train_should_stop_cancels_before_work_starts(cancer, kind):
    spec = _spec(
        cancer, "classification", {"estimator": "logistic_regression", "search": CLASSIFICATION_SEARCHES[kind]}
    )
    with pytest.raises(SearchCancelled):
        train(cancer, spec, task_type="classification", should_stop=lambda: True)
