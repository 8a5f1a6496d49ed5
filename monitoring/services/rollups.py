"""Per-minute rollups of the prediction log, computed off the hot path over closed minutes.

``rollups_compute`` (task ``monitoring.compute_rollups``, every minute) rolls up the minutes between the watermark
and the last closed minute (``KEEL_ROLLUP_LAG_SECONDS`` after its end, so slow commits are in), at most
``KEEL_ROLLUP_MAX_MINUTES`` per run. A minute is always recomputed whole from raw rows and upserted on the unique
(deployment, variant, shadow, model version, minute) key, and the watermark only moves forward, so re-runs and
two workers racing write the same rows. Nothing is added to the inference path.

Per group: request and error counts, latency histograms over ``serving.latency.BOUNDS`` (successful and failed
predictions apart) and the latency sum; for successful rows, every input feature and the model output of the
serving version's reference profile sketched with ``monitoring.drift.sketch_current`` (a KLL sketch per number,
exact category counts; stored with ``pack``), so a drift report merges a window's minutes with ``merge_current``.

Hourly rollups (``PredictionRollupHour``): once the minutes of an hour are all rolled up (a run's range reaches
the end of the hour), the hour's minutes are merged per group (``merge_packed``, in minute order) and upserted on
the same key with the hour in place of the minute. They are a function of the stored minutes only, so a re-run or
a second worker writes the same hour (byte for byte while no KLL compaction happens; beyond that an equally valid
sketch of the same minutes, as for the minutes themselves). Pruned with the minutes.

``rollups_backfill_sketches`` (``manage.py rollups_backfill``) migrates minutes rolled up before rollups kept
sketches: each is recomputed from the raw log where the log still holds exactly the rows it counted.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.db.models.functions import TruncMinute
from django.utils import timezone

from core.models import Project
from core.storage import blob_read_verified
from monitoring.drift import merge_packed, pack, sketch_current
from registry.models import ModelVersion
from serving.latency import Histogram
from serving.models import PredictionLog, PredictionRollup, PredictionRollupHour, PredictionTotal, RollupWatermark
from serving.traffic import WATERMARK, floor_hour, floor_minute, watermark

logger = logging.getLogger(__name__)
CHUNK = 10_000
SLICE_MINUTES = 5
HOUR = timedelta(hours=1)
HOUR_BATCH = 20  # hour rows upserted at a time (each holds a group's merged sketches)
GROUP = ("deployment_id", "variant", "shadow", "model_version_id")
GroupKey = tuple[int, str, bool, int, datetime]  # deployment, variant, shadow, model version, minute


@dataclass
class _Group:
    project_id: int
    requests: int = 0
    errors: int = 0
    latency_sum: float = 0.0
    ok_latencies: list[float] = field(default_factory=list)
    error_latencies: list[float] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class VersionProfile:
    """The columns of a version's rows that are sketched: its input features and its output."""

    features: list[dict[str, Any]]
    output: dict[str, Any] | None


class Profiles:
    """Reference profiles per model version, read once per run (None: the version has no profile)."""

    def __init__(self) -> None:
        self.cache: dict[int, VersionProfile | None] = {}

    def get(self, version_id: int) -> VersionProfile | None:
        if version_id not in self.cache:
            self.cache[version_id] = self._load(version_id)
        return self.cache[version_id]

    def _load(self, version_id: int) -> VersionProfile | None:
        version = ModelVersion.objects.filter(pk=version_id).first()
        if version is None or not version.reference_profile_sha256:
            return None
        profile = json.loads(blob_read_verified(version.reference_profile_sha256))
        names = {f["name"] for f in version.signature.get("inputs", [])}
        target = (version.signature.get("output") or {}).get("name")
        features = [c for c in profile["columns"] if c["name"] in names and c["kind"] != "datetime"]
        output = next((c for c in profile["columns"] if c["name"] == target), None)
        return VersionProfile(features=features, output=output)


def _collect(start: datetime, end: datetime) -> dict[GroupKey, _Group]:
    rows = (
        PredictionLog.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list(
            "deployment_id",
            "variant",
            "shadow",
            "model_version_id",
            "created_at",
            "project_id",
            "is_error",
            "latency_ms",
            "inputs",
            "outputs",
        )
    )
    groups: dict[GroupKey, _Group] = {}
    for (
        deployment_id,
        variant,
        shadow,
        version_id,
        created,
        project_id,
        is_error,
        latency,
        inputs,
        outputs,
    ) in rows.iterator(chunk_size=CHUNK):
        key = (deployment_id, variant, shadow, version_id, floor_minute(created))
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(project_id=project_id)
        group.requests += 1
        group.latency_sum += latency
        if is_error:
            group.errors += 1
            group.error_latencies.append(latency)
        else:
            group.ok_latencies.append(latency)
            group.inputs.append(inputs)
            group.outputs.append((outputs or {}).get("prediction"))
    return groups


def _sketches(group: _Group, profile: VersionProfile | None) -> tuple[bytes, bytes]:
    if profile is None or not group.inputs:
        return pack({}), pack({})
    features = {
        column["name"]: sketch_current(column, [row.get(column["name"]) for row in group.inputs])
        for column in profile.features
    }
    output = {profile.output["name"]: sketch_current(profile.output, group.outputs)} if profile.output else {}
    return pack(features), pack(output)


def _rollup(key: GroupKey, group: _Group, profiles: Profiles, now: datetime) -> PredictionRollup:
    deployment_id, variant, shadow, version_id, minute = key
    features, output = _sketches(group, profiles.get(version_id))
    return PredictionRollup(
        project_id=group.project_id,
        deployment_id=deployment_id,
        variant=variant,
        shadow=shadow,
        model_version_id=version_id,
        minute=minute,
        requests=group.requests,
        errors=group.errors,
        latency_sum_ms=group.latency_sum,
        latency_ok=Histogram.from_values(group.ok_latencies).to_list(),
        latency_error=Histogram.from_values(group.error_latencies).to_list(),
        feature_sketches=features,
        output_sketch=output,
        computed_at=now,
    )


def rollups_compute_range(*, start: datetime, end: datetime) -> list[PredictionRollup]:
    """Recompute and upsert the rollups of every minute in [start, end) (minute-aligned), then the hourly rollups
    of the hours this completes (``closed_hours``); the minute rollups written. Raw rows are read
    ``SLICE_MINUTES`` at a time so memory stays bounded whatever the range."""
    profiles = Profiles()
    written = []
    minute = start
    while minute < end:
        stop = min(end, minute + timedelta(minutes=SLICE_MINUTES))
        written += _compute_slice(minute, stop, profiles)
        minute = stop
    for hour in closed_hours(start, end):
        rollup_hour_compute(hour=hour)
    return written


def closed_hours(start: datetime, end: datetime) -> list[datetime]:
    """The hours that rolling up [start, end) completes: those ending in (start, end], less one that began before
    ``start`` while the minutes before ``start`` are not all rolled up (the watermark is before ``start``)."""
    hour, hours = floor_hour(start), []
    if hour < start:
        mark = watermark()
        if mark is None or mark < start:
            hour += HOUR
    while hour + HOUR <= end:
        hours.append(hour)
        hour += HOUR
    return hours


def rollup_hour_compute(*, hour: datetime) -> int:
    """Merge the minute rollups of ``hour`` per group and upsert them as hourly rollups; rows written. A group
    with a minute rolled up before sketches gets no hour row (reports read its minutes)."""
    written, batch = 0, []
    for obj in _hour_rollups(hour):
        batch.append(obj)
        if len(batch) == HOUR_BATCH:
            written += _upsert_hours(batch)
            batch = []
    return written + _upsert_hours(batch)


def _hour_rollups(hour: datetime) -> Iterator[PredictionRollupHour]:
    minutes = (
        PredictionRollup.objects.filter(minute__gte=hour, minute__lt=hour + HOUR)
        .order_by(*GROUP, "minute")
        .values_list(*GROUP, "project_id", "requests", "errors", "feature_sketches", "output_sketch")
    )
    now = timezone.now()
    for key, group in itertools.groupby(minutes.iterator(chunk_size=60), key=lambda row: row[:4]):
        rows = list(group)
        if any(row[7] is None or row[8] is None for row in rows):
            continue
        deployment_id, variant, shadow, version_id = key
        yield PredictionRollupHour(
            project_id=rows[0][4],
            deployment_id=deployment_id,
            variant=variant,
            shadow=shadow,
            model_version_id=version_id,
            hour=hour,
            requests=sum(row[5] for row in rows),
            errors=sum(row[6] for row in rows),
            feature_sketches=merge_packed(row[7] for row in rows),
            output_sketch=merge_packed(row[8] for row in rows),
            computed_at=now,
        )


def _upsert_hours(objs: list[PredictionRollupHour]) -> int:
    PredictionRollupHour.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=[*GROUP, "hour"],
        update_fields=["project_id", "requests", "errors", "feature_sketches", "output_sketch", "computed_at"],
    )
    return len(objs)


def _compute_slice(start: datetime, end: datetime, profiles: Profiles) -> list[PredictionRollup]:
    now = timezone.now()
    objs = [_rollup(key, group, profiles, now) for key, group in _collect(start, end).items()]
    PredictionRollup.objects.bulk_create(
        objs,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["deployment_id", "variant", "shadow", "model_version_id", "minute"],
        update_fields=[
            "project_id",
            "requests",
            "errors",
            "latency_sum_ms",
            "latency_ok",
            "latency_error",
            "feature_sketches",
            "output_sketch",
            "computed_at",
        ],
    )
    for obj in objs:  # only the totals need them afterwards: free the sketches
        obj.feature_sketches, obj.output_sketch = None, None
    return objs


def _stored_groups(start: datetime, end: datetime) -> dict[datetime, dict[tuple[Any, ...], int]]:
    stored: dict[datetime, dict[tuple[Any, ...], int]] = defaultdict(dict)
    rows = PredictionRollup.objects.filter(minute__gte=start, minute__lt=end).values_list("minute", *GROUP, "requests")
    for minute, *key, requests in rows:
        stored[minute][tuple(key)] = requests
    return stored


def _raw_groups(start: datetime, end: datetime) -> dict[datetime, dict[tuple[Any, ...], int]]:
    raw: dict[datetime, dict[tuple[Any, ...], int]] = defaultdict(dict)
    rows = (
        PredictionLog.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(at=TruncMinute("created_at", tzinfo=UTC))
        .order_by()
        .values("at", *GROUP)
        .annotate(n=Count("id"))
    )
    for row in rows:
        raw[row["at"]][tuple(row[name] for name in GROUP)] = row["n"]
    return raw


def rollups_backfill_sketches(*, dry_run: bool = False) -> dict[str, int]:
    """Recompute the minutes rolled up before rollups kept sketches from the raw log, where it still holds every row
    such a minute counted (per group, as many requests), then merge the whole hours they belong to again. A minute
    whose rows are gone (retention) or differ (erasure) is kept as it is. Counts: ``minutes`` without sketches,
    ``recomputed``, ``kept``, ``hours`` merged. Idempotent: recomputed minutes have sketches."""
    stale = sorted(set(PredictionRollup.objects.filter(feature_sketches__isnull=True).values_list("minute", flat=True)))
    result = {"minutes": len(stale), "recomputed": 0, "kept": 0, "hours": 0}
    profiles, hours = Profiles(), set()
    for _, day in itertools.groupby(stale, key=lambda minute: minute.date()):
        minutes = list(day)
        start, end = minutes[0], minutes[-1] + timedelta(minutes=1)
        stored, raw = _stored_groups(start, end), _raw_groups(start, end)
        for minute in minutes:
            if stored[minute] != raw.get(minute):
                result["kept"] += 1
                continue
            result["recomputed"] += 1
            hours.add(floor_hour(minute))
            if not dry_run:
                _compute_slice(minute, minute + timedelta(minutes=1), profiles)
    mark = watermark()
    for hour in sorted(h for h in hours if mark is not None and h + HOUR <= mark):
        result["hours"] += 1
        if not dry_run:
            rollup_hour_compute(hour=hour)
    return result


def _start(closed: datetime) -> datetime:
    first = PredictionLog.objects.aggregate(first=Min("created_at"))["first"]
    initial = floor_minute(first) if first is not None else closed
    mark, _ = RollupWatermark.objects.get_or_create(name=WATERMARK, defaults={"until": min(initial, closed)})
    return mark.until


def rollups_compute(*, now: datetime | None = None) -> dict[str, Any]:
    """Roll up the closed minutes after the watermark (a bounded batch) and move the watermark forward."""
    now = now or timezone.now()
    closed = floor_minute(now - timedelta(seconds=settings.KEEL_ROLLUP_LAG_SECONDS))
    start = _start(closed)
    end = min(closed, start + timedelta(minutes=settings.KEEL_ROLLUP_MAX_MINUTES))
    if end <= start:
        return {"rollups": 0, "until": start.isoformat()}
    written = rollups_compute_range(start=start, end=end)
    with transaction.atomic():
        if RollupWatermark.objects.filter(name=WATERMARK, until=start).update(until=end) == 1:
            _add_totals(written)  # this worker moved the watermark over the range: it alone counts it
    return {"rollups": len(written), "from": start.isoformat(), "until": end.isoformat()}


def _add_totals(rollups: list[PredictionRollup]) -> None:
    sums: dict[tuple[int, str, bool], list[Any]] = {}
    for r in rollups:
        key = (r.deployment_id, r.variant, r.shadow)
        entry = sums.setdefault(key, [r.project_id, 0, 0, 0.0, Histogram()])
        entry[1] += r.requests
        entry[2] += r.errors
        entry[3] += r.latency_sum_ms
        entry[4] = entry[4].merge(Histogram.from_list(r.latency_ok)).merge(Histogram.from_list(r.latency_error))
    for (deployment_id, variant, shadow), (project_id, requests, errors, total, histogram) in sums.items():
        row, _ = PredictionTotal.objects.select_for_update().get_or_create(
            deployment_id=deployment_id,
            variant=variant,
            shadow=shadow,
            defaults={"project_id": project_id, "latency": Histogram().to_list()},
        )
        row.requests += requests
        row.errors += errors
        row.latency_sum_ms += total
        row.latency = Histogram.from_list(row.latency).merge(histogram).to_list()
        row.save(update_fields=["requests", "errors", "latency_sum_ms", "latency"])


def rollups_prune(*, now: datetime | None = None) -> int:
    """Delete rollups (minutes, and hours that began before the cutoff) and drift reports older than their
    project's rollup retention; rows deleted."""
    from monitoring.models import DriftReport
    from serving.retention import policy_for

    now = now or timezone.now()
    deleted = 0
    for project_id in Project.objects.values_list("pk", flat=True):
        cutoff = now - timedelta(days=policy_for(project_id).rollup_retention_days)
        deleted += PredictionRollup.objects.filter(project_id=project_id, minute__lt=cutoff).delete()[0]
        deleted += PredictionRollupHour.objects.filter(project_id=project_id, hour__lt=cutoff).delete()[0]
        deleted += DriftReport.objects.filter(deployment__project_id=project_id, window_end__lt=cutoff).delete()[0]
    return deleted
