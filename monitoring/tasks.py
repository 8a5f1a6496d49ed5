from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils.dateparse import parse_datetime

from core.tasks import fan_out
from monitoring.services import alerts, drift, retraining
from monitoring.services.notify import send_alert_email  # noqa: F401  (the alert e-mail task, defined beside its sender)
from serving.models import Deployment


@shared_task(name="monitoring.run_due_drift_reports", acks_late=True, soft_time_limit=60, time_limit=90)
def run_due_drift_reports() -> int:
    """Beat fan-out: one small task per deployment whose latest aligned window has no report yet, and one per live
    variant of the deployments whose drift config asks for per-variant reports."""
    due = drift.drift_reports_due()
    for deployment_id, start, end in due:
        drift_report.delay(deployment_id, start, end)
    per_variant = drift.drift_variant_reports_due()
    for deployment_id, start, end, variant in per_variant:
        drift_report.delay(deployment_id, start, end, variant)
    return len(due) + len(per_variant)


@shared_task(name="monitoring.drift_report", acks_late=True, soft_time_limit=600, time_limit=660)
def drift_report(deployment_id: int, window_start: str, window_end: str, variant: str = "") -> dict[str, Any]:
    deployment = Deployment.objects.select_related("project").filter(pk=deployment_id).first()
    start, end = parse_datetime(window_start), parse_datetime(window_end)
    if deployment is None or start is None or end is None:
        return {"skipped": True}
    report, created = drift.drift_report_create(
        deployment=deployment, window_start=start, window_end=end, variant=variant
    )
    return {"report": report.pk, "created": created, "status": report.status, "variant": variant}


@shared_task(name="monitoring.evaluate_alert_rules", acks_late=True, soft_time_limit=60, time_limit=90)
def evaluate_alert_rules() -> int:
    """Beat fan-out: one small task per enabled alert rule."""
    return fan_out(evaluate_alert_rule, alerts.rules_to_evaluate())


@shared_task(name="monitoring.evaluate_alert_rule", acks_late=True, soft_time_limit=120, time_limit=150)
def evaluate_alert_rule(rule_id: int) -> dict[str, Any]:
    from monitoring.models import AlertRule

    rule = AlertRule.objects.select_related("deployment", "project").filter(pk=rule_id, enabled=True).first()
    return alerts.result_summary(alerts.evaluate_rule(rule=rule) if rule else None)


@shared_task(name="monitoring.advance_retraining_runs", acks_late=True, soft_time_limit=600, time_limit=660)
def advance_retraining_runs() -> dict[int, str]:
    """Every 30 s: start the scheduled policies whose slot has come (once per slot), then move active runs on."""
    retraining.retraining_start_scheduled()
    return {run_id: retraining.retraining_advance(run_id=run_id) for run_id in retraining.active_runs()}


@shared_task(name="monitoring.retrain_on_new_dataset_version", acks_late=True, soft_time_limit=600, time_limit=660)
def retrain_on_new_dataset_version(version_id: int) -> list[int]:
    return retraining.on_dataset_version_created(version_id)


@shared_task(name="monitoring.compute_rollups", acks_late=True, soft_time_limit=240, time_limit=300)
def compute_rollups() -> dict[str, Any]:
    """Roll up the prediction log's closed minutes after the watermark (idempotent: upserts whole minutes)."""
    from monitoring.services.rollups import rollups_compute

    return rollups_compute()


@shared_task(name="monitoring.prune_rollups", acks_late=True, soft_time_limit=600, time_limit=660)
def prune_rollups() -> int:
    """Delete rollups and drift reports older than each project's rollup retention."""
    from monitoring.services.rollups import rollups_prune

    return rollups_prune()
