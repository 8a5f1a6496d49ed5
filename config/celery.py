"""The Celery app: JSON only, three queues, time limits, database-backed beat schedule."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("keel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_default_queue="default",
    task_queues=(Queue("default"), Queue("training"), Queue("monitoring")),
    task_routes={
        "training.*": {"queue": "training"},
        "monitoring.*": {"queue": "monitoring"},
    },
    task_track_started=True,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 7200},
    result_expires=3600,
    beat_scheduler="django_celery_beat.schedulers:DatabaseScheduler",
    timezone="UTC",
)
# Periodic work: synced into django-celery-beat's tables (editable in the admin) when beat starts.
app.conf.beat_schedule = {
    "training-reap-stale-jobs": {"task": "training.reap_stale_jobs", "schedule": 60.0},
    "serving-advance-rollouts": {"task": "serving.advance_rollouts", "schedule": 15.0},
    "monitoring-drift-reports": {"task": "monitoring.run_due_drift_reports", "schedule": 60.0},
    "monitoring-alert-rules": {"task": "monitoring.evaluate_alert_rules", "schedule": 60.0},
    "monitoring-retraining-runs": {"task": "monitoring.advance_retraining_runs", "schedule": 30.0},
    "core-sweep-webhook-deliveries": {"task": "core.sweep_webhook_deliveries", "schedule": 300.0},
    "core-audit-checkpoint": {"task": "core.audit_checkpoint", "schedule": 300.0},
    "serving-ensure-partitions": {"task": "serving.ensure_partitions", "schedule": 3600.0},
    "serving-apply-retention": {"task": "serving.apply_retention", "schedule": 3600.0},
    "monitoring-compute-rollups": {"task": "monitoring.compute_rollups", "schedule": 60.0},
    "monitoring-prune-rollups": {"task": "monitoring.prune_rollups", "schedule": 3600.0},
}
app.autodiscover_tasks()
