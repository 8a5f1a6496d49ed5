"""Console records: load tests of a deployment's serving revision."""

from __future__ import annotations

from django.db import models

from core.models import ProjectScoped, user_ref


class LoadTest(ProjectScoped):
    """A bounded in-process load test of a deployment's serving revision, run by a Celery task."""

    project_reverse_name = "load_tests"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    deployment = models.ForeignKey("serving.Deployment", on_delete=models.CASCADE, related_name="load_tests")
    revision_number = models.PositiveIntegerField(help_text="The deployment revision that was serving.")
    model_versions = models.JSONField(default=list, blank=True, help_text="Model version ids of that revision.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    max_requests = models.PositiveIntegerField(default=500)
    max_seconds = models.FloatField(default=10.0)
    batch_size = models.PositiveIntegerField(default=1)
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    duration_s = models.FloatField(null=True, blank=True)
    rps = models.FloatField(null=True, blank=True)
    p50_ms = models.FloatField(null=True, blank=True)
    p95_ms = models.FloatField(null=True, blank=True)
    p99_ms = models.FloatField(null=True, blank=True)
    error_rate = models.FloatField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    created_by = user_ref()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "monitoring_loadtest"  # created by monitoring, moved here without moving data
        indexes = [models.Index(fields=["deployment", "-created_at"], name="loadtest_deployment_recent")]

    def __str__(self) -> str:
        return f"load test {self.pk} of {self.deployment_id} rev {self.revision_number} ({self.status})"
