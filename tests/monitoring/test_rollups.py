"""Per-minute rollups: equal to raw counts, idempotent, percentiles within one bucket, drift verdict as from rows."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from console.dashboard.selectors import health, request_series
from monitoring.drift import unpack
from monitoring.services import drift
from monitoring.services.rollups import rollups_compute, rollups_compute_range
from serving.latency import Histogram, bucket_index
from serving.models import PredictionLog, PredictionRollup, RollupWatermark
from serving.stats import variant_windows
from serving.traffic import floor_minute, traffic_windows, watermark
from tests.monitoring.conftest import log_rows


def traffic(deployment, version, start, *, minutes: int = 3, per_minute: int = 50, seed: int = 0):
    """Live, failed and shadow rows spread over ``minutes`` minutes with log-normal latencies."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(minutes):
        for i in range(per_minute):
            rows.append(
                PredictionLog(
                    prediction_id=uuid.uuid4(),
                    request_id=f"r{m}-{i}",
                    project_id=deployment.project_id,
                    deployment_id=deployment.pk,
                    revision_number=1,
                    variant="blue" if i % 3 else "green",
                    model_version_id=version.pk,
                    inputs={"mean_radius": float(rng.normal(14, 3)), "mean_texture": float(rng.normal(19, 4))},
                    outputs={"prediction": int(i % 2)},
                    latency_ms=float(rng.lognormal(2.5, 0.8)),
                    is_error=i % 10 == 0,
                    error="boom" if i % 10 == 0 else "",
                    shadow=i % 7 == 0,
                    created_at=start + timedelta(minutes=m, seconds=int(rng.integers(0, 60))),
                )
            )
    PredictionLog.objects.bulk_create(rows)
    return rows


def sketched(sketch: dict) -> int:
    """How many non-missing values a current sketch has seen."""
    if sketch["type"] == "numeric":
        return sketch["n"]
    return sum(sketch["counts"].values()) + sketch["other"]


def test_rollup_counts_equal_raw_counts(team, served):
    deployment, version = served
    now = timezone.now()
    start = floor_minute(now) - timedelta(minutes=10)
    rows = traffic(deployment, version, start)
    result = rollups_compute(now=now)
    assert result["rollups"] > 0 and watermark() == floor_minute(now - timedelta(seconds=60))
    for shadow in (False, True):
        for variant in ("blue", "green"):
            raw = [r for r in rows if r.shadow is shadow and r.variant == variant]
            rollups = PredictionRollup.objects.filter(deployment_id=deployment.pk, shadow=shadow, variant=variant)
            assert sum(r.requests for r in rollups) == len(raw)
            assert sum(r.errors for r in rollups) == sum(r.is_error for r in raw)
            histogram = Histogram()
            for rollup in rollups:
                histogram = histogram.merge(Histogram.from_list(rollup.latency_ok))
            assert histogram.count == sum(not r.is_error for r in raw)
    one = PredictionRollup.objects.filter(deployment_id=deployment.pk, shadow=False, variant="blue").first()
    ok = [
        r
        for r in rows
        if not r.shadow and not r.is_error and r.variant == "blue" and floor_minute(r.created_at) == one.minute
    ]
    features, (output,) = unpack(one.feature_sketches), unpack(one.output_sketch).values()
    assert sketched(features["mean_radius"]) == sketched(output) == len(ok)


def test_percentile_from_the_histogram_is_within_one_bucket(team, served):
    deployment, version = served
    now = timezone.now()
    rows = traffic(deployment, version, floor_minute(now) - timedelta(minutes=10), minutes=5, per_minute=200)
    rollups_compute(now=now)
    windows = traffic_windows(deployment_id=deployment.pk, since=now - timedelta(minutes=30))
    for variant, window in windows.items():
        exact = [r.latency_ms for r in rows if r.variant == variant and not r.shadow and not r.is_error]
        for q, estimate in ((50, window.p50_ms), (95, window.p95_ms), (99, window.p99_ms)):
            assert abs(bucket_index(estimate) - bucket_index(float(np.percentile(exact, q)))) <= 1, (variant, q)


def test_rollups_are_idempotent(team, served):
    deployment, version = served
    now = timezone.now()
    start = floor_minute(now) - timedelta(minutes=10)
    traffic(deployment, version, start)
    rollups_compute(now=now)
    first = {
        (r.variant, r.shadow, r.minute): (r.requests, r.errors, r.latency_ok, bytes(r.feature_sketches))
        for r in PredictionRollup.objects.all()
    }
    mark = watermark()
    rollups_compute_range(start=start - timedelta(minutes=5), end=mark)  # a second worker / a re-run
    assert rollups_compute(now=now)["rollups"] == 0  # nothing new past the watermark
    again = {
        (r.variant, r.shadow, r.minute): (r.requests, r.errors, r.latency_ok, bytes(r.feature_sketches))
        for r in PredictionRollup.objects.all()
    }
    assert again == first and watermark() == mark and RollupWatermark.objects.count() == 1
    rollups_compute(now=now - timedelta(hours=1))  # an older clock never moves the watermark back
    assert watermark() == mark


def test_dashboard_and_performance_read_rollups_with_the_same_counts(team, served):
    deployment, version = served
    now = timezone.now()
    traffic(deployment, version, floor_minute(now) - timedelta(minutes=10))
    raw = variant_windows(deployment_id=deployment.pk, since=floor_minute(now) - timedelta(minutes=30))
    rollups_compute(now=now)
    after = watermark()
    assert after == floor_minute(now) - timedelta(minutes=1)
    traffic(deployment, version, after, minutes=1, per_minute=20, seed=3)  # raw rows past the watermark
    page = health(deployment, "classification", minutes=30)
    tail = list(PredictionLog.objects.filter(created_at__gte=after, shadow=False))
    assert page["requests"] == sum(w.requests for w in raw.values()) + len(tail)
    assert page["errors"] == sum(w.errors for w in raw.values()) + sum(r.is_error for r in tail)
    series = request_series(deployment, minutes=30)
    assert sum(sum(v) for v in series["variants"].values()) == page["requests"]


@pytest.mark.parametrize("shift", [0.0, 1.0])
def test_drift_from_rollups_gives_the_verdict_from_rows(team, served, shift):
    deployment, version = served
    now = timezone.now()
    start = floor_minute(now) - timedelta(minutes=30)
    log_rows(deployment, version, 600, shift=shift, minutes_ago=10, seed=4)
    log_rows(deployment, version, 40, shift=shift, minutes_ago=0.5, seed=5)  # will be past the watermark
    end = timezone.now()
    from_rows = drift.compute(deployment=deployment, window_start=start, window_end=end)
    rollups_compute(now=now)
    assert watermark() < now - timedelta(seconds=30)
    from_rollups = drift.compute(deployment=deployment, window_start=start, window_end=end)
    assert from_rows["source"] == "rows" and from_rollups["source"] == "rollups"
    assert from_rows["n_rows"] == from_rollups["n_rows"] == 640
    assert from_rows["status"] == from_rollups["status"] == "ok"
    verdict = from_rows["result"]["dataset"]["drifted"]
    assert verdict is (shift > 0)
    assert from_rollups["result"]["dataset"]["drifted"] is verdict
    assert from_rollups["result"]["prediction"]["drifted"] == from_rows["result"]["prediction"]["drifted"]
    ends_on_the_watermark = drift.compute(deployment=deployment, window_start=start, window_end=watermark())
    assert ends_on_the_watermark["source"] == "rollups" and ends_on_the_watermark["n_rows"] == 600


def test_metrics_read_totals_and_the_raw_tail_with_unchanged_numbers(team, served):
    from prometheus_client.parser import text_string_to_metric_families

    from monitoring.metrics import render_metrics

    def predictions() -> dict[tuple, float]:
        text = render_metrics().decode()
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text)
            if family.name.startswith("keel_prediction")
            for s in family.samples
        }

    deployment, version = served
    now = timezone.now()
    traffic(deployment, version, floor_minute(now) - timedelta(minutes=10))
    before = predictions()
    assert any(name == "keel_predictions_total" for name, _ in before)
    rollups_compute(now=now)
    assert watermark() is not None and predictions() == pytest.approx(before)
    rollups_compute_range(start=floor_minute(now) - timedelta(minutes=10), end=watermark())  # a re-run
    assert rollups_compute(now=now)["rollups"] == 0
    assert predictions() == pytest.approx(before)  # totals counted once
