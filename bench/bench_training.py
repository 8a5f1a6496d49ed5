"""Benchmark: Keel's cross-validated search against plain sklearn ``GridSearchCV`` on the same job.

Both run the same pipeline (Keel's preprocessing + a random forest), the same grid, the same seeded folds on the
same training part, with the same ``n_jobs``, and both refit the best candidate. Keel's figure is the search plus
refit part of ``train``; its full ``train`` time (with holdout evaluation, permutation importance and signature) is
printed too. Run with ``uv run python bench/bench_training.py`` (``--help`` for the knobs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, ParameterGrid

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.trainers.estimators import make_estimator
from training.trainers.pipeline import build_pipeline
from training.trainers.search import make_folds, prefixed
from training.trainers.spec import SearchSpec, TrainingSpec
from training.trainers.train import TrainingResult, prepare_data, train

TASK = "classification"
SPACE = {"max_depth": [12, None], "min_samples_leaf": [1, 5]}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2)
    return parser.parse_args()


def make_frame(rows: int, features: int, seed: int) -> pd.DataFrame:
    X, y = make_classification(
        n_samples=rows, n_features=features, n_informative=features // 2, n_classes=3, random_state=seed
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(features)])
    frame["label"] = y
    return frame


def make_spec(frame: pd.DataFrame, args: argparse.Namespace) -> TrainingSpec:
    features = [name for name in frame.columns if name != "label"]
    return TrainingSpec(
        target="label",
        features=features,
        estimator="random_forest",
        params={"n_estimators": args.n_estimators},
        search=SearchSpec(kind="grid", space=SPACE),
        cv_folds=args.folds,
        seed=args.seed,
        n_jobs=args.n_jobs,
        column_kinds=dict.fromkeys(features, "numeric"),
    )


def run_sklearn(frame: pd.DataFrame, spec: TrainingSpec) -> tuple[float, GridSearchCV]:
    data = prepare_data(frame, spec, TASK)
    estimator = make_estimator(spec.estimator, TASK, spec.params, seed=spec.seed)
    pipeline = build_pipeline(spec.features, data.kinds, estimator, spec.preprocessing)
    grid = {key: list(values) for key, values in prefixed(spec.search.space).items()}
    search = GridSearchCV(
        pipeline,
        grid,
        cv=make_folds(TASK, spec.cv_folds, spec.seed),
        scoring=spec.scoring_for(TASK),
        n_jobs=spec.n_jobs,
    )
    started = time.perf_counter()
    search.fit(data.X_train, data.y_train)
    return time.perf_counter() - started, search


def run_keel(frame: pd.DataFrame, spec: TrainingSpec) -> tuple[float, float, TrainingResult]:
    started = time.perf_counter()
    result = train(frame, spec, task_type=TASK)
    return result.timings["search"] + result.timings["refit"], time.perf_counter() - started, result


def main() -> None:
    args = parse_args()
    frame = make_frame(args.rows, args.features, args.seed)
    spec = make_spec(frame, args)
    Parallel(n_jobs=args.n_jobs)(delayed(abs)(i) for i in range(8))  # start the worker pool once, for both
    sklearn_times, keel_times, keel_totals = [], [], []
    for repeat in range(args.repeats):  # alternate the order, so neither side always runs on a warmer machine
        for side in ("sklearn", "keel") if repeat % 2 == 0 else ("keel", "sklearn"):
            if side == "sklearn":
                seconds, search = run_sklearn(frame, spec)
                sklearn_times.append(seconds)
            else:
                seconds, total, result = run_keel(frame, spec)
                keel_times.append(seconds)
                keel_totals.append(total)
            print(f"  run {repeat + 1} {side:8s} {seconds:8.2f} s", flush=True)
    report(args, sklearn_times, keel_times, statistics.median(keel_totals))
    print(f"keel train() phases (last run): {_breakdown(result.timings)}")
    same = abs(search.best_score_ - result.cv_summary["best_score_mean"]) < 1e-12
    searched = prefixed({name: result.best_params[name] for name in SPACE})
    print(f"same best params: {search.best_params_ == searched} ({searched})")
    print(f"same best CV score: {same} ({search.best_score_:.6f} vs {result.cv_summary['best_score_mean']:.6f})")


def report(args: argparse.Namespace, sklearn_times: list[float], keel_times: list[float], keel_total: float) -> None:
    n_fits = len(ParameterGrid(SPACE)) * args.folds
    print(f"data: {args.rows} rows x {args.features} features; {n_fits} CV fits + refit; n_jobs {args.n_jobs}")
    print(f"cpus: {os.cpu_count()}; load average now: {os.getloadavg()[0]:.2f}; {args.repeats} runs each")
    for label, statistic in (("median", statistics.median), ("best", min)):
        sklearn_time, keel_time = statistic(sklearn_times), statistic(keel_times)
        print(f"{label:6s} sklearn GridSearchCV.fit  {sklearn_time:8.2f} s")
        print(f"{label:6s} keel search + refit       {keel_time:8.2f} s")
        print(f"{label:6s} overhead                  {100 * (keel_time - sklearn_time) / sklearn_time:+8.1f} %")
    print(f"keel train() total (median)     {keel_total:8.2f} s  (adds holdout evaluation, importance, signature)")


def _breakdown(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items() if name != "total")


if __name__ == "__main__":
    main()
