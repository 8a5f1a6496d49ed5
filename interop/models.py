"""MLflow-only metadata kept next to Keel's own objects (never a copy of them).

A LoggedModel (MLflow 3) is a folder of its source run's artifacts (``logged_models/<model_id>/``) plus the
name, status, params and tags MLflow attaches to it. A model version registered through MLflow keeps where it
came from (the MLflow ``source`` and the run folder its MLmodel lives in) and MLflow's version tags.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from core.models import ProjectScoped
from registry.models import Experiment, ModelVersion, Run


def new_model_id() -> str:
    return f"m-{uuid.uuid4().hex}"


class LoggedModelStatus(models.TextChoices):
    PENDING = "LOGGED_MODEL_PENDING"
    READY = "LOGGED_MODEL_READY"
    FAILED = "LOGGED_MODEL_UPLOAD_FAILED"


class MlflowLoggedModel(ProjectScoped):
    model_id = models.CharField(max_length=40, unique=True, default=new_model_id, editable=False)
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=250)
    model_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=30, choices=LoggedModelStatus.choices, default=LoggedModelStatus.PENDING)
    params = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.model_id})"

    @property
    def folder(self) -> str:
        """The run-relative artifact folder holding the model's files."""
        return f"logged_models/{self.model_id}"


class MlflowVersionLink(models.Model):
    version = models.OneToOneField(ModelVersion, on_delete=models.CASCADE, related_name="mlflow_link")
    source = models.CharField(max_length=1000)
    run = models.ForeignKey(Run, null=True, on_delete=models.SET_NULL, related_name="+")
    folder = models.CharField(max_length=1024)  # run-relative folder of the MLflow model (holds MLmodel)
    logged_model = models.ForeignKey(MlflowLoggedModel, null=True, blank=True, on_delete=models.SET_NULL)
    tags = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.version} <- {self.source}"


class MlflowDatasetInput(models.Model):
    """A dataset a run used as MLflow logs it (``mlflow.log_input``): the dataset entity (name, digest, source,
    schema, profile) and the input's tags (``mlflow.data.context``). ``dataset_version`` links it to the Keel
    dataset version of the same name (and, when it matches, the same digest), whose lineage is a ``RunInput``."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="mlflow_inputs")
    name = models.CharField(max_length=500)
    digest = models.CharField(max_length=36)
    source_type = models.CharField(max_length=36)
    source = models.TextField()
    schema = models.TextField(blank=True)
    profile = models.TextField(blank=True)
    tags = models.JSONField(default=dict, blank=True)
    dataset_version = models.ForeignKey(
        "registry.DatasetVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run_id", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "name", "digest"], name="uniq_mlflow_dataset_input")]

    def __str__(self) -> str:
        return f"{self.name} ({self.digest})"
