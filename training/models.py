"""Training jobs: a validated spec, its lifecycle on the training queue, and the run it produced."""

from __future__ import annotations

import uuid

from django.db import models

from core.models import ProjectScoped, user_ref


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class TrainingJob(ProjectScoped):
    project_reverse_name = "training_jobs"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset_version = models.ForeignKey(
        "registry.DatasetVersion", on_delete=models.PROTECT, related_name="training_jobs"
    )
    experiment_name = models.CharField(max_length=128, default="default")
    run_name = models.CharField(max_length=250, blank=True)
    # The validated, fully resolved spec (target, features, estimator, search, folds, scoring, seed...).
    spec = models.JSONField()
    code_version = models.CharField(max_length=250, blank=True)
    allow_invalid_data = models.BooleanField(default=False)
    # Register the result as a new version of this model when the acceptance criteria pass.
    register_model_name = models.CharField(max_length=128, blank=True)
    model_version = models.ForeignKey(
        "registry.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=50, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    time_limit = models.PositiveIntegerField(help_text="Seconds of training before the job is stopped.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    run = models.OneToOneField(
        "registry.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="training_job"
    )
    result = models.JSONField(default=dict, blank=True)  # metric summary and acceptance verdict
    created_by = user_ref()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["project", "-created_at"], name="job_project_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")) | models.Q(progress_total=0),
                name="job_progress_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"job {self.uid.hex[:8]} ({self.status})"
