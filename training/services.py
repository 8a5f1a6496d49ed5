"""Training jobs: submission (spec validated before enqueueing) and cancellation. Execution on a worker, with its
claim and lease, is in ``training.jobs``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from core.models import Project, User
from registry.models import DatasetVersion
from registry.services.datasets import dataset_version_for_training
from training import tasks
from training.models import TERMINAL, JobStatus, TrainingJob
from training.trainers import spec as spec_module

logger = logging.getLogger(__name__)


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
        transaction.on_commit(lambda: tasks.training_job_enqueue(job))
    return job


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
