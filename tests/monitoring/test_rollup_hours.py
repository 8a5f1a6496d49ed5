"""Hourly rollups: a closed hour's minute sketches merged once, read by drift reports for the whole hours of a window
with the same report as from the minutes; recomputed identically; missing or stale hours fall back to minutes."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from monitoring.drift import pack, unpack
from monitoring.services import drift
from monitoring.services.rollups import rollups_compute, rollups_compute_range, rollups_prune
from serving.models import PredictionLog, PredictionRollup, PredictionRollupHour
from serving.traffic import watermark
from tests.monitoring.test_rollups import sketched
from tests.registry.models_helpers import cancer_frame

HOUR = timedelta(hours=1)
FEATURES = ("mean_radius", "mean_texture", "worst_area", "mean_smoothness")


def spread_rows(deployment, version, start: datetime, *, minutes: int, per_minute: int, shift: float, seed: int):
    """``per_minute`` predictions in each of ``minutes`` minutes from ``start``, drawn from the reference rows with
    ``shift`` reference std added to a few features; every 9th fails, every 5th goes to a second variant."""
    frame = cancer_frame()
    rng = np.random.default_rng(seed)
    sample = frame.drop(columns=["target"]).iloc[rng.integers(0, len(frame), minutes * per_minute)].copy()
    for name in FEATURES:
        sample[name] = sample[name] + shift * frame[name].std()
    rows = []
    for i, (_, row) in enumerate(sample.iterrows()):
        rows.append(
            PredictionLog(
                prediction_id=uuid.uuid4(),
                request_id=f"r{i}",
                project_id=deployment.project_id,
                deployment_id=deployment.pk,
                revision_number=1,
                variant="green" if i % 5 == 0 else "blue",
                model_version_id=version.pk,
                inputs={k: float(v) for k, v in row.items()},
                outputs={"prediction": int(i % 2)},
                latency_ms=2.0,
                is_error=i % 9 == 0,
                error="boom" if i % 9 == 0 else "",
                created_at=start + timedelta(minutes=i // per_minute, seconds=int(rng.integers(0, 60))),
            )
        )
    PredictionLog.objects.bulk_create(rows)
    return rows


def roll_up_all(now: datetime) -> None:
    """Run the rollup task's service until the watermark stops moving (it takes a bounded batch per run)."""
    while "from" in rollups_compute(now=now):
        pass


@pytest.fixture
def hours(team, served):
    """Rows over 2 h 30 min from 15 minutes before a whole hour three hours ago, rolled up until 30 minutes past the
    second hour after it; returns (deployment, version, that whole hour, the rows)."""
    deployment, version = served
    first = timezone.now().replace(minute=0, second=0, microsecond=0) - 3 * HOUR
    rows = spread_rows(deployment, version, first - timedelta(minutes=15), minutes=150, per_minute=6, shift=0.4, seed=1)
    roll_up_all(first + 2 * HOUR + timedelta(minutes=30))
    assert watermark() == first + 2 * HOUR + timedelta(minutes=29)
    return deployment, version, first, rows


def report(deployment, start, end, variant=""):
    outcome = drift.compute(deployment=deployment, window_start=start, window_end=end, variant=variant)
    assert outcome["status"] == "ok" and outcome["source"] == "rollups", outcome
    return outcome


def stored_hours() -> dict[tuple, tuple]:
    return {
        (h.variant, h.shadow, h.model_version_id, h.hour): (
            h.requests,
            h.errors,
            bytes(h.feature_sketches),
            bytes(h.output_sketch),
        )
        for h in PredictionRollupHour.objects.all()
    }


def test_a_closed_hour_holds_its_minutes_merged(hours):
    deployment, _, first, rows = hours
    stored = PredictionRollupHour.objects.filter(deployment_id=deployment.pk)
    assert {h.hour for h in stored} == {first - HOUR, first, first + HOUR}  # not the hour still open
    for hour in stored:
        minutes = PredictionRollup.objects.filter(
            deployment_id=hour.deployment_id,
            variant=hour.variant,
            shadow=hour.shadow,
            model_version_id=hour.model_version_id,
            minute__gte=hour.hour,
            minute__lt=hour.hour + HOUR,
        )
        assert hour.requests == sum(m.requests for m in minutes) > 0
        assert hour.errors == sum(m.errors for m in minutes)
        ok = [
            r
            for r in rows
            if r.variant == hour.variant and not r.is_error and hour.hour <= r.created_at < hour.hour + HOUR
        ]
        features, (output,) = unpack(hour.feature_sketches), unpack(hour.output_sketch).values()
        assert features["mean_radius"]["n"] == len(ok) and sketched(output) == len(ok)
        assert set(features) == set(unpack(minutes.first().feature_sketches))


def test_an_hour_is_merged_when_the_watermark_passes_its_end(team, served):
    deployment, version = served
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0) - 2 * HOUR
    spread_rows(deployment, version, hour + timedelta(minutes=30), minutes=60, per_minute=3, shift=0.0, seed=2)
    roll_up_all(hour + timedelta(minutes=59, seconds=61))  # every minute of the hour but its last
    assert watermark() == hour + timedelta(minutes=59) and not PredictionRollupHour.objects.exists()
    rollups_compute(now=hour + HOUR + timedelta(seconds=61))
    assert watermark() == hour + HOUR
    assert {h.hour for h in PredictionRollupHour.objects.all()} == {hour}


def test_a_report_from_hours_equals_the_report_from_minutes(hours):
    deployment, _, first, _ = hours
    start, end = first - timedelta(minutes=10), first + 2 * HOUR + timedelta(minutes=10)  # two whole hours, edges
    reports = {}
    for variant in ("", "blue"):
        from_hours = reports[variant] = report(deployment, start, end, variant)
        PredictionRollupHour.objects.all().delete()
        from_minutes = report(deployment, start, end, variant)
        assert from_hours["n_rows"] == from_minutes["n_rows"]
        assert from_hours["model_version"] == from_minutes["model_version"]
        assert from_hours["result"] == from_minutes["result"]
        rollups_compute_range(start=first - timedelta(minutes=15), end=watermark())  # the hours again
    assert reports[""]["result"]["dataset"]["n_drifted"] > 0
    assert reports[""]["n_rows"] > reports["blue"]["n_rows"]
    # the minute sketches inside whole hours are not read while their hours are stored
    PredictionRollup.objects.filter(minute__gte=first, minute__lt=first + 2 * HOUR).update(
        feature_sketches=pack({}), output_sketch=pack({})
    )
    assert report(deployment, start, end)["result"] == reports[""]["result"]


def test_a_missing_or_stale_hour_falls_back_to_its_minutes(hours):
    deployment, _, first, _ = hours
    start, end = first, first + 2 * HOUR
    from_hours = report(deployment, start, end)
    PredictionRollupHour.objects.filter(hour=first).delete()  # rolled up before hours were kept
    assert report(deployment, start, end)["result"] == from_hours["result"]
    rollups_compute_range(start=first, end=first + HOUR)
    stale = PredictionRollupHour.objects.filter(hour=first + HOUR, variant="blue")
    stale.update(requests=1, feature_sketches=pack({}), output_sketch=pack({}))  # disagrees with its minutes
    assert report(deployment, start, end)["result"] == from_hours["result"]


def test_recomputing_an_hour_writes_the_same_row(hours):
    _, _, first, _ = hours
    before = stored_hours()
    assert len(before) == 6  # 3 hours x 2 variants
    rollups_compute_range(start=first - timedelta(minutes=15), end=watermark())  # a re-run / a second worker
    rollups_compute_range(start=first + timedelta(minutes=50), end=first + HOUR + timedelta(minutes=5))
    assert stored_hours() == before


def test_hours_are_pruned_with_the_minutes(hours):
    deployment, _, first, _ = hours
    from serving.retention import policy_for

    days = policy_for(deployment.project_id).rollup_retention_days
    rollups_prune(now=first + timedelta(days=days, minutes=30))  # minutes before first + 30 min are past retention
    assert {h.hour for h in PredictionRollupHour.objects.all()} == {first + HOUR}
    assert not PredictionRollup.objects.filter(minute__lt=first - timedelta(minutes=30)).exists()
    rollups_prune(now=first + timedelta(days=days + 1))
    assert not PredictionRollupHour.objects.exists() and not PredictionRollup.objects.exists()


def test_hours_are_readable_in_the_admin():
    assert site.is_registered(PredictionRollupHour)


def test_minutes_rolled_up_before_sketches_are_recomputed_from_the_log_where_it_still_holds_them(hours):
    deployment, _, first, _ = hours
    before = report(deployment, first, first + HOUR)
    stale = PredictionRollup.objects.filter(minute__gte=first - timedelta(minutes=15), minute__lt=first + HOUR)
    stale.update(feature_sketches=None, output_sketch=None)  # as rolled up before sketches
    PredictionRollupHour.objects.filter(hour=first).delete()
    gone = first - timedelta(minutes=10)  # the log no longer holds every row this minute counted
    PredictionRollup.objects.filter(minute=gone, variant="blue").update(requests=F("requests") + 1)
    without = drift.compute(deployment=deployment, window_start=first, window_end=first + HOUR)
    assert without["source"] == "rows"  # the old minutes are read from the raw rows meanwhile

    out = io.StringIO()
    call_command("rollups_backfill", "--dry-run", stdout=out)
    assert "75 minutes without sketches: would recompute 74 from the log, kept 1" in out.getvalue()
    assert PredictionRollup.objects.filter(feature_sketches__isnull=True).values("minute").distinct().count() == 75

    call_command("rollups_backfill", stdout=out)
    assert "recomputed 74 from the log, kept 1 (their rows are gone or changed), 2 hours merged." in out.getvalue()
    assert list(
        PredictionRollup.objects.filter(feature_sketches__isnull=True).values_list("minute", flat=True).distinct()
    ) == [gone]
    after = report(deployment, first, first + HOUR)
    assert after["n_rows"] == before["n_rows"] and after["result"] == before["result"]
    assert PredictionRollupHour.objects.filter(hour=first).exists()

    out = io.StringIO()
    call_command("rollups_backfill", stdout=out)  # idempotent: only the minute whose rows are gone is left
    assert out.getvalue().startswith("1 minutes without sketches: recomputed 0 from the log, kept 1")
