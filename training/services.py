"""Training jobs: submission (spec validated before enqueueing), cancellation, and execution on a worker.

Execution is idempotent and safe to redeliver: a job is claimed with a conditional update and a lease that the
progress callback renews; a redelivered message for a job whose lease is still live is retried later, one whose
lease expired (the worker died) is re-claimed, and an attempt cap ends poison jobs as failed. Everything the job
writes (run, params, metrics, artifacts) is written in one transaction guarded by the claim, so a job finishes
exactly once and a failure leaves no half-written run.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from core.models import Project, User
from registry.models import DatasetVersion
from registry.selectors.datasets import dataset_version_frame
from registry.services.datasets import dataset_version_for_training
from training.models import TERMINAL, JobStatus, TrainingJob
from training.trainers import spec as spec_module

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 1.0


def lease_seconds() -> int:
    return int(settings.KEEL_TRAINING_LEASE_SECONDS)


def _class_counts(version: DatasetVersion, target: str) -> dict[str, int] | None:
    column = next((c for c in version.profile.get("columns", []) if c["name"] == target), None)
    if not column or "frequencies" not in column or column.get("other_count"):
        return None
    return {f["value"]: f["count"] for f in column["frequencies"]}


def _target_from(raw: dict[str, Any], version: DatasetVersion) -> str | None:
    target = raw.get("target")
    if isinstance(target, str):
        return target
    return next((c["name"] for c in version.schema if c["role"] == "target"), None)


def training_spec_validate(*, project: Project, version: DatasetVersion, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate a spec against the dataset version's schema and profile; 400 naming every bad field."""
    columns = {c["name"]: c["kind"] for c in version.schema}
    roles = {c["name"]: c["role"] for c in version.schema}
    target = _target_from(raw, version)
    counts = _class_counts(version, target) if target and project.task_type == "classification" else None
    spec, errors = spec_module.validate_spec(
        raw,
        task_type=project.task_type,
        columns=columns,
        roles=roles,
        n_rows=version.row_count,
        class_counts=counts,
    )
    if errors or spec is None:
        raise ValidationFailed(
            errors[0]["message"] if errors else "invalid spec",
            errors=[
                {**e, "field": e["field"] if e["field"].startswith("spec") else f"spec.{e['field']}"} for e in errors
            ],
        )
    return spec.to_dict()


def _code_version(explicit: str) -> str:
    """The client's code version, else this deployment's (KEEL_CODE_VERSION, else the checkout's git commit)."""
    return explicit or settings.KEEL_CODE_VERSION or _git_head(Path(settings.BASE_DIR) / ".git")


def _git_head(git_dir: Path) -> str:
    try:
        head = (git_dir / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        ref_file = git_dir / ref
        if ref_file.exists():
            return ref_file.read_text().strip()
        packed = (git_dir / "packed-refs").read_text().splitlines()
        return next((line.split()[0] for line in packed if line.endswith(" " + ref)), "")
    except OSError:
        return ""


def training_job_submit(
    *,
    project: Project,
    user: User,
    dataset_version: DatasetVersion,
    spec: dict[str, Any],
    experiment_name: str = "default",
    run_name: str = "",
    code_version: str = "",
    allow_invalid_data: bool = False,
    time_limit: int | None = None,
    register_model_name: str = "",
) -> TrainingJob:
    if dataset_version.dataset.project_id != project.pk:
        raise NotFound("Dataset version not found.")
    dataset_version_for_training(version=dataset_version, user=user, allow_invalid=allow_invalid_data)
    resolved = training_spec_validate(project=project, version=dataset_version, raw=spec)
    limit = time_limit or settings.KEEL_TRAINING_TIME_LIMIT
    if not 10 <= limit <= 24 * 3600:
        raise ValidationFailed.field("time_limit", "must be between 10 seconds and 24 hours")
    with transaction.atomic():
        job = TrainingJob.objects.create(
            project=project,
            dataset_version=dataset_version,
            spec=resolved,
            experiment_name=experiment_name,
            run_name=run_name,
            code_version=_code_version(code_version),
            allow_invalid_data=allow_invalid_data,
            time_limit=limit,
            created_by=user,
            register_model_name=register_model_name,
        )
        audit_record(
            action="training_job.submit",
            actor=user,
            project=project,
            obj=job,
            data={"dataset_version": str(dataset_version), "estimator": resolved["estimator"]},
        )
        transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: TrainingJob) -> None:
    from training.tasks import run_training_job

    run_training_job.apply_async(args=[job.pk], soft_time_limit=job.time_limit + 30, time_limit=job.time_limit + 90)


def training_job_cancel(*, job: TrainingJob, user: User) -> TrainingJob:
    """A queued job is cancelled at once; a running one stops at its next progress tick."""
    with transaction.atomic():
        locked = TrainingJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in TERMINAL:
            raise Conflict(f"The job is already {locked.status}.")
        locked.cancel_requested = True
        if locked.status == JobStatus.QUEUED:
            locked.status = JobStatus.CANCELLED
            locked.finished_at = timezone.now()
        locked.save(update_fields=["cancel_requested", "status", "finished_at"])
        audit_record(action="training_job.cancel", actor=user, project=locked.project, obj=locked)
    return locked


# --- execution ------------------------------------------------------------------------------------------------


class LeaseHeld(Exception):
    """Another worker holds a live lease on the job; retry after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"lease held for {seconds:.0f}s more")
        self.seconds = seconds


@dataclass
class Claim:
    job: TrainingJob
    attempt: int


def _claim(job_id: int, worker: str) -> Claim | None:
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
        _finish(job.pk, None, status=JobStatus.CANCELLED)
    return None


def _owned(claim: Claim) -> Q:
    return Q(pk=claim.job.pk, status=JobStatus.RUNNING, attempts=claim.attempt)


class _Progress:
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
        TrainingJob.objects.filter(_owned(self.claim)).update(
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


def _finish(job_id: int, claim: Claim | None, *, status: str, error: str = "", **fields: Any) -> bool:
    query = _owned(claim) if claim else Q(pk=job_id)
    return (
        TrainingJob.objects.filter(query).update(
            status=status, error=error[:5000], finished_at=timezone.now(), lease_expires_at=None, **fields
        )
        == 1
    )


def training_job_execute(*, job_id: int, worker: str | None = None) -> str:
    """Run a job to completion on this worker. Returns the job's resulting status (or 'skipped')."""
    from training import runner

    claim = _claim(job_id, worker or socket.gethostname())
    if claim is None:
        return "skipped"
    if claim.attempt > claim.job.max_attempts:
        _finish(job_id, claim, status=JobStatus.FAILED, error=f"gave up after {claim.attempt - 1} attempts")
        return JobStatus.FAILED
    progress = _Progress(claim)
    try:
        frame = dataset_version_frame(version=claim.job.dataset_version)
        outcome = runner.train_job(claim.job, frame, progress)
    except runner.Stopped:
        status = JobStatus.CANCELLED if progress.stop_reason == "cancelled" else JobStatus.FAILED
        _finish(job_id, claim, status=status, error="" if status == JobStatus.CANCELLED else progress.stop_reason)
        return status
    except Exception as exc:
        logger.exception("training job %s failed", job_id)
        _finish(job_id, claim, status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        return JobStatus.FAILED
    try:
        return runner.record_outcome(claim, outcome)
    except runner.LostClaim:
        return "skipped"
    except Exception as exc:
        logger.exception("recording training job %s failed", job_id)
        _finish(job_id, claim, status=JobStatus.FAILED, error=f"recording results failed: {type(exc).__name__}: {exc}")
        return JobStatus.FAILED


def training_jobs_reap(*, queued_grace: int = 300) -> list[int]:
    """Re-enqueue jobs whose worker died (running with an expired lease) or whose message was lost (queued for
    longer than ``queued_grace`` seconds). Safe to run any time: the claim decides who actually runs a job."""
    now = timezone.now()
    stale = TrainingJob.objects.filter(
        Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
        | Q(status=JobStatus.QUEUED, created_at__lt=now - timedelta(seconds=queued_grace), cancel_requested=False)
    )
    ids = list(stale.values_list("pk", flat=True)[:100])
    for job in TrainingJob.objects.filter(pk__in=ids):
        _enqueue(job)
    return ids
