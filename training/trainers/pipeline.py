"""Preprocessing by column kind and the training pipeline: ``Pipeline([("preprocess", ...), ("model", ...)])``.

Defaults per column kind (each overridable per kind in ``spec.preprocessing``):

- ``numeric``, ``integer``: median imputation, then standard scaling.
- ``categorical``, ``boolean``, ``text`` (text is treated as categorical): values as strings (``1.0`` -> ``"1"``,
  ``True`` -> ``"True"``), most-frequent imputation, one-hot encoding that ignores unknown categories.
- ``datetime``: datetime columns are dropped from the default feature list; a datetime column listed explicitly in
  ``spec.features`` is expanded into year, month, day, day of week and hour (UTC), then imputed and scaled like a
  numeric column.

Overrides, e.g. ``{"numeric": {"scaler": "robust"}, "categorical": {"encoder": "ordinal", "max_categories": 20}}``:
numeric kinds take ``imputer`` (median|mean|most_frequent|constant: 0) and ``scaler`` (standard|minmax|robust|none);
categorical kinds take ``imputer`` (most_frequent|constant: "missing"), ``encoder`` (onehot|ordinal) and
``max_categories`` (integer >= 2 or null).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

from registry.tabular import dtype_kind

COLUMN_KINDS = ("numeric", "integer", "categorical", "boolean", "datetime", "text")
NUMERIC_KINDS = frozenset({"numeric", "integer", "datetime"})
CATEGORICAL_KINDS = frozenset({"categorical", "boolean", "text"})
DATETIME_PARTS = ("year", "month", "day", "day_of_week", "hour")

NUMERIC_CHOICES: dict[str, tuple[str, ...]] = {
    "imputer": ("median", "mean", "most_frequent", "constant"),
    "scaler": ("standard", "minmax", "robust", "none"),
}
CATEGORICAL_CHOICES: dict[str, tuple[str, ...]] = {
    "imputer": ("most_frequent", "constant"),
    "encoder": ("onehot", "ordinal"),
}
NUMERIC_DEFAULTS: dict[str, Any] = {"imputer": "median", "scaler": "standard"}
CATEGORICAL_DEFAULTS: dict[str, Any] = {"imputer": "most_frequent", "encoder": "onehot", "max_categories": None}

_SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


def _category_text(value: Any) -> Any:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return np.nan
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


_CATEGORY_TEXT = np.frompyfunc(_category_text, 1, 1)


def to_category_strings(X: Any) -> np.ndarray:
    """Categorical values as strings (missing stays NaN), so mixed types and integer codes encode consistently."""
    values = pd.DataFrame(X).astype(object).to_numpy()
    return np.asarray(_CATEGORY_TEXT(values), dtype=object).reshape(values.shape)


def datetime_parts(X: Any) -> np.ndarray:
    """Each datetime column expanded into float columns year, month, day, day_of_week, hour (UTC; NaN if missing)."""
    frame = pd.DataFrame(X)
    columns: list[np.ndarray] = []
    for name in frame.columns:
        stamps = pd.to_datetime(frame[name], errors="coerce", utc=True)
        columns.extend(getattr(stamps.dt, part).to_numpy(dtype="float64", na_value=np.nan) for part in DATETIME_PARTS)
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


def datetime_part_names(transformer: Any, input_features: Sequence[str]) -> np.ndarray:
    """Output feature names of :func:`datetime_parts`."""
    return np.asarray([f"{name}_{part}" for name in input_features for part in DATETIME_PARTS], dtype=object)


def preprocessing_options(kind: str, overrides: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """The effective preprocessing options for one column kind."""
    defaults = CATEGORICAL_DEFAULTS if kind in CATEGORICAL_KINDS else NUMERIC_DEFAULTS
    return {**defaults, **dict((overrides or {}).get(kind, {}))}


def check_preprocessing(raw: Any) -> list[tuple[str, str, str]]:
    """Problems in a ``preprocessing`` override mapping, as (path below ``preprocessing``, message, code)."""
    if not isinstance(raw, Mapping):
        return [("", "must be an object keyed by column kind", "invalid")]
    problems: list[tuple[str, str, str]] = []
    for kind, options in raw.items():
        if kind not in COLUMN_KINDS:
            problems.append((str(kind), f"unknown column kind; one of {', '.join(COLUMN_KINDS)}", "unknown_kind"))
        elif not isinstance(options, Mapping):
            problems.append((kind, "must be an object of options", "invalid"))
        else:
            problems.extend(_check_kind_options(kind, options))
    return problems


def _check_kind_options(kind: str, options: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    choices = CATEGORICAL_CHOICES if kind in CATEGORICAL_KINDS else NUMERIC_CHOICES
    allowed = set(CATEGORICAL_DEFAULTS if kind in CATEGORICAL_KINDS else NUMERIC_DEFAULTS)
    problems = []
    for key, value in options.items():
        path = f"{kind}.{key}"
        if key not in allowed:
            problems.append((path, f"unknown option; one of {', '.join(sorted(allowed))}", "unknown_option"))
        elif key == "max_categories":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 2):
                problems.append((path, "must be an integer >= 2 or null", "invalid"))
        elif value not in choices[key]:
            problems.append((path, f"must be one of {', '.join(choices[key])}", "invalid_choice"))
    return problems


def _numeric_steps(options: Mapping[str, Any]) -> list[tuple[str, Any]]:
    imputer = SimpleImputer(strategy=options["imputer"], fill_value=0)
    steps: list[tuple[str, Any]] = [("impute", imputer)]
    if options["scaler"] != "none":
        steps.append(("scale", _SCALERS[options["scaler"]]()))
    return steps


def _encoder(options: Mapping[str, Any]) -> Any:
    if options["encoder"] == "ordinal":
        return OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=-1, max_categories=options["max_categories"]
        )
    return OneHotEncoder(handle_unknown="ignore", max_categories=options["max_categories"])


def _kind_transformer(kind: str, options: Mapping[str, Any]) -> Pipeline:
    if kind in CATEGORICAL_KINDS:
        return Pipeline(
            [
                ("as_text", FunctionTransformer(to_category_strings, feature_names_out="one-to-one")),
                ("impute", SimpleImputer(strategy=options["imputer"], fill_value="missing")),
                ("encode", _encoder(options)),
            ]
        )
    steps = _numeric_steps(options)
    if kind == "datetime":
        steps.insert(0, ("parts", FunctionTransformer(datetime_parts, feature_names_out=datetime_part_names)))
    return Pipeline(steps)


def build_preprocessor(
    features: Sequence[str], kinds: Mapping[str, str], overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> ColumnTransformer:
    """One transformer per column kind present among ``features``; every other column is dropped."""
    transformers = []
    for kind in COLUMN_KINDS:
        columns = [name for name in features if kinds[name] == kind]
        if columns:
            transformers.append((kind, _kind_transformer(kind, preprocessing_options(kind, overrides)), columns))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)


def build_pipeline(
    features: Sequence[str],
    kinds: Mapping[str, str],
    estimator: Any,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Pipeline:
    """The unfitted training pipeline: preprocessing by column kind, then the estimator."""
    return Pipeline([("preprocess", build_preprocessor(features, kinds, overrides)), ("model", estimator)])


def infer_kind(series: pd.Series) -> str:
    """A column kind from a pandas dtype, for frames whose kinds were not given."""
    if kind := dtype_kind(series.dtype):
        return kind
    return "numeric" if pd.api.types.is_numeric_dtype(series.dtype) else "categorical"


def infer_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """Column kinds for every column of ``frame``."""
    return {str(name): infer_kind(frame[name]) for name in frame.columns}
