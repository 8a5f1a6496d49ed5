"""Registered models and their immutable versions, aliases with a ledger, approvals and evaluations."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import Created, ProjectNamed, name_validator, user_ref
from registry.models.datasets import DatasetVersion
from registry.models.experiments import Run

__all__ = [
    "AliasEvent",
    "ApprovalRequest",
    "ApprovalState",
    "ModelAlias",
    "ModelEvaluation",
    "ModelFormat",
    "ModelHealth",
    "ModelVersion",
    "RegisteredModel",
    "VersionSource",
]


def default_protected_aliases() -> list[str]:
    return ["champion"]


class RegisteredModel(ProjectNamed):
    project_reverse_name = "registered_models"

    tags = models.JSONField(default=dict, blank=True)
    protected_aliases = models.JSONField(default=default_protected_aliases, blank=True)
    # The validation gate against the champion, as MLflow's MetricThreshold:
    # {"metric": "f1_macro", "greater_is_better": true, "min_absolute_change": 0.0, "min_relative_change": 0.0}
    validation_gate = models.JSONField(default=dict, blank=True)

    class Meta(ProjectNamed.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_registered_model_name")]


class ApprovalState(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ModelHealth(models.TextChoices):
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"  # the artifact no longer matches its hash: no traffic


class ModelFormat(models.TextChoices):
    """Every version is stored as skops. PICKLE and JOBLIB only name versions uploaded before the server stopped
    accepting pickles: nothing writes them any more, and nothing loads them (``model_version_load`` refuses)."""

    SKOPS = "skops"
    PICKLE = "pickle"
    JOBLIB = "joblib"


class VersionSource(models.TextChoices):
    TRAINING = "training"
    RUN = "run"
    UPLOAD = "upload"
    MLFLOW = "mlflow"


class ModelVersion(Created):
    """Immutable once created, except its approval state, health, lifecycle and model card sections."""

    # The fields describing the stored artifact, in the order the API and the admin show them.
    ARTIFACT_FIELDS = (
        "artifact_sha256",
        "artifact_size",
        "artifact_format",
        "flavor",
        "library_versions",
        "signature",
        "input_example",
        "metrics",
    )

    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=VersionSource.choices)
    artifact_sha256 = models.CharField(max_length=64)
    artifact_size = models.BigIntegerField()
    artifact_format = models.CharField(max_length=10, choices=ModelFormat.choices, default=ModelFormat.SKOPS)
    flavor = models.CharField(max_length=30, default="sklearn")
    library_versions = models.JSONField(default=dict, blank=True)
    signature = models.JSONField(default=dict, blank=True)
    input_example = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)  # snapshot of the run's evaluation metrics
    # Lineage
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="model_versions")
    training_job_uid = models.UUIDField(null=True, blank=True)
    dataset_versions = models.ManyToManyField(DatasetVersion, blank=True, related_name="model_versions")
    code_version = models.CharField(max_length=250, blank=True)
    reference_profile_sha256 = models.CharField(max_length=64, blank=True)  # training-data profile for drift
    # Mutable state
    approval = models.CharField(max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    health = models.CharField(max_length=10, choices=ModelHealth.choices, default=ModelHealth.HEALTHY)
    archived = models.BooleanField(default=False)
    card = models.JSONField(default=dict, blank=True)  # editable sections: intended_use, limitations, ethics...
    onnx_sha256 = models.CharField(max_length=64, blank=True)
    onnx_parity = models.JSONField(default=dict, blank=True)
    capabilities = models.JSONField(
        default=dict,
        blank=True,
        help_text="Which extras the version supports (registry/capabilities.py), recorded at registration.",
    )

    class Meta:
        ordering = ["registered_model_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["registered_model", "number"], name="uniq_model_version_number")]

    def __str__(self) -> str:
        return f"{self.registered_model.name} v{self.number}"

    @property
    def can_serve(self) -> bool:
        return self.health == ModelHealth.HEALTHY and self.approval == ApprovalState.APPROVED and not self.archived


class ModelAlias(models.Model):
    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=64, validators=[name_validator])
    version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="aliases")
    updated_by = user_ref()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "model aliases"
        ordering = ["registered_model_id", "name"]
        constraints = [models.UniqueConstraint(fields=["registered_model", "name"], name="uniq_model_alias")]

    def __str__(self) -> str:
        return f"{self.registered_model.name}@{self.name} -> v{self.version.number}"


class AliasEvent(models.Model):
    """The alias ledger: every set, move and delete, so "which version was champion at time T" is answerable."""

    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="alias_events")
    alias = models.CharField(max_length=64, db_index=True)
    version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version_number = models.PositiveIntegerField(null=True, blank=True)  # None: the alias was deleted
    previous_version_number = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    actor = user_ref()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["registered_model", "alias", "-created_at"], name="alias_ledger_lookup")]

    def __str__(self) -> str:
        return f"{self.alias}: v{self.previous_version_number} -> v{self.version_number} at {self.created_at:%c}"


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        APPROVED = "approved"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="approval_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    comment = models.TextField(blank=True)
    requested_by = user_ref()
    created_at = models.DateTimeField(default=timezone.now)
    # [{"name", "passed", "detail", "evidence"}], evaluated at request time and again at decision time
    checks = models.JSONField(default=list, blank=True)
    decided_by = user_ref()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(status="open"), name="one_open_approval_request_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"approval of {self.version} ({self.status})"


class ModelEvaluation(models.Model):
    """Metrics of one model version on one evaluation set. Rows sharing an ``evaluation_key`` were computed on
    the same data, which is what the validation gate compares."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="evaluations")
    evaluation_key = models.CharField(max_length=200, db_index=True)
    dataset_version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=300, blank=True)
    metrics = models.JSONField(default=dict)
    n_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["version", "evaluation_key"], name="uniq_version_evaluation")]

    def __str__(self) -> str:
        return f"{self.version} on {self.evaluation_key}"
