"""The one status rule of a drift report, shared by the API, the dashboard, alerts and /metrics. Pure.

Per column: ``drifted`` when its method's verdict is drift, ``possible`` when it is close (severity ``possible``),
``skipped`` when it was not evaluated (too few rows, unsupported kind), else ``ok``.

Per report: ``drift`` when the dataset rule says so (the share of drifted columns reaches the share threshold;
with a multiple-testing correction or importance weighting configured, that verdict), ``warning`` when at least
one feature drifted or the prediction drifted, else ``ok``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

ColumnStatus = Literal["drifted", "possible", "ok", "skipped"]
Status = Literal["drift", "warning", "ok"]
STATUSES: tuple[Status, ...] = ("ok", "warning", "drift")  # in order of severity


def column_status(column: Mapping[str, Any]) -> ColumnStatus:
    """The verdict of one column of a report's ``columns``."""
    if column.get("reason"):
        return "skipped"
    if column.get("drifted"):
        return "drifted"
    return "possible" if column.get("severity") == "possible" else "ok"


def dataset_verdict(dataset: Mapping[str, Any]) -> bool:
    """The share rule as configured: the importance-weighted verdict when weights were given, else the corrected
    one when a correction was set, else the plain share of drifted columns against the threshold."""
    for key in ("weighted_drifted", "corrected_drifted", "drifted"):
        if dataset.get(key) is not None:
            return bool(dataset[key])
    return False


@dataclass(frozen=True)
class DriftStatus:
    status: Status
    n_features: int  # evaluated feature columns
    n_drifted: int
    n_possible: int
    n_skipped: int
    dataset_drift: bool
    prediction_drift: bool | None
    summary: str  # "10 of 30 features drifted"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summary_text(n_drifted: int, n_features: int, prediction_drift: bool | None) -> str:
    """What people read: "10 of 30 features drifted" (and whether the prediction drifted)."""
    noun = "feature" if n_features == 1 else "features"
    text = f"{n_drifted} of {n_features} {noun} drifted"
    return text + ("; the prediction drifted" if prediction_drift else "")


def report_status(result: Mapping[str, Any]) -> DriftStatus:
    """The status of a computed report (``compute_report``'s result, with an optional ``prediction`` column)."""
    verdicts = [column_status(c) for c in result.get("columns", [])]
    n_drifted, n_skipped = verdicts.count("drifted"), verdicts.count("skipped")
    prediction = result.get("prediction")
    prediction_drift = None if not prediction or prediction.get("reason") else bool(prediction.get("drifted"))
    dataset = dataset_verdict(result.get("dataset") or {})
    if dataset:
        status: Status = "drift"
    elif n_drifted or prediction_drift:
        status = "warning"
    else:
        status = "ok"
    n_features = len(verdicts) - n_skipped
    return DriftStatus(
        status=status,
        n_features=n_features,
        n_drifted=n_drifted,
        n_possible=verdicts.count("possible"),
        n_skipped=n_skipped,
        dataset_drift=dataset,
        prediction_drift=prediction_drift,
        summary=summary_text(n_drifted, n_features, prediction_drift),
    )
