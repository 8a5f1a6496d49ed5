from __future__ import annotations

from typing import Any

from celery import shared_task

from training import services


@shared_task(
    name="training.run_job",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=120,
)
def run_training_job(self: Any, job_id: int) -> str:
    """Claim and run one training job. Safe to redeliver: see training.services.training_job_execute."""
    try:
        return services.training_job_execute(job_id=job_id, worker=self.request.hostname)
    except services.LeaseHeld as exc:
        raise self.retry(countdown=min(max(exc.seconds, 1), 60)) from None


@shared_task(name="training.reap_stale_jobs", acks_late=True, soft_time_limit=60, time_limit=90)
def reap_stale_jobs() -> list[int]:
    """Periodic safety net (beat): re-enqueue jobs orphaned by a dead worker or a lost message."""
    return services.training_jobs_reap()
