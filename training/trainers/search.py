"""Cross-validated search over hyperparameter candidates, with progress and cancellation in the parent process.

For ``none``, ``grid`` and ``random`` searches Keel runs the loop itself: every (candidate, fold) fit and score is
one joblib task, consumed with ``return_as="generator_unordered"`` so that ``progress(done, total)`` is reported as
tasks finish and ``should_stop()`` can cancel between tasks (raising ``SearchCancelled``). Tasks run under
whatever joblib backend is active (``joblib.parallel_config(backend=...)``, e.g. Dask); a backend that cannot stream
results (``multiprocessing``) runs the tasks in chunks instead. ``halving`` uses sklearn's successive-halving
searches and reports progress per halving iteration.

Folds are ``StratifiedKFold`` for classification and ``KFold`` for regression, both shuffled with the spec's seed.
After the search, the best candidate is refitted on the whole training part.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import joblib
import numpy as np
import pandas as pd
import scipy.stats
from sklearn.base import clone
from sklearn.experimental import enable_halving_search_cv  # noqa: F401  (enables the imports below)
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    KFold,
    ParameterGrid,
    ParameterSampler,
    StratifiedKFold,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.parallel import Parallel, delayed

from training.trainers._json import json_float, json_floats, json_value
from training.trainers.estimators import CLASSIFICATION
from training.trainers.spec import SearchSpec

logger = logging.getLogger(__name__)
MODEL_PREFIX = "model__"
ProgressCallback = Callable[[int, int], None]
StopCallback = Callable[[], bool]


class SearchCancelled(Exception):
    """``should_stop()`` returned True: the search stopped between tasks."""


class SearchFailed(Exception):
    """No candidate could be fitted and scored on every fold."""


@dataclass(frozen=True)
class Hooks:
    """The caller's progress and cancellation callbacks, both optional, called in the parent process."""

    progress: ProgressCallback | None = None
    should_stop: StopCallback | None = None

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def check(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise SearchCancelled("the search was cancelled")


@dataclass(frozen=True)
class FoldScore:
    """The outcome of one (candidate, fold) task."""

    candidate: int
    fold: int
    score: float | None
    fit_time: float
    score_time: float
    error: str | None = None


@dataclass
class SearchOutcome:
    """Per-candidate CV results, the best candidate and the pipeline refitted with it on the training part."""

    best_estimator: Pipeline
    best_params: dict[str, Any]
    best_index: int
    results: list[dict[str, Any]]
    n_candidates: int
    n_folds: int
    search_time: float
    refit_time: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def best_result(self) -> dict[str, Any]:
        return self.results[self.best_index]


def make_folds(task_type: str, n_folds: int, seed: int) -> KFold | StratifiedKFold:
    """Shuffled, seeded folds: stratified for classification."""
    if task_type == CLASSIFICATION:
        return StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return KFold(n_splits=n_folds, shuffle=True, random_state=seed)


def to_distribution(value: Any) -> Any:
    """A search-space dimension as sklearn expects it: a list, or a frozen scipy distribution."""
    if not isinstance(value, Mapping):
        return list(value)
    low, high = value["low"], value["high"]
    if value["dist"] == "uniform":
        return scipy.stats.uniform(loc=low, scale=high - low)
    if value["dist"] == "loguniform":
        return scipy.stats.loguniform(low, high)
    return scipy.stats.randint(low, high)


def candidate_params(search: SearchSpec, seed: int) -> list[dict[str, Any]]:
    """The searched parameters of every candidate (estimator names, no prefix), as plain Python values."""
    space = {name: to_distribution(values) for name, values in search.space.items()}
    if search.kind == "none" or not space:
        return [{}]
    if search.kind == "random":
        candidates: Any = ParameterSampler(space, n_iter=search.n_iter, random_state=seed)
    else:
        candidates = ParameterGrid(space)
    return [{name: json_value(value) for name, value in candidate.items()} for candidate in candidates]


def prefixed(params: Mapping[str, Any]) -> dict[str, Any]:
    """Estimator parameters as pipeline parameters."""
    return {MODEL_PREFIX + name: value for name, value in params.items()}


def _fit_and_score(
    pipeline: Pipeline,
    X: pd.DataFrame,
    y: np.ndarray,
    split: tuple[np.ndarray, np.ndarray],
    key: tuple[int, int],
    params: dict[str, Any],
    scoring: str,
) -> FoldScore:
    """One joblib task: fit a clone on the fold's training rows and score it on its test rows."""
    train, test = split
    estimator = clone(pipeline).set_params(**prefixed(params))
    started = time.perf_counter()
    try:
        estimator.fit(X.iloc[train], y[train])
        fitted = time.perf_counter()
        score = get_scorer(scoring)(estimator, X.iloc[test], y[test])
    except Exception as exc:  # a failing candidate is recorded, like sklearn's error_score=nan
        return FoldScore(*key, None, time.perf_counter() - started, 0.0, f"{type(exc).__name__}: {exc}")
    return FoldScore(*key, json_float(score), fitted - started, time.perf_counter() - fitted)


def _stream(tasks: list[Any], n_jobs: int) -> Generator[FoldScore, None, None]:
    """Task results as they finish, under the active joblib backend."""
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except ValueError:  # this backend cannot stream results: run in chunks so progress still moves
        chunk = max(1, 2 * joblib.effective_n_jobs(n_jobs))
        for start in range(0, len(tasks), chunk):
            yield from Parallel(n_jobs=n_jobs)(tasks[start : start + chunk])
        return
    yield from parallel(tasks)


def _collect(tasks: list[Any], n_jobs: int, hooks: Hooks) -> list[FoldScore]:
    """Run the tasks, reporting progress after each and checking for cancellation between them."""
    hooks.check()
    hooks.report(0, len(tasks))
    done: list[FoldScore] = []
    stream = _stream(tasks, n_jobs)
    try:
        for result in stream:
            done.append(result)
            hooks.report(len(done), len(tasks))
            if len(done) < len(tasks):
                hooks.check()
    finally:
        stream.close()  # on cancellation, joblib aborts the tasks still pending
    return done


def _summarise(candidates: Sequence[dict[str, Any]], scores: list[FoldScore], n_folds: int) -> list[dict[str, Any]]:
    failed = [score for score in scores if score.error]
    if failed:
        logger.warning("%d of %d fits failed; first error: %s", len(failed), len(scores), failed[0].error)
    by_key = {(score.candidate, score.fold): score for score in scores}
    results = []
    for index, params in enumerate(candidates):
        folds = [by_key[(index, fold)] for fold in range(n_folds)]
        results.append(_candidate_result(index, params, folds))
    return _ranked(results)


def _candidate_result(index: int, params: dict[str, Any], folds: list[FoldScore]) -> dict[str, Any]:
    values = [fold.score for fold in folds]
    scores = [value for value in values if value is not None]
    complete = len(scores) == len(values)
    errors = [fold.error for fold in folds if fold.error]
    return {
        "index": index,
        "params": params,
        "mean_test_score": json_float(np.mean(scores)) if complete else None,
        "std_test_score": json_float(np.std(scores)) if complete else None,
        "fold_scores": values,
        "mean_fit_time": float(np.mean([fold.fit_time for fold in folds])),
        "mean_score_time": float(np.mean([fold.score_time for fold in folds])),
        "error": errors[0] if errors else None,
    }


def _ranked(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank 1 is the best mean score (ties share the lower rank, as in sklearn); failed candidates rank last."""
    means = [result["mean_test_score"] for result in results]
    for result, mean in zip(results, means, strict=True):
        better = sum(1 for other in means if other is not None and (mean is None or other > mean))
        result["rank"] = better + 1
    return results


def best_index(results: Sequence[dict[str, Any]]) -> int:
    """The first candidate with the best mean test score."""
    scored = [(result["mean_test_score"], -index) for index, result in enumerate(results)]
    valid = [pair for pair in scored if pair[0] is not None]
    if not valid:
        errors = {result["error"] for result in results if result["error"]}
        raise SearchFailed(f"every candidate failed: {'; '.join(sorted(errors))[:2000]}")
    return -max(valid)[1]


def _refit(pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, params: dict[str, Any]) -> tuple[Pipeline, float]:
    started = time.perf_counter()
    estimator = clone(pipeline).set_params(**prefixed(params)).fit(X, y)
    return estimator, time.perf_counter() - started


@dataclass(frozen=True)
class SearchConfig:
    """What ``run_search`` needs from the spec."""

    search: SearchSpec
    scoring: str
    cv_folds: int
    seed: int
    n_jobs: int
    fixed_params: dict[str, Any] = field(default_factory=dict)


def run_search(
    pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, *, config: SearchConfig, task_type: str, hooks: Hooks
) -> SearchOutcome:
    """Cross-validate every candidate on (X, y), pick the best, refit it on all of (X, y)."""
    cv = make_folds(task_type, config.cv_folds, config.seed)
    if config.search.kind == "halving":
        return _run_halving(pipeline, X, y, cv, config, hooks)
    started = time.perf_counter()
    candidates = candidate_params(config.search, config.seed)
    splits = list(cv.split(X, y))
    tasks = [
        delayed(_fit_and_score)(pipeline, X, y, split, (index, fold), params, config.scoring)
        for index, params in enumerate(candidates)
        for fold, split in enumerate(splits)
    ]
    results = _summarise(candidates, _collect(tasks, config.n_jobs, hooks), len(splits))
    best = best_index(results)
    search_time = time.perf_counter() - started
    hooks.check()
    estimator, refit_time = _refit(pipeline, X, y, candidates[best])
    best_params = {**config.fixed_params, **candidates[best]}
    return SearchOutcome(estimator, best_params, best, results, len(candidates), len(splits), search_time, refit_time)


class ObservedFolds:
    """A CV splitter that calls ``on_split()`` each time it splits, in the calling process.

    sklearn's halving searches split once per halving iteration before dispatching its fits, so this is where
    Keel reports their progress and checks for cancellation without touching sklearn's internals.
    """

    def __init__(self, folds: KFold | StratifiedKFold, on_split: Callable[[], None]) -> None:
        self.folds, self.on_split = folds, on_split

    def split(self, X: Any, y: Any = None, groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        self.on_split()
        return self.folds.split(X, y, groups)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return self.folds.get_n_splits(X, y, groups)


def _planned_iterations(n_candidates: int, factor: int = 3) -> int:
    """Successive-halving iterations needed for ``n_candidates`` (sklearn may stop earlier on few samples)."""
    return 1 + math.floor(math.log(max(1, n_candidates), factor))


def _halving_search(pipeline: Pipeline, cv: Any, config: SearchConfig) -> Any:
    space = {MODEL_PREFIX + name: to_distribution(value) for name, value in config.search.space.items()}
    common = {"cv": cv, "scoring": config.scoring, "random_state": config.seed, "n_jobs": config.n_jobs}
    if config.search.has_distributions:
        return HalvingRandomSearchCV(pipeline, space, n_candidates=config.search.n_iter, **common)
    return HalvingGridSearchCV(pipeline, space, **common)


def _observed(folds: KFold | StratifiedKFold, config: SearchConfig, hooks: Hooks) -> ObservedFolds:
    search = config.search
    n_candidates = search.n_iter if search.has_distributions else len(ParameterGrid(search.space))
    planned, started = _planned_iterations(n_candidates), 0

    def on_split() -> None:
        nonlocal started
        hooks.check()
        hooks.report(started, planned)
        started += 1

    return ObservedFolds(folds, on_split)


def _run_halving(
    pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, cv: Any, config: SearchConfig, hooks: Hooks
) -> SearchOutcome:
    search = _halving_search(pipeline, _observed(cv, config, hooks), config)
    started = time.perf_counter()
    search.fit(X, y)
    hooks.report(int(search.n_iterations_), int(search.n_iterations_))
    results = _halving_results(search.cv_results_, cv.get_n_splits())
    best_params = {**config.fixed_params, **results[search.best_index_]["params"]}
    extra = {"n_iterations": int(search.n_iterations_), "n_resources": json_value(search.n_resources_)}
    search_time = time.perf_counter() - started - search.refit_time_
    return SearchOutcome(
        best_estimator=search.best_estimator_,
        best_params=best_params,
        best_index=int(search.best_index_),
        results=results,
        n_candidates=int(search.n_candidates_[0]),
        n_folds=cv.get_n_splits(),
        search_time=search_time,
        refit_time=float(search.refit_time_),
        extra=extra,
    )


def _halving_results(cv_results: Mapping[str, Any], n_folds: int) -> list[dict[str, Any]]:
    """sklearn's halving ``cv_results_`` (one row per candidate and iteration) in Keel's shape."""
    results = [_halving_row(cv_results, index, n_folds) for index in range(len(cv_results["params"]))]
    return _halving_ranked(results)


def _halving_row(cv_results: Mapping[str, Any], index: int, n_folds: int) -> dict[str, Any]:
    fold_scores = json_floats(cv_results[f"split{fold}_test_score"][index] for fold in range(n_folds))
    params = cv_results["params"][index]
    return {
        "index": index,
        "params": {name.removeprefix(MODEL_PREFIX): json_value(value) for name, value in params.items()},
        "mean_test_score": json_float(cv_results["mean_test_score"][index]),
        "std_test_score": json_float(cv_results["std_test_score"][index]),
        "fold_scores": fold_scores,
        "mean_fit_time": float(cv_results["mean_fit_time"][index]),
        "mean_score_time": float(cv_results["mean_score_time"][index]),
        "error": None if None not in fold_scores else "a fold failed to fit or score",
        "iteration": int(cv_results["iter"][index]),
        "n_resources": int(cv_results["n_resources"][index]),
    }


def _halving_ranked(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Later iterations rank first (they used more resources), then by mean score, as halving picks its best."""

    def key(result: dict[str, Any]) -> tuple[int, float]:
        mean = result["mean_test_score"]
        return -result["iteration"], -mean if mean is not None else math.inf

    for result in results:
        result["rank"] = 1 + sum(1 for other in results if key(other) < key(result))
    return results
