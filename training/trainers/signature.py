"""The input signature of a fitted pipeline, from the training frame, and a JSON-safe input example.

Per feature: ``name``, ``kind``, ``dtype`` (the pandas dtype in training), ``nullable`` (missing values were seen in
training; the pipeline imputes missing values of every kind, so a server may accept them regardless),
``categories`` for categorical and boolean features (sorted by their text, at most ``MAX_CATEGORIES``, with
``categories_truncated``), ``min``/``max`` for numeric, integer and datetime features (datetimes as ISO strings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from training.trainers._json import json_value
from training.trainers.estimators import CLASSIFICATION

MAX_CATEGORIES = 1000
EXAMPLE_ROWS = 5


def feature_signature(series: pd.Series, kind: str) -> dict[str, Any]:
    """The signature entry of one feature column."""
    entry: dict[str, Any] = {
        "name": str(series.name),
        "kind": kind,
        "dtype": str(series.dtype),
        "nullable": bool(series.isna().any()),
    }
    present = series.dropna()
    if kind in ("categorical", "boolean"):
        entry |= _categories(present)
    elif kind in ("numeric", "integer"):
        entry |= {"min": json_value(present.min()), "max": json_value(present.max())} if len(present) else {}
    elif kind == "datetime":
        stamps = pd.to_datetime(present, errors="coerce", utc=True).dropna()
        entry |= {"min": json_value(stamps.min()), "max": json_value(stamps.max())} if len(stamps) else {}
    return entry


def _categories(present: pd.Series) -> dict[str, Any]:
    values = sorted({json_value(value) for value in present.unique()}, key=str)
    return {"categories": values[:MAX_CATEGORIES], "categories_truncated": len(values) > MAX_CATEGORIES}


def build_signature(
    X: pd.DataFrame,
    kinds: Mapping[str, str],
    *,
    target: str,
    target_dtype: str,
    task_type: str,
    classes: Sequence[Any] | None,
) -> dict[str, Any]:
    """Inputs (one entry per feature, in pipeline order) and the output description."""
    output: dict[str, Any] = {"name": target, "dtype": target_dtype, "task_type": task_type}
    if task_type == CLASSIFICATION:
        output |= {"prediction": "label", "classes": json_value(list(classes or [])), "probabilities": True}
    else:
        output |= {"prediction": "value"}
    inputs = [feature_signature(X[name], kinds[name]) for name in X.columns]
    return {"inputs": inputs, "output": output}


def input_example(X: pd.DataFrame, n_rows: int = EXAMPLE_ROWS) -> list[dict[str, Any]]:
    """The first ``n_rows`` rows as JSON-safe records."""
    head = X.head(n_rows)
    return [{str(name): json_value(value) for name, value in row.items()} for _, row in head.iterrows()]
