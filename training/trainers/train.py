"""Train one spec on one frame: holdout split, CV search, refit, holdout evaluation, explanation, signature.

``train`` is pure (no Django, no database): the Celery training job loads the dataset version into a DataFrame,
calls it with callbacks that update the job row, then stores the result. From a notebook::

    spec, errors = validate_spec(raw, task_type="classification", columns=kinds, roles=roles, n_rows=len(frame))
    result = train(frame, spec, task_type="classification")
    blob = save_pipeline(result.pipeline)
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field, fields
from typing import Any

import joblib
import numpy as np
import pandas as pd
import scipy
import sklearn
import skops
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from training.trainers._json import json_value
from training.trainers.cluster import search_backend
from training.trainers.estimators import CLASSIFICATION, TASK_TYPES, make_estimator
from training.trainers.evaluate import Evaluation, evaluate, permutation_importances
from training.trainers.persist import load_pipeline, save_pipeline
from training.trainers.pipeline import build_pipeline, infer_kind
from training.trainers.search import Hooks, ProgressCallback, SearchConfig, SearchOutcome, StopCallback, run_search
from training.trainers.signature import build_signature, input_example
from training.trainers.spec import TrainingSpec

__all__ = ["TrainingData", "TrainingError", "TrainingResult", "load_pipeline", "save_pipeline", "train"]


class TrainingError(ValueError):
    """The frame does not fit the spec (missing columns, no rows left)."""


@dataclass
class TrainingData:
    """The frame split into a training part and a holdout part, with each feature's kind."""

    X_train: pd.DataFrame
    X_holdout: pd.DataFrame
    y_train: np.ndarray
    y_holdout: np.ndarray
    kinds: dict[str, str]
    n_dropped: int
    target_dtype: str


@dataclass
class TrainingResult:
    """Everything a training run produces. All fields but ``pipeline`` are JSON-able (see ``to_dict``)."""

    pipeline: Pipeline
    best_params: dict[str, Any]
    cv_results: list[dict[str, Any]]
    cv_summary: dict[str, Any]
    holdout_metrics: dict[str, float | None]
    evaluation: dict[str, Any]
    permutation_importance: list[dict[str, Any]]
    signature: dict[str, Any]
    input_example: list[dict[str, Any]]
    classes: list[Any] | None
    data_summary: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able fields (everything except the fitted pipeline)."""
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "pipeline"}


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved pipeline depends on."""
    return {
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "skops": skops.__version__,
    }


def _target(series: pd.Series, task_type: str) -> np.ndarray:
    if task_type == CLASSIFICATION:
        return np.asarray(series.tolist())
    return series.to_numpy(dtype="float64")


def prepare_data(frame: pd.DataFrame, spec: TrainingSpec, task_type: str) -> TrainingData:
    """Select the spec's columns, drop rows without a target and split off the seeded (stratified) holdout."""
    missing = [name for name in [spec.target, *spec.features] if name not in frame.columns]
    if missing:
        raise TrainingError(f"the frame lacks columns: {', '.join(missing)}")
    labelled = frame[frame[spec.target].notna()]
    if len(labelled) == 0:
        raise TrainingError(f"no rows have a value for the target {spec.target!r}")
    X, y = labelled[list(spec.features)], _target(labelled[spec.target], task_type)
    stratify = y if task_type == CLASSIFICATION else None
    X_train, X_holdout, y_train, y_holdout = train_test_split(
        X, y, test_size=spec.holdout_fraction, random_state=spec.seed, stratify=stratify
    )
    kinds = {name: spec.column_kinds.get(name) or infer_kind(frame[name]) for name in spec.features}
    n_dropped, target_dtype = len(frame) - len(labelled), str(frame[spec.target].dtype)
    return TrainingData(X_train, X_holdout, y_train, y_holdout, kinds, n_dropped, target_dtype)


def _search(
    data: TrainingData, spec: TrainingSpec, task_type: str, hooks: Hooks, scheduler_address: str | None = None
) -> SearchOutcome:
    estimator = make_estimator(spec.estimator, task_type, spec.params, seed=spec.seed)
    pipeline = build_pipeline(spec.features, data.kinds, estimator, spec.preprocessing)
    config = SearchConfig(
        search=spec.search,
        scoring=spec.scoring_for(task_type),
        cv_folds=spec.cv_folds,
        seed=spec.seed,
        n_jobs=spec.n_jobs,
        fixed_params=dict(spec.params),
    )
    with search_backend(scheduler_address):
        return run_search(pipeline, data.X_train, data.y_train, config=config, task_type=task_type, hooks=hooks)


def _cv_summary(outcome: SearchOutcome, spec: TrainingSpec, task_type: str) -> dict[str, Any]:
    best = outcome.best_result
    return {
        "scoring": spec.scoring_for(task_type),
        "search_kind": spec.search.kind,
        "best_index": outcome.best_index,
        "best_score_mean": best["mean_test_score"],
        "best_score_std": best["std_test_score"],
        "n_candidates": outcome.n_candidates,
        "n_folds": outcome.n_folds,
        **outcome.extra,
    }


class _Clock:
    """Wall time per phase of ``train``."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self.last = now - self.last, now

    def record(self, **laps: float) -> None:
        self.laps |= laps
        self.last = time.perf_counter()

    def total(self) -> dict[str, float]:
        return {**self.laps, "total": time.perf_counter() - self.started}


def train(
    frame: pd.DataFrame,
    spec: TrainingSpec,
    *,
    task_type: str,
    progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    scheduler_address: str | None = None,
) -> TrainingResult:
    """Train ``spec`` on ``frame``; ``progress(done, total)`` follows the CV tasks, ``should_stop()`` cancels.
    With ``scheduler_address`` the search's tasks run on that Dask cluster (see ``trainers.cluster``)."""
    if task_type not in TASK_TYPES:
        raise TrainingError(f"task_type must be one of {', '.join(TASK_TYPES)}")
    hooks, clock = Hooks(progress, should_stop), _Clock()
    data = prepare_data(frame, spec, task_type)
    clock.lap("prepare")
    outcome = _search(data, spec, task_type, hooks, scheduler_address)
    clock.record(search=outcome.search_time, refit=outcome.refit_time)
    evaluation = evaluate(outcome.best_estimator, data.X_holdout, data.y_holdout, task_type=task_type)
    clock.lap("evaluate")
    hooks.check()
    importance = permutation_importances(
        outcome.best_estimator,
        data.X_holdout,
        data.y_holdout,
        scoring=spec.scoring_for(task_type),
        seed=spec.seed,
        n_jobs=spec.n_jobs,
    )
    clock.lap("importance")
    return _result(data, spec, task_type, outcome, evaluation, importance, clock)


def _signature(data: TrainingData, spec: TrainingSpec, task_type: str, classes: list[Any] | None) -> dict[str, Any]:
    return build_signature(
        data.X_train,
        data.kinds,
        target=spec.target,
        target_dtype=data.target_dtype,
        task_type=task_type,
        classes=classes,
    )


def _result(
    data: TrainingData,
    spec: TrainingSpec,
    task_type: str,
    outcome: SearchOutcome,
    evaluation: Evaluation,
    importance: list[dict[str, Any]],
    clock: _Clock,
) -> TrainingResult:
    model = outcome.best_estimator
    classes = json_value(list(model.classes_)) if task_type == CLASSIFICATION else None
    return TrainingResult(
        pipeline=model,
        best_params=json_value(outcome.best_params),
        cv_results=outcome.results,
        cv_summary=_cv_summary(outcome, spec, task_type),
        holdout_metrics=evaluation.metrics,
        evaluation=evaluation.details,
        permutation_importance=importance,
        signature=_signature(data, spec, task_type, classes),
        input_example=input_example(data.X_holdout),
        classes=classes,
        data_summary=_data_summary(data),
        timings=clock.total(),
        versions=library_versions(),
    )


def _data_summary(data: TrainingData) -> dict[str, int]:
    n_train, n_holdout = len(data.X_train), len(data.X_holdout)
    return {"n_rows": n_train + n_holdout, "n_train": n_train, "n_holdout": n_holdout, "n_dropped": data.n_dropped}
