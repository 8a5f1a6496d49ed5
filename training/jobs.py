"""The claim/lease protocol of a training job, in one place.

A worker claims a job with a conditional update (queued, or running with an expired lease) that bumps its attempt
count and sets a lease; ``Progress`` renews the lease while the job runs and reports cancellation or an exceeded
time limit; ``finish`` ends the job, and with a claim only while that attempt still owns it, so a job finishes
exactly once even when a message is redelivered or a worker dies. Everything the job writes (run, params,
metrics, artifacts) is written in one transaction guarded by the claim, so a failure leaves no half-written run;
an attempt cap ends poison jobs as failed.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from registry.selectors.datasets import dataset_version_frame
from training import runner
from training.models import JobStatus, TrainingJob

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 1.0


def lease_seconds() -> int:
    return int(settings.KEEL_TRAINING_LEASE_SECONDS)


class LostClaim(Exception):
    """Another attempt owns the job now; this attempt's results are discarded."""


class LeaseHeld(Exception):
    """Another worker holds a live lease on the job; retry after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"lease held for {seconds:.0f}s more")
        self.seconds = seconds


@dataclass
class Claim:
    job: TrainingJob
    attempt: int


def claim_job(job_id: int, worker: str) -> Claim | None:
    """This worker's claim on the job (conditional update), None when there is nothing to run; LeaseHeld when
    another worker's lease is live."""
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    updated = TrainingJob.objects.filter(claimable, pk=job_id, cancel_requested=False).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        worker=worker,
        lease_expires_at=now + timedelta(seconds=lease_seconds()),
        started_at=now,
        error="",
    )
    job = TrainingJob.objects.select_related("project", "dataset_version__dataset").filter(pk=job_id).first()
    if job is None:
        return None
    if updated == 1:
        return Claim(job=job, attempt=job.attempts)
    if job.status == JobStatus.RUNNING and job.lease_expires_at and job.lease_expires_at >= now:
        raise LeaseHeld((job.lease_expires_at - now).total_seconds() + 1)
    if job.status == JobStatus.QUEUED and job.cancel_requested:
        finish(job.pk, None, status=JobStatus.CANCELLED)
    return None


def owned(claim: Claim) -> Q:
    return Q(pk=claim.job.pk, status=JobStatus.RUNNING, attempts=claim.attempt)


class Progress:
    """Throttled progress writes that also renew the lease and report cancellation or an exceeded time limit."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.last = 0.0
        self.started = time.monotonic()
        self.stop_reason = ""

    def update(self, done: int, total: int, stage: str = "search") -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and done < total:
            return
        self.last = now
        lease = timezone.now() + timedelta(seconds=lease_seconds())
        TrainingJob.objects.filter(owned(self.claim)).update(
            progress_done=min(done, total), progress_total=total, stage=stage, lease_expires_at=lease
        )

    def should_stop(self) -> bool:
        if time.monotonic() - self.started > self.claim.job.time_limit:
            self.stop_reason = f"time limit of {self.claim.job.time_limit}s exceeded"
            return True
        if TrainingJob.objects.filter(pk=self.claim.job.pk, cancel_requested=True).exists():
            self.stop_reason = "cancelled"
            return True
        return False


def finish(job_id: int, claim: Claim | None, *, status: str, error: str = "", **fields: Any) -> bool:
    """End the job with ``status``; with a claim, only while that attempt still owns it (True when it did)."""
    query = owned(claim) if claim else Q(pk=job_id)
    return (
        TrainingJob.objects.filter(query).update(
            status=status, error=error[:5000], finished_at=timezone.now(), lease_expires_at=None, **fields
        )
        == 1
    )


def training_job_execute(*, job_id: int, worker: str | None = None) -> str:
    """Run a job to completion on this worker. Returns the job's resulting status (or 'skipped')."""
    claim = claim_job(job_id, worker or socket.gethostname())
    if claim is None:
        return "skipped"
    if claim.attempt > claim.job.max_attempts:
        finish(job_id, claim, status=JobStatus.FAILED, error=f"gave up after {claim.attempt - 1} attempts")
        return JobStatus.FAILED
    progress = Progress(claim)
    try:
        frame = dataset_version_frame(version=claim.job.dataset_version)
        outcome = runner.train_job(claim.job, frame, progress)
    except runner.Stopped:
        status = JobStatus.CANCELLED if progress.stop_reason == "cancelled" else JobStatus.FAILED
        finish(job_id, claim, status=status, error="" if status == JobStatus.CANCELLED else progress.stop_reason)
        return status
    except Exception as exc:
        logger.exception("training job %s failed", job_id)
        finish(job_id, claim, status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        return JobStatus.FAILED
    try:
        return _record_outcome(claim, outcome)
    except LostClaim:
        return "skipped"
    except Exception as exc:
        logger.exception("recording training job %s failed", job_id)
        finish(job_id, claim, status=JobStatus.FAILED, error=f"recording results failed: {type(exc).__name__}: {exc}")
        return JobStatus.FAILED


def _record_outcome(claim: Claim, outcome: runner.Outcome) -> str:
    """Write run, params, metrics, inputs and artifacts atomically; only the owning claim may commit."""
    try:
        with transaction.atomic():
            run = runner.record_run(claim.job, outcome)
            version = runner.register_version(claim.job, run, outcome)
            summary = runner.summary(outcome) | {"model_version": version.number if version else None}
            if not finish(
                claim.job.pk, claim, status=JobStatus.SUCCEEDED, run=run, result=summary, model_version=version
            ):
                raise LostClaim(f"job {claim.job.pk} was re-claimed by another attempt")
    except BaseException:
        runner.delete_orphans(outcome)
        raise
    return JobStatus.SUCCEEDED


def stale_jobs(*, queued_grace: int = 300) -> list[TrainingJob]:
    """Jobs whose worker died (running with an expired lease) or whose message was lost (queued for longer than
    ``queued_grace`` seconds), at most 100."""
    now = timezone.now()
    stale = TrainingJob.objects.filter(
        Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
        | Q(status=JobStatus.QUEUED, created_at__lt=now - timedelta(seconds=queued_grace), cancel_requested=False)
    )
    ids = list(stale.values_list("pk", flat=True)[:100])
    return list(TrainingJob.objects.filter(pk__in=ids))
