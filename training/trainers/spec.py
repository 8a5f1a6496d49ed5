"""The training spec: which columns, preprocessing, estimator, hyperparameters, search, folds and scoring.

``validate_spec`` turns a raw JSON-like mapping plus facts about the dataset version into a ``TrainingSpec`` or a
list of field errors ``{"field": "spec.search.space.C", "message": "...", "code": "..."}`` (the shape of
``core.errors.ValidationFailed``), so the API can reject a bad spec before any job is queued.

Defaults: ``target`` is the one column with role ``target``; ``features`` are the columns with role ``feature``
except the target and datetime columns (list a datetime column explicitly to use it); ``cv_folds`` 5, ``scoring``
``f1_macro`` (classification) or ``neg_root_mean_squared_error`` (regression), ``holdout_fraction`` 0.2, ``seed`` 0,
``n_jobs`` -1, ``search`` ``{"kind": "none"}`` (cross-validate the fixed parameters only), ``n_iter`` 10.

Search spaces map estimator parameter names (without the ``model__`` prefix) to a list of values, or, for
``random`` and ``halving`` searches, to a distribution ``{"dist": "uniform"|"loguniform"|"randint", "low": ..,
"high": ..}`` (``randint`` excludes ``high``, as ``scipy.stats.randint`` does). A ``halving`` search whose space
holds a distribution samples ``n_iter`` candidates (successive halving over random candidates); otherwise it halves
over the full grid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import ParameterGrid

from training.trainers.estimators import (
    CLASSIFICATION,
    ESTIMATORS,
    REGRESSION,
    TASK_TYPES,
    estimator_names,
    param_error,
    param_names,
)
from training.trainers.pipeline import COLUMN_KINDS, check_preprocessing

SEARCH_KINDS = ("none", "grid", "random", "halving")
DISTRIBUTIONS = ("uniform", "loguniform", "randint")
MAX_CANDIDATES = 500
MAX_SEED = 2**32 - 1
DEFAULT_SCORING = {CLASSIFICATION: "f1_macro", REGRESSION: "neg_root_mean_squared_error"}
SPEC_KEYS = frozenset(
    {
        "target",
        "features",
        "preprocessing",
        "estimator",
        "params",
        "search",
        "cv_folds",
        "scoring",
        "holdout_fraction",
        "seed",
        "n_jobs",
    }
)
_SCORER_TASKS = {"_regression": (REGRESSION,), "_classification": (CLASSIFICATION,), "_ranking": (CLASSIFICATION,)}


@dataclass(frozen=True)
class SearchSpec:
    """How candidates are chosen: ``kind`` none|grid|random|halving, the ``space``, and ``n_iter`` for sampling."""

    kind: str = "none"
    space: dict[str, Any] = field(default_factory=dict)
    n_iter: int = 10

    @property
    def has_distributions(self) -> bool:
        return any(isinstance(values, Mapping) for values in self.space.values())


@dataclass(frozen=True)
class TrainingSpec:
    """A validated training spec. ``column_kinds`` holds the kind of every feature (filled by ``validate_spec``)."""

    target: str
    features: list[str]
    estimator: str
    params: dict[str, Any] = field(default_factory=dict)
    search: SearchSpec = field(default_factory=SearchSpec)
    preprocessing: dict[str, dict[str, Any]] = field(default_factory=dict)
    cv_folds: int = 5
    scoring: str | None = None
    holdout_fraction: float = 0.2
    seed: int = 0
    n_jobs: int = -1
    column_kinds: dict[str, str] = field(default_factory=dict)

    def scoring_for(self, task_type: str) -> str:
        """The scoring name, defaulting by task type."""
        return self.scoring or DEFAULT_SCORING[task_type]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict; ``TrainingSpec.from_dict`` rebuilds the spec from it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainingSpec:
        """Rebuild a spec stored with ``to_dict`` (no validation: validate raw input with ``validate_spec``)."""
        values = dict(data)
        values["search"] = SearchSpec(**values.get("search", {}))
        return cls(**values)


class _Errors(list[dict[str, str]]):
    def add(self, field_name: str, message: str, code: str) -> None:
        self.append({"field": field_name, "message": message, "code": code})


def validate_spec(
    raw: Mapping[str, Any],
    *,
    task_type: str,
    columns: Mapping[str, str],
    roles: Mapping[str, str],
    n_rows: int,
    class_counts: Mapping[Any, int] | None = None,
) -> tuple[TrainingSpec | None, list[dict[str, str]]]:
    """Validate a raw spec against the dataset's columns (name -> kind), roles (name -> role) and row counts."""
    errors = _Errors()
    if task_type not in TASK_TYPES:
        errors.add("task_type", f"must be one of {', '.join(TASK_TYPES)}", "invalid_choice")
        return None, list(errors)
    if not isinstance(raw, Mapping):
        errors.add("spec", "must be an object", "invalid")
        return None, list(errors)
    for key in sorted(set(raw) - SPEC_KEYS):
        errors.add(f"spec.{key}", f"unknown field; known fields: {', '.join(sorted(SPEC_KEYS))}", "unknown_field")
    spec_values = _check_fields(raw, task_type, columns, roles, errors)
    _check_rows(n_rows, class_counts, spec_values, task_type, errors)
    if errors:
        return None, list(errors)
    return TrainingSpec(**spec_values), []


def _check_fields(
    raw: Mapping[str, Any], task_type: str, columns: Mapping[str, str], roles: Mapping[str, str], errors: _Errors
) -> dict[str, Any]:
    target = _check_target(raw, task_type, columns, roles, errors)
    features = _check_features(raw, target, columns, roles, errors)
    estimator = _check_estimator(raw, task_type, errors)
    params = _check_params(raw, estimator, task_type, errors)
    return {
        "target": target,
        "features": features,
        "estimator": estimator,
        "params": params,
        "search": _check_search(raw, estimator, task_type, params, errors),
        "preprocessing": _check_preprocessing(raw, errors),
        "cv_folds": _int_field(raw, "cv_folds", 5, 2, 20, errors),
        "scoring": _check_scoring(raw, task_type, errors),
        "holdout_fraction": _check_holdout(raw, errors),
        "seed": _int_field(raw, "seed", 0, 0, MAX_SEED, errors),
        "n_jobs": _check_n_jobs(raw, errors),
        "column_kinds": {name: columns[name] for name in features if name in columns},
    }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _int_field(raw: Mapping[str, Any], key: str, default: int, low: int, high: int, errors: _Errors) -> int:
    value = raw.get(key, default)
    if not _is_int(value):
        errors.add(f"spec.{key}", "must be an integer", "invalid")
        return default
    if not low <= value <= high:
        errors.add(f"spec.{key}", f"must be between {low} and {high}", "out_of_range")
    return int(value)


def _check_target(
    raw: Mapping[str, Any], task_type: str, columns: Mapping[str, str], roles: Mapping[str, str], errors: _Errors
) -> str:
    target = raw.get("target")
    if target is None:
        targets = [name for name in columns if roles.get(name) == "target"]
        if len(targets) != 1:
            errors.add("spec.target", "required: no single column has the role target", "required")
            return ""
        target = targets[0]
    if not isinstance(target, str) or target not in columns:
        errors.add("spec.target", f"unknown column {target!r}", "unknown_column")
        return str(target)
    allowed = (
        ("numeric", "integer") if task_type == REGRESSION else ("numeric", "integer", "categorical", "boolean", "text")
    )
    if columns[target] not in allowed:
        message = f"a {task_type} target must be of kind {', '.join(allowed)}, not {columns[target]}"
        errors.add("spec.target", message, "invalid_target_kind")
    return target


def _check_features(
    raw: Mapping[str, Any], target: str, columns: Mapping[str, str], roles: Mapping[str, str], errors: _Errors
) -> list[str]:
    if "features" not in raw:
        features = [n for n in columns if roles.get(n) == "feature" and n != target and columns[n] != "datetime"]
        if not features:
            errors.add("spec.features", "required: no column has the role feature", "required")
        return features
    features = raw["features"]
    if not isinstance(features, list) or not features or not all(isinstance(name, str) for name in features):
        errors.add("spec.features", "must be a non-empty list of column names", "invalid")
        return []
    for index, name in enumerate(features):
        _check_feature(index, name, target, columns, features, errors)
    return list(features)


def _check_feature(
    index: int, name: str, target: str, columns: Mapping[str, str], features: list[str], errors: _Errors
) -> None:
    field_name = f"spec.features[{index}]"
    if name not in columns:
        errors.add(field_name, f"unknown column {name!r}", "unknown_column")
    elif name == target:
        errors.add(field_name, f"the target {name!r} cannot be a feature", "target_as_feature")
    elif features.index(name) != index:
        errors.add(field_name, f"column {name!r} is listed twice", "duplicate")
    elif columns[name] not in COLUMN_KINDS:
        errors.add(field_name, f"column {name!r} has unknown kind {columns[name]!r}", "unknown_kind")


def _check_estimator(raw: Mapping[str, Any], task_type: str, errors: _Errors) -> str:
    name = raw.get("estimator")
    if not isinstance(name, str) or name not in ESTIMATORS:
        errors.add(
            "spec.estimator",
            f"unknown estimator {name!r}; allowed: {', '.join(estimator_names())}",
            "unknown_estimator",
        )
        return ""
    if task_type not in ESTIMATORS[name].task_types:
        allowed = ", ".join(estimator_names(task_type))
        errors.add(
            "spec.estimator", f"{name} cannot do {task_type}; allowed for {task_type}: {allowed}", "unsupported_task"
        )
        return ""
    return name


def _param_name_problem(estimator: str, task_type: str, param: Any) -> tuple[str, str] | None:
    if param in ESTIMATORS[estimator].locked:
        return f"{param!r} is fixed by Keel for {estimator}", "locked_param"
    valid = param_names(estimator, task_type)
    if param not in valid:
        return f"unknown hyperparameter {param!r} for {estimator}; known: {', '.join(valid)}", "unknown_param"
    return None


def _check_params(raw: Mapping[str, Any], estimator: str, task_type: str, errors: _Errors) -> dict[str, Any]:
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        errors.add("spec.params", "must be an object of hyperparameters", "invalid")
        return {}
    if not estimator:
        return dict(params)
    for name, value in params.items():
        problem = _param_name_problem(estimator, task_type, name) or _value_problem(estimator, task_type, name, value)
        if problem:
            errors.add(f"spec.params.{name}", *problem)
    return dict(params)


def _value_problem(estimator: str, task_type: str, name: str, value: Any) -> tuple[str, str] | None:
    message = param_error(estimator, task_type, name, value)
    return (message, "invalid_param") if message else None


def _check_search(
    raw: Mapping[str, Any], estimator: str, task_type: str, params: Mapping[str, Any], errors: _Errors
) -> SearchSpec:
    search = raw.get("search", {})
    if not isinstance(search, Mapping):
        errors.add("spec.search", "must be an object with kind, space and n_iter", "invalid")
        return SearchSpec()
    for key in sorted(set(search) - {"kind", "space", "n_iter"}):
        errors.add(f"spec.search.{key}", "unknown field; known fields: kind, space, n_iter", "unknown_field")
    kind = search.get("kind", "none")
    if kind not in SEARCH_KINDS:
        errors.add("spec.search.kind", f"must be one of {', '.join(SEARCH_KINDS)}", "invalid_choice")
        return SearchSpec()
    n_iter = _check_n_iter(search, errors)
    space = _check_space(search.get("space", {}), kind, estimator, task_type, params, errors)
    spec = SearchSpec(kind=kind, space=space, n_iter=n_iter)
    _check_candidate_count(spec, errors)
    return spec


def _check_n_iter(search: Mapping[str, Any], errors: _Errors) -> int:
    n_iter = search.get("n_iter", 10)
    if not _is_int(n_iter) or n_iter < 1:
        errors.add("spec.search.n_iter", "must be an integer >= 1", "min_value")
        return 10
    if n_iter > MAX_CANDIDATES:
        errors.add("spec.search.n_iter", f"at most {MAX_CANDIDATES} candidates", "too_many_candidates")
    return int(n_iter)


def _check_space(
    space: Any, kind: str, estimator: str, task_type: str, params: Mapping[str, Any], errors: _Errors
) -> dict[str, Any]:
    if not isinstance(space, Mapping):
        errors.add("spec.search.space", "must be an object: parameter -> list of values", "invalid")
        return {}
    if kind == "none" and space:
        errors.add("spec.search.space", "a search of kind none takes no space", "unexpected")
        return {}
    if kind != "none" and not space:
        errors.add("spec.search.space", f"a {kind} search needs a non-empty space", "required")
    for name, values in space.items():
        _check_dimension(name, values, kind, estimator, task_type, params, errors)
    return dict(space)


def _check_dimension(
    name: Any, values: Any, kind: str, estimator: str, task_type: str, params: Mapping[str, Any], errors: _Errors
) -> None:
    field_name = f"spec.search.space.{name}"
    problem = _param_name_problem(estimator, task_type, name) if estimator else None
    if problem:
        errors.add(field_name, *problem)
    elif name in params:
        errors.add(field_name, f"{name!r} is also a fixed parameter in spec.params", "duplicate_param")
    elif isinstance(values, Mapping) and kind in ("random", "halving"):
        _check_distribution(field_name, name, values, estimator, task_type, errors)
    elif not isinstance(values, list) or not values:
        expected = "a non-empty list of values" + (" or a distribution" if kind in ("random", "halving") else "")
        errors.add(field_name, f"must be {expected}", "invalid")
    elif estimator:
        _check_values(field_name, name, values, estimator, task_type, errors)


def _check_values(
    field_name: str, name: str, values: list[Any], estimator: str, task_type: str, errors: _Errors
) -> None:
    for index, value in enumerate(values):
        message = param_error(estimator, task_type, name, value)
        if message:
            errors.add(field_name, f"value #{index} ({value!r}): {message}", "invalid_param")


def _distribution_problem(dist: Mapping[str, Any]) -> str | None:
    kind = dist.get("dist")
    low: Any = dist.get("low")
    high: Any = dist.get("high")
    if set(dist) != {"dist", "low", "high"} or kind not in DISTRIBUTIONS:
        return f"a distribution is {{dist: {'|'.join(DISTRIBUTIONS)}, low, high}}"
    if not (_is_number(low) and _is_number(high)) or low >= high:
        return "low and high must be numbers with low < high"
    if kind == "randint" and not (_is_int(low) and _is_int(high)):
        return "randint needs integer low and high"
    if kind == "loguniform" and low <= 0:
        return "loguniform needs low > 0"
    return None


def _check_distribution(
    field_name: str, name: str, dist: Mapping[str, Any], estimator: str, task_type: str, errors: _Errors
) -> None:
    problem = _distribution_problem(dist)
    if problem:
        errors.add(field_name, problem, "invalid_distribution")
    elif estimator:
        low, high = dist["low"], dist["high"]
        ends = [low, high - 1] if dist["dist"] == "randint" else [float(low), float(high)]
        _check_values(field_name, name, ends, estimator, task_type, errors)


def _check_candidate_count(search: SearchSpec, errors: _Errors) -> None:
    if search.kind not in ("grid", "halving") or search.has_distributions:
        return
    if not all(isinstance(values, list) and values for values in search.space.values()):
        return
    count = len(ParameterGrid(search.space))
    if count > MAX_CANDIDATES:
        message = f"the grid has {count} candidates; at most {MAX_CANDIDATES}"
        errors.add("spec.search.space", message, "too_many_candidates")


def _check_preprocessing(raw: Mapping[str, Any], errors: _Errors) -> dict[str, dict[str, Any]]:
    preprocessing = raw.get("preprocessing", {})
    problems = check_preprocessing(preprocessing)
    for path, message, code in problems:
        errors.add(f"spec.preprocessing.{path}".rstrip("."), message, code)
    return {} if problems else {kind: dict(options) for kind, options in preprocessing.items()}


def scorer_task_types(name: str) -> tuple[str, ...]:
    """The task types a sklearn scorer name applies to (empty for clustering scores)."""
    module = getattr(get_scorer(name), "_score_func", None).__module__  # type: ignore[union-attr]
    if module == "sklearn.metrics._scorer":
        return (CLASSIFICATION,)
    return next((tasks for suffix, tasks in _SCORER_TASKS.items() if module.endswith(suffix)), ())


def _check_scoring(raw: Mapping[str, Any], task_type: str, errors: _Errors) -> str:
    scoring = raw.get("scoring") or DEFAULT_SCORING[task_type]
    if not isinstance(scoring, str) or scoring not in get_scorer_names():
        errors.add(
            "spec.scoring", f"unknown scoring {scoring!r}; see sklearn.metrics.get_scorer_names()", "unknown_scoring"
        )
    elif task_type not in scorer_task_types(scoring):
        errors.add("spec.scoring", f"{scoring} does not score {task_type}", "unsupported_task")
    return str(scoring)


def _check_holdout(raw: Mapping[str, Any], errors: _Errors) -> float:
    value = raw.get("holdout_fraction", 0.2)
    if not _is_number(value) or not 0 < value <= 0.5:
        errors.add("spec.holdout_fraction", "must be a number in (0, 0.5]", "out_of_range")
        return 0.2
    return float(value)


def _check_n_jobs(raw: Mapping[str, Any], errors: _Errors) -> int:
    value = raw.get("n_jobs", -1)
    if not _is_int(value) or value == 0:
        errors.add("spec.n_jobs", "must be a non-zero integer (-1: all cores)", "invalid")
        return -1
    return int(value)


def holdout_size(n_rows: int, holdout_fraction: float) -> int:
    """Rows in the holdout part, as ``train_test_split`` computes it."""
    return math.ceil(n_rows * holdout_fraction)


def _check_rows(
    n_rows: int, class_counts: Mapping[Any, int] | None, values: Mapping[str, Any], task_type: str, errors: _Errors
) -> None:
    folds, fraction = values["cv_folds"], values["holdout_fraction"]
    n_holdout = holdout_size(n_rows, fraction)
    if n_rows - n_holdout < folds or n_holdout < 1:
        errors.add("spec.cv_folds", f"{n_rows} rows are too few for a holdout and {folds} folds", "too_few_rows")
        return
    if task_type == CLASSIFICATION and class_counts is not None:
        _check_classes(class_counts, folds, fraction, n_holdout, errors)


def _check_classes(
    class_counts: Mapping[Any, int], folds: int, fraction: float, n_holdout: int, errors: _Errors
) -> None:
    if len(class_counts) < 2:
        errors.add("spec.target", "classification needs at least two classes", "single_class")
        return
    if n_holdout < len(class_counts):
        message = f"the holdout has {n_holdout} rows, fewer than the {len(class_counts)} classes"
        errors.add("spec.holdout_fraction", message, "holdout_too_small")
    for label, count in class_counts.items():
        n_train = count - math.ceil(count * fraction)
        if n_train < folds:
            message = f"class {label!r} has {count} rows ({n_train} after the holdout); each class needs >= {folds}"
            errors.add("spec.cv_folds", message, "too_few_rows_per_class")
