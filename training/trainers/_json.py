"""Conversion of numpy/pandas values to plain JSON-safe Python values (no numpy types, no NaN: None)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd


def json_float(value: Any) -> float | None:
    """A finite float, or None for NaN, infinities and missing values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def json_value(value: Any) -> Any:
    """One scalar, list or mapping converted to plain JSON-safe Python values."""
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(item) for item in value]
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return json_float(value)
    if isinstance(value, str):
        return str(value)  # also numpy.str_
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        return pd.Timestamp(value).isoformat()
    return str(value)


def json_floats(values: Iterable[Any]) -> list[float | None]:
    """A list of JSON-safe floats."""
    return [json_float(value) for value in values]
