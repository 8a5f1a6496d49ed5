"""Per-variant figures of one deployment (traffic, errors, latency, quality from joined ground truth) and the
exact, revision-scoped scan of the prediction log that rollouts and A/B analysis judge by. The rollups carry no
revision number and keep latency only to the bucket, so windows over time alone read them instead
(``serving.traffic``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db.models import Count, Q

from serving.models import Feedback, PredictionLog


@dataclass
class VariantWindow:
    requests: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    labelled: int
    correct: int  # classification: prediction == label
    abs_error_sum: float  # regression
    abs_errors: list[float]

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def score(self, predicted: Any, value: Any) -> None:
        """Count one labelled prediction: a match for classifiers, an absolute error for numeric outputs."""
        self.labelled += 1
        self.correct += int(str(predicted) == str(value))
        if isinstance(predicted, int | float) and isinstance(value, int | float) and not isinstance(value, bool):
            error = abs(float(predicted) - float(value))
            self.abs_error_sum += error
            self.abs_errors.append(error)

    def quality(self, task_type: str) -> float | None:
        if not self.labelled:
            return None
        if task_type == "classification":
            return self.correct / self.labelled
        return -self.abs_error_sum / self.labelled  # higher is better: negative mean absolute error


def variant_windows(
    *, deployment_id: int, since: datetime, until: datetime | None = None, revision_numbers: list[int] | None = None
) -> dict[str, VariantWindow]:
    logs = PredictionLog.objects.filter(deployment_id=deployment_id, created_at__gte=since, shadow=False)
    if until is not None:
        logs = logs.filter(created_at__lt=until)
    if revision_numbers:
        logs = logs.filter(revision_number__in=revision_numbers)
    counts = {
        row["variant"]: row
        for row in logs.values("variant").annotate(n=Count("id"), errors=Count("id", filter=Q(is_error=True)))
    }
    out: dict[str, VariantWindow] = {}
    for variant, row in counts.items():
        latencies = np.array(list(logs.filter(variant=variant, is_error=False).values_list("latency_ms", flat=True)))
        p50, p95, p99 = (float(v) for v in np.percentile(latencies, [50, 95, 99])) if latencies.size else (None,) * 3
        out[variant] = VariantWindow(
            requests=row["n"],
            errors=row["errors"],
            p50_ms=p50,
            p95_ms=p95,
            p99_ms=p99,
            labelled=0,
            correct=0,
            abs_error_sum=0.0,
            abs_errors=[],
        )
    _join_feedback(logs, out)
    return out


def _join_feedback(logs: Any, out: dict[str, VariantWindow]) -> None:
    predictions = {
        row[0]: (row[1], row[2])
        for row in logs.filter(is_error=False).values_list("prediction_id", "variant", "outputs")
    }
    if not predictions:
        return
    truths = Feedback.objects.filter(prediction_id__in=list(predictions), is_current=True).values_list(
        "prediction_id", "value"
    )
    for prediction_id, value in truths:
        variant, outputs = predictions[prediction_id]
        out[variant].score(outputs.get("prediction"), value)
