"""Drift reports over windows of logged predictions against the serving version's training-data profile.

Exactly one report per (deployment, variant, window): scheduled windows are aligned to the cadence, so two
workers or a restarted beat compute the same window, and the unique constraint keeps the first.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import User
from core.storage import blob_read_verified
from monitoring.drift import DriftOptions, compute_report, merge_current, prediction_drift, sketch_current, unpack
from monitoring.drift.status import report_status
from monitoring.models import DriftConfig, DriftReport, ReportStatus
from registry.models import ModelVersion, RunArtifact
from serving.models import Deployment, PredictionLog, PredictionRollup, PredictionRollupHour, Variant
from serving.traffic import floor_hour, watermark

logger = logging.getLogger(__name__)
MAX_ROWS = 1_000_000
LIVE_ROLES = ("primary", "canary", "challenger")  # variants that answer live traffic (not shadow or standby)


def drift_options(config: DriftConfig | None) -> DriftOptions:
    raw = dict(config.options) if config else {}
    raw.pop("importance_weighted", None)
    if raw.get("correction") not in (None, "bonferroni", "bh"):
        raise ValidationFailed.field("options.correction", "bonferroni, bh or null")
    try:
        return DriftOptions.from_dict(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed.field("options", str(exc)) from None


def has_reference(deployment: Deployment) -> bool:
    """Whether a live variant of the current revision serves a version with a training-data profile."""
    return Variant.objects.filter(
        revision_id=deployment.current_revision_id or 0,
        role__in=LIVE_ROLES,
        model_version__reference_profile_sha256__gt="",
    ).exists()


def default_config(deployment: Deployment, *, enabled: bool | None = None) -> DriftConfig:
    """The schedule a deployment has while nothing is stored (unsaved): every ``KEEL_DRIFT_CADENCE_MINUTES`` over
    the last ``KEEL_DRIFT_WINDOW_MINUTES``, enabled when the serving version has a reference profile."""
    return DriftConfig(
        deployment=deployment,
        enabled=has_reference(deployment) if enabled is None else enabled,
        window_minutes=settings.KEEL_DRIFT_WINDOW_MINUTES,
        cadence_minutes=settings.KEEL_DRIFT_CADENCE_MINUTES,
    )


def config_for(deployment: Deployment) -> DriftConfig:
    """The stored config, else the default one (not saved: reading writes nothing)."""
    return DriftConfig.objects.filter(deployment=deployment).first() or default_config(deployment)


def aligned_window(now: datetime, cadence_minutes: int, window_minutes: int) -> tuple[datetime, datetime]:
    """The last complete window ending on a cadence boundary (epoch-aligned), so every worker agrees."""
    epoch = int(now.timestamp())
    step = cadence_minutes * 60
    end = datetime.fromtimestamp(epoch - epoch % step, tz=now.tzinfo)
    return end - timedelta(minutes=window_minutes), end


def _serving_version(rows: list[tuple[Any, ...]]) -> ModelVersion | None:
    counts = Counter(row[0] for row in rows)
    if not counts:
        return None
    return ModelVersion.objects.select_related("registered_model").filter(pk=counts.most_common(1)[0][0]).first()


def _reference(version: ModelVersion) -> dict[str, Any] | None:
    if not version.reference_profile_sha256:
        return None
    return _profile(version.reference_profile_sha256)


@lru_cache(maxsize=16)
def _profile(sha256: str) -> dict[str, Any]:
    """A stored profile, parsed once per process (stored by content hash, so never stale; callers only read it)."""
    return json.loads(blob_read_verified(sha256))


def _importance(version: ModelVersion) -> dict[str, float] | None:
    if version.run_id is None:
        return None
    artifact = RunArtifact.objects.filter(run_id=version.run_id, path="evaluation/permutation_importance.json").first()
    if artifact is None:
        return None
    return {row["feature"]: max(0.0, float(row["mean"])) for row in json.loads(blob_read_verified(artifact.sha256))}


def _current(rows: list[tuple[Any, ...]], names: list[str]) -> tuple[dict[str, list[Any]], list[Any]]:
    current: dict[str, list[Any]] = {name: [] for name in names}
    outputs = []
    for _, inputs, output in rows:
        for name in names:
            current[name].append(inputs.get(name))
        outputs.append(output.get("prediction"))
    return current, outputs


Builder = Callable[[list[dict[str, Any]], dict[str, Any] | None], tuple[dict[str, Any], Any]]


def _raw_current(
    deployment: Deployment, window_start: datetime, window_end: datetime, variant: str
) -> tuple[int, ModelVersion | None, Builder]:
    """Rows, serving version and a builder of (current, outputs) from the raw rows of the window."""
    rows = list(_live_rows(deployment, window_start, window_end, variant)[:MAX_ROWS])
    return len(rows), _serving_version(rows), lambda columns, _: _current(rows, [c["name"] for c in columns])


def _live_rows(deployment: Deployment, window_start: datetime, window_end: datetime, variant: str) -> Any:
    logs = PredictionLog.objects.filter(
        deployment_id=deployment.pk,
        created_at__gte=window_start,
        created_at__lt=window_end,
        shadow=False,
        is_error=False,
    )
    if variant:
        logs = logs.filter(variant=variant)
    return logs.values_list("model_version_id", "inputs", "outputs")


def _rollup_split(window_start: datetime, window_end: datetime) -> datetime | None:
    """Where rollups stop (the watermark, or the window end), when they cover the start of the window; else None.
    The window must start on a whole minute, and end on one unless it ends after the watermark."""
    mark = watermark()
    if mark is None or mark <= window_start or window_start.second or window_start.microsecond:
        return None
    if window_end <= mark and (window_end.second or window_end.microsecond):
        return None
    return min(mark, window_end)


def _rollup_current(
    deployment: Deployment, window_start: datetime, window_end: datetime, variant: str, split: datetime
) -> tuple[int, ModelVersion | None, Builder] | None:
    """The same from rollups before ``split`` (the serving version's current sketches, merged: hourly rollups for
    the whole hours, per-minute ones for the rest) and the raw rows after it (the minute or two past the
    watermark), sketched on the fly the same way. None when a minute of the window was rolled up before rollups
    kept sketches (the raw rows serve instead)."""
    minutes = PredictionRollup.objects.filter(
        deployment_id=deployment.pk, shadow=False, minute__gte=window_start, minute__lt=split
    )
    if variant:
        minutes = minutes.filter(variant=variant)
    counts = list(minutes.values_list("id", "model_version_id", "variant", "minute", "requests", "errors"))
    by_version: Counter[int] = Counter()
    for _, version_id, _, _, requests, errors in counts:
        by_version[version_id] += requests - errors
    if not by_version:
        return 0, None, lambda columns, _: ({}, [])
    version_id = by_version.most_common(1)[0][0]
    version = ModelVersion.objects.select_related("registered_model").filter(pk=version_id).first()
    mine = [row for row in counts if row[1] == version_id]
    stored = _hour_sketches(deployment, variant, version_id, mine, window_start, split)
    covered = {(row[0], row[1]) for row in stored}
    ids = [row[0] for row in mine if (row[2], floor_hour(row[3])) not in covered]
    stored += (
        PredictionRollup.objects.filter(pk__in=ids)
        .order_by("minute")
        .values_list("variant", "minute", "feature_sketches", "output_sketch")
    )
    if any(features is None or output is None for _, _, features, output in stored):
        return None
    sketches = [(unpack(features), unpack(output)) for _, _, features, output in stored]
    tail = [r for r in _live_rows(deployment, split, window_end, variant) if r[0] == version_id]
    return by_version[version_id] + len(tail), version, _sketch_builder(sketches, tail)


def _hour_sketches(
    deployment: Deployment,
    variant: str,
    version_id: int,
    minutes: list[tuple[Any, ...]],
    window_start: datetime,
    split: datetime,
) -> list[tuple[Any, ...]]:
    """(variant, hour, features, output) of the hourly rollups of the whole hours in [window_start, split) whose
    requests equal those of the minutes they stand for (an hour rolled up before hourly rollups, or stale, is
    left to its minutes)."""
    first, last = floor_hour(window_start + timedelta(minutes=59)), floor_hour(split)
    expected: Counter[tuple[str, datetime]] = Counter()
    for _, _, name, minute, requests, _ in minutes:
        if first <= minute < last:
            expected[(name, floor_hour(minute))] += requests
    if not expected:
        return []
    hours = PredictionRollupHour.objects.filter(
        deployment_id=deployment.pk, shadow=False, model_version_id=version_id, hour__gte=first, hour__lt=last
    )
    if variant:
        hours = hours.filter(variant=variant)
    rows = hours.order_by("hour", "variant").values_list(
        "variant", "hour", "requests", "feature_sketches", "output_sketch"
    )
    return [(name, hour, f, o) for name, hour, requests, f, o in rows if expected.get((name, hour)) == requests]


def _sketch_builder(sketches: list[tuple[dict[str, Any], dict[str, Any]]], tail: list[tuple[Any, ...]]) -> Builder:
    """A builder merging stored (features, output) sketches and the raw tail rows, sketched as the rollups do."""

    def build(columns: list[dict[str, Any]], target: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
        raw, raw_outputs = _current(tail, [c["name"] for c in columns])
        current = {}
        for column in columns:
            parts = [f[column["name"]] for f, _ in sketches if column["name"] in f]
            if tail:
                parts.append(sketch_current(column, raw[column["name"]]))
            if parts:
                current[column["name"]] = merge_current(*parts)
        if target is None:
            return current, []
        outputs = [o[target["name"]] for _, o in sketches if target["name"] in o]
        outputs += [sketch_current(target, raw_outputs)] if tail else []
        return current, merge_current(*outputs) if outputs else []

    return build


def compute(
    *,
    deployment: Deployment,
    window_start: datetime,
    window_end: datetime,
    variant: str = "",
    config: DriftConfig | None = None,
) -> dict[str, Any]:
    """The report of a window: the current side from rollup sketches (hourly for whole hours, else per minute)
    when rollups cover the window's start (plus the raw rows after the watermark, sketched the same way), else
    from the raw rows (up to ``MAX_ROWS``)."""
    split = _rollup_split(window_start, window_end)
    found = _rollup_current(deployment, window_start, window_end, variant, split) if split is not None else None
    from_rollups = found is not None
    n_rows, version, build = found or _raw_current(deployment, window_start, window_end, variant)
    base = {"n_rows": n_rows, "model_version": version, "source": "rollups" if from_rollups else "rows"}
    if version is None:
        return {**base, "status": ReportStatus.INSUFFICIENT_DATA, "detail": "no predictions in the window"}
    reference = _reference(version)
    if reference is None:
        return {**base, "status": ReportStatus.FAILED, "detail": f"{version} has no training-data profile"}
    options = drift_options(config)
    target = (version.signature.get("output") or {}).get("name")
    features = {f["name"] for f in version.signature.get("inputs", [])}
    feature_profile = {**reference, "columns": [c for c in reference["columns"] if c["name"] in features]}
    if config and config.options.get("importance_weighted"):
        options = dataclasses.replace(options, importance=_importance(version))
    if n_rows < options.min_rows:
        return {
            **base,
            "status": ReportStatus.INSUFFICIENT_DATA,
            "detail": f"{n_rows} rows in the window; at least {options.min_rows} are needed",
        }
    target_column = next((c for c in reference["columns"] if c["name"] == target), None)
    current, outputs = build(feature_profile["columns"], target_column)
    result = compute_report(feature_profile, current, options)
    if target_column is not None:
        result["prediction"] = prediction_drift(target_column, outputs, min_rows=options.min_rows).to_dict()
    result["source"] = base["source"]
    return {**base, "status": ReportStatus.OK, "result": result}


def drift_report_create(
    *,
    deployment: Deployment,
    window_start: datetime,
    window_end: datetime,
    variant: str = "",
    trigger: str = "schedule",
    user: User | None = None,
) -> tuple[DriftReport, bool]:
    """Compute and store the report for a window, or return the one already stored (exactly once)."""
    if window_end <= window_start:
        raise ValidationFailed.field("window_end", "must be after window_start")
    existing = DriftReport.objects.filter(
        deployment=deployment, variant=variant, window_start=window_start, window_end=window_end
    ).first()
    if existing is not None:
        return existing, False
    config = DriftConfig.objects.filter(deployment=deployment).first()
    outcome = compute(
        deployment=deployment, window_start=window_start, window_end=window_end, variant=variant, config=config
    )
    result = outcome.get("result", {})
    report = DriftReport(
        deployment=deployment,
        variant=variant,
        model_version=outcome["model_version"],
        window_start=window_start,
        window_end=window_end,
        status=outcome["status"],
        trigger=trigger,
        n_rows=outcome["n_rows"],
        result=result,
        detail=outcome.get("detail", ""),
    )
    if result:
        report_apply_status(report)
    try:
        with transaction.atomic():
            report.save()
            if trigger == "manual":
                audit_record(action="drift_report.create", actor=user, project=deployment.project, obj=report)
    except IntegrityError:  # another worker stored this window first
        return DriftReport.objects.get(
            deployment=deployment, variant=variant, window_start=window_start, window_end=window_end
        ), False
    return report, True


def report_apply_status(report: DriftReport) -> None:
    """Set a computed report's status and counts from its result by the one rule (``monitoring.drift.status``)."""
    verdict = report_status(report.result)
    report.status = verdict.status
    report.dataset_drift = verdict.dataset_drift
    report.prediction_drift = verdict.prediction_drift
    report.share_drifted = (report.result.get("dataset") or {}).get("share_drifted")
    report.n_features, report.n_drifted = verdict.n_features, verdict.n_drifted


def scheduled_configs() -> list[DriftConfig]:
    """The enabled stored configs, and the default schedule of every deployment with none stored whose current
    revision serves a version with a reference profile."""
    configs = list(DriftConfig.objects.filter(enabled=True).select_related("deployment"))
    unconfigured = Deployment.objects.filter(
        drift_config__isnull=True,
        current_revision__variants__role__in=LIVE_ROLES,
        current_revision__variants__model_version__reference_profile_sha256__gt="",
    ).distinct()
    return configs + [default_config(d, enabled=True) for d in unconfigured]


def drift_reports_due(*, now: datetime | None = None) -> list[tuple[int, str, str]]:
    """(deployment id, window start, window end) of every scheduled deployment (``scheduled_configs``) whose last
    aligned window has no report."""
    now = now or timezone.now()
    due = []
    for config in scheduled_configs():
        start, end = aligned_window(now, config.cadence_minutes, config.window_minutes)
        if not DriftReport.objects.filter(
            deployment_id=config.deployment_id, variant="", window_start=start, window_end=end
        ).exists():
            due.append((config.deployment_id, start.isoformat(), end.isoformat()))
    return due


def drift_variant_reports_due(*, now: datetime | None = None) -> list[tuple[int, str, str, str]]:
    """(deployment id, window start, window end, variant) for each live variant of the current revision of every
    enabled ``per_variant`` config whose last aligned window has no report for that variant yet."""
    now = now or timezone.now()
    due: list[tuple[int, str, str, str]] = []
    for config in DriftConfig.objects.filter(enabled=True, per_variant=True).select_related("deployment"):
        start, end = aligned_window(now, config.cadence_minutes, config.window_minutes)
        variants = Variant.objects.filter(
            revision__deployment_id=config.deployment_id,
            revision__pk=config.deployment.current_revision_id or 0,
            role__in=LIVE_ROLES,
            weight__gt=0,
        ).values_list("name", flat=True)
        done = set(
            DriftReport.objects.filter(
                deployment_id=config.deployment_id, window_start=start, window_end=end, variant__in=list(variants)
            ).values_list("variant", flat=True)
        )
        due.extend((config.deployment_id, start.isoformat(), end.isoformat(), v) for v in variants if v not in done)
    return due
