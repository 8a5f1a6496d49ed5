"""Drift reports over windows of logged predictions against the serving version's training-data profile.

Exactly one report per (deployment, variant, window): scheduled windows are aligned to the cadence, so two
workers or a restarted beat compute the same window, and the unique constraint keeps the first.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import User
from core.storage import blob_read_verified
from monitoring.drift import DriftOptions, compute_report, merge_current_bins, prediction_drift
from monitoring.models import DriftConfig, DriftReport, PredictionRollup, ReportStatus
from monitoring.services.rollups import watermark
from registry.models import ModelVersion, RunArtifact
from serving.models import Deployment, PredictionLog

logger = logging.getLogger(__name__)
MAX_ROWS = 1_000_000


def drift_options(config: DriftConfig | None) -> DriftOptions:
    raw = dict(config.options) if config else {}
    raw.pop("importance_weighted", None)
    if raw.get("correction") not in (None, "bonferroni", "bh"):
        raise ValidationFailed.field("options.correction", "bonferroni, bh or null")
    try:
        return DriftOptions.from_dict(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed.field("options", str(exc)) from None


def config_for(deployment: Deployment) -> DriftConfig:
    config, _ = DriftConfig.objects.get_or_create(deployment=deployment)
    return config


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
    return json.loads(blob_read_verified(version.reference_profile_sha256))


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


def _raw_current(
    deployment: Deployment, window_start: datetime, window_end: datetime, variant: str
) -> tuple[int, ModelVersion | None, Any]:
    """Rows, serving version and a builder of (current, outputs) from the raw rows of the window."""
    logs = PredictionLog.objects.filter(
        deployment_id=deployment.pk,
        created_at__gte=window_start,
        created_at__lt=window_end,
        shadow=False,
        is_error=False,
    )
    if variant:
        logs = logs.filter(variant=variant)
    rows = list(logs.values_list("model_version_id", "inputs", "outputs")[:MAX_ROWS])
    return len(rows), _serving_version(rows), lambda names: _current(rows, names)


def _covered_by_rollups(window_start: datetime, window_end: datetime) -> bool:
    mark = watermark()
    aligned = window_start.second == window_start.microsecond == 0 and window_end.second == window_end.microsecond == 0
    return aligned and mark is not None and mark >= window_end


def _rollup_current(
    deployment: Deployment, window_start: datetime, window_end: datetime, variant: str
) -> tuple[int, ModelVersion | None, Any]:
    """The same from per-minute rollups: the serving version's binned counts, merged over the window."""
    rollups = PredictionRollup.objects.filter(
        deployment_id=deployment.pk, shadow=False, minute__gte=window_start, minute__lt=window_end
    )
    if variant:
        rollups = rollups.filter(variant=variant)
    by_version: Counter[int] = Counter()
    for version_id, requests, errors in rollups.values_list("model_version_id", "requests", "errors"):
        by_version[version_id] += requests - errors
    if not by_version:
        return 0, None, None
    version_id = by_version.most_common(1)[0][0]
    version = ModelVersion.objects.select_related("registered_model").filter(pk=version_id).first()
    bins = list(rollups.filter(model_version_id=version_id).values_list("feature_bins", "output_bins"))

    def build(names: list[str]) -> tuple[dict[str, Any], Any]:
        current = {n: merge_current_bins(*parts) for n in names if (parts := [f[n] for f, _ in bins if n in f])}
        outputs = [o for _, o in bins if o]
        return current, merge_current_bins(*outputs) if outputs else []

    return by_version[version_id], version, build


def compute(
    *,
    deployment: Deployment,
    window_start: datetime,
    window_end: datetime,
    variant: str = "",
    config: DriftConfig | None = None,
) -> dict[str, Any]:
    """The report of a window: the current side from per-minute rollup bins when rollups cover the window (whole
    minutes up to the watermark), else from the raw rows (up to ``MAX_ROWS``)."""
    from_rollups = _covered_by_rollups(window_start, window_end)
    reader = _rollup_current if from_rollups else _raw_current
    n_rows, version, build = reader(deployment, window_start, window_end, variant)
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
    current, outputs = build([c["name"] for c in feature_profile["columns"]])
    result = compute_report(feature_profile, current, options)
    target_column = next((c for c in reference["columns"] if c["name"] == target), None)
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
    dataset = result.get("dataset", {})
    report = DriftReport(
        deployment=deployment,
        variant=variant,
        model_version=outcome["model_version"],
        window_start=window_start,
        window_end=window_end,
        status=outcome["status"],
        trigger=trigger,
        n_rows=outcome["n_rows"],
        dataset_drift=dataset.get("drifted") if result else None,
        share_drifted=dataset.get("share_drifted"),
        prediction_drift=(result.get("prediction") or {}).get("drifted") if result else None,
        result=result,
        detail=outcome.get("detail", ""),
    )
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


def drift_reports_due(*, now: datetime | None = None) -> list[tuple[int, str, str]]:
    """(deployment id, window start, window end) of every enabled config whose last aligned window has no report."""
    now = now or timezone.now()
    due = []
    for config in DriftConfig.objects.filter(enabled=True).select_related("deployment"):
        start, end = aligned_window(now, config.cadence_minutes, config.window_minutes)
        if not DriftReport.objects.filter(
            deployment_id=config.deployment_id, variant="", window_start=start, window_end=end
        ).exists():
            due.append((config.deployment_id, start.isoformat(), end.isoformat()))
    return due
