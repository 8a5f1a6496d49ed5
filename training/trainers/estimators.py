"""The allow-list of estimators Keel trains: sklearn class per task type, default parameters, parameter checks.

Only estimators listed here can be named in a training spec. Defaults are applied first, then the spec's fixed
parameters, then a search candidate's. Estimators that take ``random_state`` are seeded with the spec's seed
unless the spec sets ``random_state`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASK_TYPES = (CLASSIFICATION, REGRESSION)


@dataclass(frozen=True)
class EstimatorInfo:
    """One allow-listed estimator: its sklearn class per task type, defaults, and parameters users may not set."""

    name: str
    classes: Mapping[str, type[BaseEstimator]]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    locked: frozenset[str] = frozenset()

    @property
    def task_types(self) -> tuple[str, ...]:
        return tuple(self.classes)


ESTIMATORS: dict[str, EstimatorInfo] = {
    info.name: info
    for info in (
        EstimatorInfo("logistic_regression", {CLASSIFICATION: LogisticRegression}, {"max_iter": 1000}),
        EstimatorInfo("random_forest", {CLASSIFICATION: RandomForestClassifier, REGRESSION: RandomForestRegressor}),
        EstimatorInfo(
            "hist_gradient_boosting",
            {CLASSIFICATION: HistGradientBoostingClassifier, REGRESSION: HistGradientBoostingRegressor},
        ),
        EstimatorInfo("svm", {CLASSIFICATION: SVC}, {"probability": True}, frozenset({"probability"})),
        EstimatorInfo("knn", {CLASSIFICATION: KNeighborsClassifier}),
        EstimatorInfo("decision_tree", {CLASSIFICATION: DecisionTreeClassifier}),
        EstimatorInfo("ridge", {REGRESSION: Ridge}),
        EstimatorInfo("lasso", {REGRESSION: Lasso}, {"max_iter": 5000}),
    )
}


def estimator_names(task_type: str | None = None) -> list[str]:
    """Allow-listed estimator names, optionally only those valid for ``task_type``."""
    return sorted(name for name, info in ESTIMATORS.items() if task_type is None or task_type in info.classes)


def make_estimator(name: str, task_type: str, params: Mapping[str, Any] | None = None, *, seed: int = 0) -> Any:
    """An unfitted estimator: defaults, then ``random_state=seed`` where supported, then ``params``."""
    info = ESTIMATORS[name]
    estimator = info.classes[task_type](**info.defaults)
    if "random_state" in estimator.get_params(deep=False):
        estimator.set_params(random_state=seed)
    return estimator.set_params(**dict(params or {}))


def param_names(name: str, task_type: str) -> list[str]:
    """The hyperparameter names a spec may set for this estimator."""
    info = ESTIMATORS[name]
    names = info.classes[task_type]().get_params(deep=False)
    return sorted(set(names) - info.locked)


def param_error(name: str, task_type: str, param: str, value: Any) -> str | None:
    """Why ``param=value`` is invalid for this estimator (sklearn's own parameter validation), or None."""
    estimator = make_estimator(name, task_type)
    try:
        estimator.set_params(**{param: value})
        estimator._validate_params()
    except (InvalidParameterError, ValueError, TypeError) as exc:
        return str(exc)
    return None
