"""The dataset verdict: share of drifted columns, multiple-testing correction and importance weighting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from monitoring.drift.results import ColumnDrift, DatasetDrift

Correction = Literal["bonferroni", "bh"] | None
CORRECTIONS = (None, "bonferroni", "bh")


def adjust_p_values(p_values: Sequence[float], correction: Correction) -> list[float]:
    """Bonferroni (p x m, capped at 1) or Benjamini-Hochberg (scipy.stats.false_discovery_control) adjusted p."""
    if correction not in CORRECTIONS:
        raise ValueError(f"unknown correction {correction!r}; choose None, 'bonferroni' or 'bh'")
    ps = np.asarray(p_values, dtype=np.float64)
    if correction is None or ps.size == 0:
        return [float(p) for p in ps]
    if correction == "bonferroni":
        return [float(p) for p in np.minimum(ps * ps.size, 1.0)]
    return [float(p) for p in stats.false_discovery_control(ps, method="bh")]


def _adjusted(columns: list[ColumnDrift], correction: Correction) -> dict[str, float]:
    tested = [c for c in columns if c.p_value is not None]
    adjusted = adjust_p_values([float(c.p_value or 0.0) for c in tested], correction)
    return {c.name: p for c, p in zip(tested, adjusted, strict=True)}


def _weighted_share(
    columns: list[ColumnDrift], verdicts: Mapping[str, bool], importance: Mapping[str, float]
) -> float | None:
    weights = {c.name: float(importance.get(c.name, 0.0)) for c in columns}
    if any(w < 0 for w in weights.values()):
        raise ValueError("importance weights must not be negative")
    total = sum(weights.values())
    return sum(w for name, w in weights.items() if verdicts[name]) / total if total > 0 else None


def _reaches(share: float | None, n_columns: int, share_threshold: float) -> bool | None:
    return None if share is None else bool(n_columns > 0 and share >= share_threshold)


def _share(part: int | None, total: int) -> float | None:
    return None if part is None else (part / total if total else 0.0)


@dataclass(frozen=True)
class _Corrected:
    adjusted: dict[str, float]
    significant: list[str]
    verdicts: dict[str, bool]  # per evaluated column, after the correction
    n_drifted: int | None  # None without a correction


def _correct(evaluated: list[ColumnDrift], correction: Correction, alpha: float) -> _Corrected:
    """Adjusted p-values of the p-value columns; distance columns keep their own verdict."""
    adjusted = _adjusted(evaluated, correction) if correction is not None else {}
    significant = [name for name, p in adjusted.items() if p <= alpha]
    verdicts = {c.name: (c.name in significant if c.name in adjusted else c.drifted) for c in evaluated}
    return _Corrected(adjusted, significant, verdicts, sum(verdicts.values()) if correction is not None else None)


def dataset_drift(
    columns: Sequence[ColumnDrift],
    *,
    share_threshold: float = 0.5,
    correction: Correction = None,
    alpha: float = 0.05,
    importance: Mapping[str, float] | None = None,
) -> DatasetDrift:
    """Dataset drift when the share of drifted evaluated columns reaches ``share_threshold``.

    Columns with a ``reason`` (too little data, unsupported kind) are excluded and listed in ``skipped_columns``.
    With a ``correction``, the p-value columns (ks, chisquare, z) are drifted when their adjusted p <= ``alpha``
    (``significant_columns``), distance columns keep their own verdict, and ``corrected_*`` give the resulting
    verdict. ``importance`` weighs each column (absent names weigh 0) and ``weighted_*`` use the corrected verdicts
    when a correction is set.
    """
    evaluated = [c for c in columns if c.evaluated]
    skipped = [c for c in columns if not c.evaluated]
    n, drifted = len(evaluated), [c.name for c in evaluated if c.drifted]
    share = len(drifted) / n if n else 0.0
    corrected = _correct(evaluated, correction, alpha)
    corrected_share = _share(corrected.n_drifted, n)
    weighted = _weighted_share(evaluated, corrected.verdicts, importance) if importance is not None else None
    return DatasetDrift(
        n_columns=n,
        n_drifted=len(drifted),
        share_drifted=share,
        share_threshold=share_threshold,
        drifted=bool(n and share >= share_threshold),
        drifted_columns=drifted,
        n_skipped=len(skipped),
        n_insufficient=sum(c.insufficient_data for c in skipped),
        skipped_columns=[c.name for c in skipped],
        correction=correction,
        alpha=alpha,
        adjusted_p_values=corrected.adjusted,
        significant_columns=corrected.significant,
        corrected_n_drifted=corrected.n_drifted,
        corrected_share_drifted=corrected_share,
        corrected_drifted=_reaches(corrected_share, n, share_threshold),
        weighted_share_drifted=weighted,
        weighted_drifted=_reaches(weighted, n, share_threshold),
    )
