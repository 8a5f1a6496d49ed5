"""Result types of the drift core and their JSON-safe form."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

Severity = Literal["none", "possible", "drift"]


@dataclass(frozen=True)
class MethodResult:
    """One statistical method applied to one column.

    ``statistic`` is the test statistic (KS D, chi-square, z) or the distance itself; ``p_value`` is set for the
    p-value methods (ks, chisquare, z) and ``distance`` for the distance methods (wasserstein, jensenshannon, psi,
    hellinger); the other one is None.
    """

    method: str
    statistic: float
    p_value: float | None
    distance: float | None
    threshold: float
    drifted: bool


@dataclass(frozen=True)
class ColumnDrift:
    """The drift verdict of one column; ``reason`` is set when the column was not evaluated."""

    name: str
    kind: str
    method: str | None
    statistic: float | None
    p_value: float | None
    distance: float | None
    threshold: float | None
    drifted: bool
    severity: Severity
    current_count: int
    reference_count: int
    missing_rate: float | None
    out_of_range_rate: float | None
    insufficient_data: bool = False
    reason: str | None = None
    note: str | None = None
    rank_error: float | None = None  # bound (99 %) on the error of the CDFs a numeric result was computed from

    @property
    def evaluated(self) -> bool:
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json_safe(asdict(self))
        return data


@dataclass(frozen=True)
class DatasetDrift:
    """The dataset verdict over the evaluated columns (columns with a ``reason`` are skipped and listed)."""

    n_columns: int
    n_drifted: int
    share_drifted: float
    share_threshold: float
    drifted: bool
    drifted_columns: list[str]
    n_skipped: int
    n_insufficient: int
    skipped_columns: list[str]
    correction: str | None
    alpha: float
    adjusted_p_values: dict[str, float]
    significant_columns: list[str]
    corrected_n_drifted: int | None
    corrected_share_drifted: float | None
    corrected_drifted: bool | None
    weighted_share_drifted: float | None
    weighted_drifted: bool | None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json_safe(asdict(self))
        return data


def json_safe(value: Any) -> Any:
    """Plain Python containers and scalars only; NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value
