from __future__ import annotations

from typing import Any

from celery import shared_task

from training import jobs
from training.models import TrainingJob


def training_job_enqueue(job: TrainingJob) -> None:
    """Queue the job on the training queue with its own time limits."""
    run_training_job.apply_async(args=[job.pk], soft_time_limit=job.time_limit + 30, time_limit=job.time_limit + 90)


def training_jobs_reap(*, queued_grace: int = 300) -> list[int]:
    """Re-enqueue jobs whose worker died or whose message was lost. Safe to run any time: the claim decides who
    actually runs a job."""
    stale = jobs.stale_jobs(queued_grace=queued_grace)
    for job in stale:
        training_job_enqueue(job)
    return [job.pk for job in stale]


@shared_task(
    name="training.run_job",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=120,
)
def run_training_job(self: Any, job_id: int) -> str:
    """Claim and run one training job. Safe to redeliver: see training.jobs.training_job_execute."""
    try:
        return jobs.training_job_execute(job_id=job_id, worker=self.request.hostname)
    except jobs.LeaseHeld as exc:
        raise self.retry(countdown=min(max(exc.seconds, 1), 60)) from None


@shared_task(name="training.reap_stale_jobs", acks_late=True, soft_time_limit=60, time_limit=90)
def reap_stale_jobs() -> list[int]:
    """Periodic safety net (beat): re-enqueue jobs orphaned by a dead worker or a lost message."""
    return training_jobs_reap()
