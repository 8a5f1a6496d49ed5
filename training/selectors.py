"""Reads of training jobs."""

from __future__ import annotations

from typing import Any

from core.models import Project
from core.selectors import first_or_not_found
from registry.models import ModelEvaluation, RegisteredModel
from training.models import TrainingJob


def training_job_list(*, project: Project) -> Any:
    """The project's training jobs, newest first, with their dataset version, run and author."""
    return (
        TrainingJob.objects.filter(project=project)
        .select_related("dataset_version__dataset", "run", "created_by")
        .order_by("-created_at")
    )


def training_job_get(*, project: Project, uid: Any) -> TrainingJob:
    """The project's training job ``uid``; NotFound (404) when there is none."""
    return first_or_not_found(
        TrainingJob.objects.select_related("dataset_version__dataset", "run", "created_by").filter(
            project=project, uid=uid
        ),
        "Training job not found.",
    )


def model_evaluation_list(*, model: RegisteredModel, keys: list[str]) -> Any:
    """The evaluations of ``model``'s versions stored under ``keys``."""
    found = ModelEvaluation.objects.filter(evaluation_key__in=keys, version__registered_model=model)
    return found.select_related("version")
