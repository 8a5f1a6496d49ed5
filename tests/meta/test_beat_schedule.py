"""Every periodic task in the beat schedule names a task that workers actually register."""

from __future__ import annotations

from config.celery import app


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled, "the beat schedule is empty"
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
    assert {
        "monitoring.run_due_drift_reports",
        "monitoring.evaluate_alert_rules",
        "serving.advance_rollouts",
        "training.reap_stale_jobs",
        "core.sweep_webhook_deliveries",
    } <= scheduled
