"""Traffic figures of a deployment over a window, read from per-minute rollups (plus the raw rows of the few
minutes after the rollup watermark): requests, errors, latency percentiles from the bucket histograms, and quality
from feedback joined to its predictions (a lookup by prediction id per feedback row, not a scan of the log)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMinute
from django.utils import timezone

from serving.latency import Histogram
from serving.models import Feedback, PredictionLog, PredictionRollup, RollupWatermark
from serving.stats import VariantWindow

CHUNK = 5000
WATERMARK = "prediction_log"  # the RollupWatermark row of the prediction log


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def watermark() -> datetime | None:
    """Every minute before this has its rollups (None: nothing rolled up yet)."""
    return RollupWatermark.objects.filter(name=WATERMARK).values_list("until", flat=True).first()


def _split(start: datetime, until: datetime) -> datetime:
    """Where rollups stop and raw rows take over: the watermark, kept inside [start, until]."""
    mark = watermark()
    return start if mark is None else max(start, min(mark, until))


def _tallies(deployment_id: int, start: datetime, split: datetime, until: datetime) -> dict[str, list[Any]]:
    """variant -> [requests, errors, histogram of successful latencies]."""
    out: dict[str, list[Any]] = defaultdict(lambda: [0, 0, Histogram()])
    rollups = PredictionRollup.objects.filter(
        deployment_id=deployment_id, shadow=False, minute__gte=start, minute__lt=split
    ).values_list("variant", "requests", "errors", "latency_ok")
    for variant, requests, errors, latency in rollups:
        tally = out[variant]
        tally[0] += requests
        tally[1] += errors
        tally[2] = tally[2].merge(Histogram.from_list(latency))
    raw = PredictionLog.objects.filter(
        deployment_id=deployment_id, shadow=False, created_at__gte=split, created_at__lt=until
    ).values_list("variant", "is_error", "latency_ms")
    for variant, is_error, latency in raw:
        tally = out[variant]
        tally[0] += 1
        tally[1] += int(is_error)
        if not is_error:
            tally[2].add(latency)
    return out


def _join_feedback(deployment_id: int, start: datetime, until: datetime, out: dict[str, VariantWindow]) -> None:
    """Quality counts from current feedback on the window's successful live predictions."""
    truths = dict(
        Feedback.objects.filter(deployment_id=deployment_id, is_current=True, created_at__gte=start).values_list(
            "prediction_id", "value"
        )
    )
    ids = list(truths)
    for i in range(0, len(ids), CHUNK):
        predictions = PredictionLog.objects.filter(
            deployment_id=deployment_id,
            prediction_id__in=ids[i : i + CHUNK],
            created_at__gte=start,
            created_at__lt=until,
            shadow=False,
            is_error=False,
        ).values_list("prediction_id", "variant", "outputs")
        for prediction_id, variant, outputs in predictions:
            if variant in out:
                out[variant].score((outputs or {}).get("prediction"), truths[prediction_id])


def traffic_windows(*, deployment_id: int, since: datetime, until: datetime | None = None) -> dict[str, VariantWindow]:
    """Per live variant over [since, until): the same figures as ``serving.stats.variant_windows``, with latency
    percentiles read from the bucket histogram (within one bucket of the exact value). ``since`` is floored to
    the minute."""
    until = until or timezone.now()
    start = floor_minute(since)
    split = _split(start, until)
    out = {}
    for variant, (requests, errors, histogram) in _tallies(deployment_id, start, split, until).items():
        out[variant] = VariantWindow(
            requests=requests,
            errors=errors,
            p50_ms=histogram.percentile(50),
            p95_ms=histogram.percentile(95),
            p99_ms=histogram.percentile(99),
            labelled=0,
            correct=0,
            abs_error_sum=0.0,
            abs_errors=[],
        )
    _join_feedback(deployment_id, start, until, out)
    return out


def minute_counts(*, deployment_id: int, start: datetime, end: datetime) -> list[tuple[datetime, str, int, int]]:
    """(minute, variant, requests, errors) of live traffic in [start, end), minute-aligned (a minute and variant
    may come in several rows: add them)."""
    split = _split(start, end)
    rows: list[tuple[datetime, str, int, int]] = list(
        PredictionRollup.objects.filter(
            deployment_id=deployment_id, shadow=False, minute__gte=start, minute__lt=split
        ).values_list("minute", "variant", "requests", "errors")
    )
    raw = (
        PredictionLog.objects.filter(
            deployment_id=deployment_id, created_at__gte=split, created_at__lt=end, shadow=False
        )
        .annotate(minute=TruncMinute("created_at"))
        .values("minute", "variant")
        .annotate(n=Count("id"), errors=Count("id", filter=Q(is_error=True)))
    )
    rows += [(r["minute"], r["variant"], r["n"], r["errors"]) for r in raw]
    return rows
