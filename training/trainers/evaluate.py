"""Holdout evaluation of a fitted pipeline, and permutation importance as the global explanation.

Metric names (flat, for acceptance criteria): classification ``accuracy``, ``balanced_accuracy``,
``precision_macro``, ``recall_macro``, ``f1_macro``, ``precision_weighted``, ``recall_weighted``, ``f1_weighted``,
``roc_auc`` (binary: the positive class, i.e. the last of the sorted labels; multiclass: one-vs-rest macro) and
``log_loss``; regression ``mae``, ``rmse``, ``r2``, ``mape``, ``median_ae`` and ``explained_variance``. A metric
that cannot be computed on the holdout (e.g. ROC AUC when a class is absent) is None.

Details hold the confusion matrix, ROC and precision-recall curves (binary: the positive class; multiclass: one per
class, one-vs-rest), the calibration curve (binary) and, for regression, a residual summary. Curves are downsampled
to at most ``MAX_CURVE_POINTS`` points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.calibration import calibration_curve
from sklearn.inspection import permutation_importance

from training.trainers._json import json_float, json_floats, json_value
from training.trainers.estimators import CLASSIFICATION

MAX_CURVE_POINTS = 200
RESIDUAL_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Evaluation:
    """Flat holdout metrics (JSON floats or None) and the JSON-able details behind them."""

    metrics: dict[str, float | None]
    details: dict[str, Any]


def _safe(compute: Callable[[], Any]) -> float | None:
    """A metric value, or None when the holdout cannot support it."""
    try:
        return json_float(compute())
    except ValueError:
        return None


def downsample(n_points: int, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` evenly spaced points, keeping the first and the last."""
    if n_points <= limit:
        return np.arange(n_points)
    return np.unique(np.linspace(0, n_points - 1, limit).round().astype(int))


def _curve(**arrays: np.ndarray) -> dict[str, list[float | None]]:
    """Parallel point lists, downsampled together."""
    keep = downsample(len(next(iter(arrays.values()))))
    return {name: json_floats(values[keep]) for name, values in arrays.items()}


def evaluate(model: Any, X: pd.DataFrame, y: np.ndarray, *, task_type: str) -> Evaluation:
    """Evaluate a fitted pipeline on the holdout."""
    if task_type == CLASSIFICATION:
        return evaluate_classifier(model, X, y)
    return evaluate_regressor(model, X, y)


def classification_metrics(
    y: np.ndarray, predicted: np.ndarray, proba: np.ndarray | None, labels: Sequence[Any]
) -> dict[str, float | None]:
    """Label metrics, then probability metrics when ``proba`` (columns in ``labels`` order) is given."""
    values: dict[str, float | None] = {
        "accuracy": json_float(metrics.accuracy_score(y, predicted)),
        "balanced_accuracy": json_float(metrics.balanced_accuracy_score(y, predicted)),
    }
    for average in ("macro", "weighted"):
        precision, recall, f1, _ = metrics.precision_recall_fscore_support(
            y, predicted, labels=labels, average=average, zero_division=0
        )
        values |= {f"precision_{average}": precision, f"recall_{average}": recall, f"f1_{average}": f1}
    values = {name: json_float(value) for name, value in values.items()}
    values["roc_auc"] = _roc_auc(y, proba, labels) if proba is not None else None
    values["log_loss"] = _safe(lambda: metrics.log_loss(y, proba, labels=labels)) if proba is not None else None
    return values


def _roc_auc(y: np.ndarray, proba: np.ndarray, labels: Sequence[Any]) -> float | None:
    if len(labels) == 2:
        return _safe(lambda: metrics.roc_auc_score(y == labels[1], proba[:, 1]))
    return _safe(lambda: metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels))


def evaluate_classifier(model: Any, X: pd.DataFrame, y: np.ndarray) -> Evaluation:
    """Classification metrics, confusion matrix and curves on the holdout."""
    labels = list(model.classes_)
    predicted = model.predict(X)
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    details: dict[str, Any] = {"labels": json_value(labels), "confusion_matrix": _confusion(y, predicted, labels)}
    if proba is not None:
        details |= _probability_curves(y, proba, labels)
    return Evaluation(classification_metrics(y, predicted, proba, labels), details)


def _confusion(y: np.ndarray, predicted: np.ndarray, labels: list[Any]) -> dict[str, Any]:
    matrix = metrics.confusion_matrix(y, predicted, labels=labels)
    return {"labels": json_value(labels), "matrix": matrix.tolist(), "rows": "actual", "columns": "predicted"}


def _probability_curves(y: np.ndarray, proba: np.ndarray, labels: list[Any]) -> dict[str, Any]:
    """ROC and precision-recall curves per class (binary: only the positive class) and the binary calibration."""
    positives = labels[1:] if len(labels) == 2 else labels
    roc, pr = [], []
    for label in positives:
        truth, score = y == label, proba[:, labels.index(label)]
        if truth.all() or not truth.any():
            continue
        roc.append({"label": json_value(label), **_roc_curve(truth, score)})
        pr.append({"label": json_value(label), **_pr_curve(truth, score)})
    curves: dict[str, Any] = {"roc_curves": roc, "pr_curves": pr}
    if len(labels) == 2:
        curves["calibration"] = _calibration(y == labels[1], proba[:, 1])
    return curves


def _roc_curve(truth: np.ndarray, score: np.ndarray) -> dict[str, Any]:
    fpr, tpr, thresholds = metrics.roc_curve(truth, score)
    return {"auc": json_float(metrics.auc(fpr, tpr)), **_curve(fpr=fpr, tpr=tpr, thresholds=thresholds)}


def _pr_curve(truth: np.ndarray, score: np.ndarray) -> dict[str, Any]:
    precision, recall, thresholds = metrics.precision_recall_curve(truth, score)
    average = json_float(metrics.average_precision_score(truth, score))
    # precision/recall have one more point than thresholds (the end point at recall 0, no threshold)
    thresholds = np.append(thresholds, np.nan)
    return {"average_precision": average, **_curve(precision=precision, recall=recall, thresholds=thresholds)}


def _calibration(truth: np.ndarray, score: np.ndarray, n_bins: int = 10) -> dict[str, Any] | None:
    if truth.all() or not truth.any():
        return None
    prob_true, prob_pred = calibration_curve(truth, score, n_bins=n_bins, strategy="uniform")
    return {"n_bins": n_bins, "prob_true": json_floats(prob_true), "prob_pred": json_floats(prob_pred)}


def regression_metrics(y: np.ndarray, predicted: np.ndarray) -> dict[str, float | None]:
    """Regression metrics on the holdout."""
    return {
        "mae": _safe(lambda: metrics.mean_absolute_error(y, predicted)),
        "rmse": _safe(lambda: metrics.root_mean_squared_error(y, predicted)),
        "r2": _safe(lambda: metrics.r2_score(y, predicted)),
        "mape": _safe(lambda: metrics.mean_absolute_percentage_error(y, predicted)),
        "median_ae": _safe(lambda: metrics.median_absolute_error(y, predicted)),
        "explained_variance": _safe(lambda: metrics.explained_variance_score(y, predicted)),
    }


def residual_summary(y: np.ndarray, predicted: np.ndarray) -> dict[str, float | None]:
    """Mean, std, min, max and quantiles of ``y - predicted``."""
    residuals = np.asarray(y, dtype=float) - np.asarray(predicted, dtype=float)
    summary = {"mean": np.mean(residuals), "std": np.std(residuals), "min": np.min(residuals), "max": np.max(residuals)}
    summary |= {f"q{round(q * 100):02d}": np.quantile(residuals, q) for q in RESIDUAL_QUANTILES}
    return {name: json_float(value) for name, value in summary.items()}


def evaluate_regressor(model: Any, X: pd.DataFrame, y: np.ndarray) -> Evaluation:
    """Regression metrics and the residual summary on the holdout."""
    predicted = model.predict(X)
    return Evaluation(regression_metrics(y, predicted), {"residuals": residual_summary(y, predicted)})


def permutation_importances(
    model: Any, X: pd.DataFrame, y: np.ndarray, *, scoring: str, seed: int, n_repeats: int = 5, n_jobs: int = 1
) -> list[dict[str, Any]]:
    """Mean and std drop in ``scoring`` when each input feature is shuffled on the holdout, most important first."""
    result = permutation_importance(model, X, y, scoring=scoring, n_repeats=n_repeats, random_state=seed, n_jobs=n_jobs)
    rows = [
        {"feature": str(name), "mean": json_float(mean), "std": json_float(std)}
        for name, mean, std in zip(X.columns, result.importances_mean, result.importances_std, strict=True)
    ]
    return sorted(rows, key=lambda row: -(row["mean"] if row["mean"] is not None else -np.inf))
