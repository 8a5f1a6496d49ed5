"""A faster way through a fitted scikit-learn pipeline for small batches. Pure: no Django imports.

For one row, almost all of a pipeline's time goes to pandas and scikit-learn's input checks (building a
DataFrame, matching column names, re-validating at every step), not to arithmetic. Three exact shortcuts:

1. **One model call for classifiers.** For estimators whose ``predict`` is by construction the arg-max of
   ``predict_proba`` (listed in ``PROBA_ARGMAX``), the label is taken from the probabilities instead of running the
   whole pipeline a second time.
2. **Numeric inputs as one float array.** When the pipeline is ``ColumnTransformer`` -> ... -> estimator and
   every column the transformer reads is numeric in the signature, the rows become one float64 array in
   signature order and go through private copies of the fitted steps with their recorded feature names removed
   (so scikit-learn skips name matching). Nothing is refitted; the arithmetic is the same.
3. **Common steps as numpy arithmetic.** Median/mean imputation, standard/min-max/robust scaling and linear
   models (logistic regression, linear regression and its regularised variants) are evaluated directly from their
   fitted attributes (``statistics_``, ``mean_``/``scale_``, ``coef_``/``intercept_``) instead of through
   scikit-learn's per-call input validation. Other steps keep calling scikit-learn.

All of these are checked at load time against the plain pipeline on generated rows (including missing values); a model
whose outputs differ in any way is served by the plain path. See :func:`compile_pipeline`.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

PROBA_ARGMAX = frozenset(
    {
        "LogisticRegression",
        "DecisionTreeClassifier",
        "RandomForestClassifier",
        "ExtraTreesClassifier",
        "GradientBoostingClassifier",
        "HistGradientBoostingClassifier",
        "GaussianNB",
    }
)
_NUMERIC = ("numeric", "integer")


def frame(rows: list[dict[str, Any]], signature: dict[str, Any]) -> pd.DataFrame:
    """The plain path's input: a DataFrame with the signature's columns in order."""
    names = [spec["name"] for spec in signature.get("inputs") or []] or list(rows[0])
    return pd.DataFrame(rows, columns=names)


def final_estimator(pipeline: Any) -> Any:
    steps = getattr(pipeline, "steps", None)
    return steps[-1][1] if steps else pipeline


def is_classifier(pipeline: Any) -> bool:
    return hasattr(pipeline, "classes_") and hasattr(pipeline, "predict_proba")


def proba_gives_label(pipeline: Any) -> bool:
    """True when ``predict`` equals ``classes_[argmax(predict_proba)]`` by the estimator's construction."""
    return is_classifier(pipeline) and type(final_estimator(pipeline)).__name__ in PROBA_ARGMAX


def predict(pipeline: Any, X: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """(labels or values, class probabilities or None) with as few passes through ``pipeline`` as exactness allows."""
    if not is_classifier(pipeline):
        return np.asarray(pipeline.predict(X)), None
    probabilities = np.asarray(pipeline.predict_proba(X))
    if proba_gives_label(pipeline):
        return np.asarray(pipeline.classes_)[probabilities.argmax(axis=1)], probabilities
    return np.asarray(pipeline.predict(X)), probabilities


@dataclass
class Compiled:
    """Fitted steps that take a float array whose columns are ``columns`` (the signature's order)."""

    columns: list[str]
    blocks: list[tuple[np.ndarray, Any]]  # (column positions, fitted transformer or "passthrough")
    middle: list[Any]
    estimator: Any
    classes: np.ndarray | None
    proba_label: bool

    def matrix(self, rows: list[dict[str, Any]]) -> np.ndarray:
        return np.array([[row.get(c) for c in self.columns] for row in rows], dtype=np.float64)

    def __post_init__(self) -> None:
        self._lowered = [(idx, lower_transform(step)) for idx, step in self.blocks]
        self._middle = [lower_transform(step) for step in self.middle]
        self._scores = lower_estimator(self.estimator)

    def transform(self, X: np.ndarray) -> np.ndarray:
        parts = [_apply(fn, step, X[:, idx]) for (idx, step), (_, fn) in zip(self.blocks, self._lowered, strict=True)]
        out = np.hstack(parts) if len(parts) > 1 else parts[0]
        for step, fn in zip(self.middle, self._middle, strict=True):
            out = _apply(fn, step, out)
        return out

    def predict(self, rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray | None]:
        features = self.transform(self.matrix(rows))
        if self._scores is not None:
            scores = self._scores(features)
            if self.classes is None:
                return scores, None
            return self.classes[scores.argmax(axis=1)], scores
        if self.classes is None:
            return np.asarray(self.estimator.predict(features)), None
        probabilities = np.asarray(self.estimator.predict_proba(features))
        if self.proba_label:
            return self.classes[probabilities.argmax(axis=1)], probabilities
        return np.asarray(self.estimator.predict(features)), probabilities


Lowered = Callable[[np.ndarray], np.ndarray]


def _apply(fn: Lowered | None, step: Any, X: np.ndarray) -> np.ndarray:
    if step == "passthrough":
        return X
    return fn(X) if fn is not None else step.transform(X)


def lower_transform(step: Any) -> Lowered | None:
    """``step.transform`` as numpy arithmetic on a float array, or None when the step is not one we know exactly."""
    if isinstance(step, str):
        return None
    kind = type(step).__name__
    if kind == "Pipeline":
        parts = [lower_transform(s) for _, s in step.steps]
        lowered = [p for p in parts if p is not None]
        return partial(_chain, lowered) if len(lowered) == len(parts) else None
    if kind == "SimpleImputer":
        return _lower_imputer(step)
    if kind == "StandardScaler":
        return partial(_center_scale, _attr(step, "mean_", "with_mean"), _attr(step, "scale_", "with_std"))
    if kind == "RobustScaler":
        return partial(_center_scale, _attr(step, "center_", "with_centering"), _attr(step, "scale_", "with_scaling"))
    if kind == "MinMaxScaler" and not step.clip:
        return partial(_affine, np.asarray(step.scale_, dtype=float), np.asarray(step.min_, dtype=float))
    return None


def lower_estimator(estimator: Any) -> Lowered | None:
    """Class probabilities (classifiers) or predicted values (regressors) as numpy arithmetic, or None."""
    kind = type(estimator).__name__
    coef = getattr(estimator, "coef_", None)
    intercept = getattr(estimator, "intercept_", None)
    if coef is None or intercept is None:
        return None
    coef, intercept = np.asarray(coef, dtype=float), np.asarray(intercept, dtype=float)
    if kind == "LogisticRegression":
        binary = len(estimator.classes_) <= 2
        return partial(_logistic_binary if binary else _logistic_multinomial, coef, intercept)
    if kind in ("LinearRegression", "Ridge", "Lasso", "ElasticNet") and coef.ndim == 1:
        return partial(_linear, coef, intercept)
    return None


def _attr(step: Any, name: str, flag: str) -> np.ndarray | None:
    value = getattr(step, name, None)
    return None if value is None or not getattr(step, flag, True) else np.asarray(value, dtype=float)


def _lower_imputer(step: Any) -> Lowered | None:
    missing = step.missing_values
    if getattr(step, "indicator_", None) is not None or not (isinstance(missing, float) and np.isnan(missing)):
        return None
    statistics = np.asarray(step.statistics_, dtype=float)
    if np.isnan(statistics).any():  # all-missing training columns are dropped by scikit-learn: keep its path
        return None
    return partial(_impute, statistics)


def _chain(parts: list[Lowered], X: np.ndarray) -> np.ndarray:
    for part in parts:
        X = part(X)
    return X


def _impute(statistics: np.ndarray, X: np.ndarray) -> np.ndarray:
    missing = np.isnan(X)
    if not missing.any():
        return X
    X = X.copy()
    X[missing] = np.take(statistics, np.nonzero(missing)[1])
    return X


def _center_scale(center: np.ndarray | None, scale: np.ndarray | None, X: np.ndarray) -> np.ndarray:
    if center is not None:
        X = X - center
    if scale is not None:
        X = X / scale
    return X


def _affine(scale: np.ndarray, offset: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X * scale + offset


def _linear(coef: np.ndarray, intercept: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X @ coef + intercept


def _logistic_binary(coef: np.ndarray, intercept: np.ndarray, X: np.ndarray) -> np.ndarray:
    positive = special.expit(X @ coef.T + intercept).ravel()
    return np.stack([1 - positive, positive], axis=1)


def _logistic_multinomial(coef: np.ndarray, intercept: np.ndarray, X: np.ndarray) -> np.ndarray:
    return special.softmax(X @ coef.T + intercept, axis=1)


def compile_checked(pipeline: Any, signature: dict[str, Any]) -> Compiled | None:
    """:func:`compile_pipeline`, kept only when it agrees with the plain pipeline on :func:`parity_rows`."""
    try:
        compiled = compile_pipeline(pipeline, signature)
    except Exception:  # an estimator this module does not understand: the plain path serves it
        return None
    if compiled is None or not agrees(compiled, pipeline, signature, parity_rows(signature)):
        return None
    return compiled


def compile_pipeline(pipeline: Any, signature: dict[str, Any]) -> Compiled | None:
    """A :class:`Compiled` twin of ``pipeline`` for all-numeric inputs, or None when the shape does not allow one."""
    inputs = signature.get("inputs") or []
    columns = [spec["name"] for spec in inputs]
    numeric = {spec["name"] for spec in inputs if spec.get("kind") in _NUMERIC}
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) < 2 or not columns:
        return None
    first = steps[0][1]
    blocks = _blocks(first, columns, numeric)
    if blocks is None:
        return None
    return Compiled(
        columns=columns,
        blocks=blocks,
        middle=[_nameless(step) for _, step in steps[1:-1]],
        estimator=_nameless(steps[-1][1]),
        classes=np.asarray(pipeline.classes_) if is_classifier(pipeline) else None,
        proba_label=proba_gives_label(pipeline),
    )


def _blocks(transformer: Any, columns: list[str], numeric: set[str]) -> list[tuple[np.ndarray, Any]] | None:
    fitted = getattr(transformer, "transformers_", None)
    if fitted is None or getattr(transformer, "sparse_output_", False):
        return None
    position = {name: i for i, name in enumerate(columns)}
    blocks = []
    for _name, step, selected in fitted:
        names = list(selected) if isinstance(selected, list | tuple | np.ndarray) else None
        if names is None or not all(isinstance(n, str) for n in names):
            return None  # slices, masks or integer positions: keep the plain path
        if step == "drop" or not names:
            continue
        if any(n not in numeric or n not in position for n in names):
            return None
        blocks.append((np.array([position[n] for n in names]), step if step == "passthrough" else _nameless(step)))
    return blocks or None


def _nameless(step: Any) -> Any:
    """A private copy of a fitted step without recorded input names (recursively through pipelines)."""
    clone = copy.deepcopy(step)
    for part in [clone, *[s for _, s in getattr(clone, "steps", [])]]:
        if "feature_names_in_" in vars(part):  # a Pipeline's own is a property read from its first step
            del part.feature_names_in_
    return clone


def parity_rows(signature: dict[str, Any], count: int = 24, seed: int = 0) -> list[dict[str, Any]]:
    """Rows to compare the two paths on: inside and outside the training range, and with missing values."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        row: dict[str, Any] = {}
        for spec in signature.get("inputs") or []:
            low, high = spec.get("min"), spec.get("max")
            low = float(low) if low is not None else -1.0
            high = float(high) if high is not None and float(high) > low else low + 1.0
            span = high - low
            value = float(rng.uniform(low - 0.25 * span, high + 0.25 * span))
            if spec.get("kind") == "integer":
                value = float(round(value))
            row[spec["name"]] = None if (i % 6 == 5 and rng.random() < 0.3) else value
        rows.append(row)
    return rows


def agrees(compiled: Compiled, pipeline: Any, signature: dict[str, Any], rows: list[dict[str, Any]]) -> bool:
    """Whether the compiled path gives the plain pipeline's outputs on ``rows`` (labels exactly, probabilities and
    regression values to 1e-9 relative)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fast_labels, fast_proba = compiled.predict(rows)
            plain = frame(rows, signature)
            labels = np.asarray(pipeline.predict(plain))
            proba = np.asarray(pipeline.predict_proba(plain)) if compiled.classes is not None else None
    except Exception:
        return False
    if compiled.classes is None:
        return bool(np.allclose(fast_labels.astype(float), labels.astype(float), rtol=1e-9, atol=1e-12))
    if fast_proba is None or proba is None:
        return False
    return bool(np.array_equal(fast_labels, labels) and np.allclose(fast_proba, proba, rtol=1e-9, atol=1e-12))
