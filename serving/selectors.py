"""Reads of deployments beyond ``get(pk=...)``."""

from __future__ import annotations

from typing import Any

from core.errors import NotFound
from core.models import Project
from serving.models import Deployment, PredictionLog


def deployment_find(*, project: Project, name: str) -> Deployment | None:
    """The project's deployment called ``name``, or None."""
    return Deployment.objects.filter(project=project, name=name).first()


def deployment_get(*, project: Project, name: str) -> Deployment:
    """The project's deployment called ``name``; NotFound (404) when there is none."""
    found = deployment_find(project=project, name=name)
    if found is None:
        raise NotFound(f"Deployment {name!r} not found.")
    return found


def deployment_detail_get(*, project: Project, name: str) -> Deployment:
    """``deployment_get`` with what the deployment's API representation reads (revision, variants, versions)."""
    found = (
        Deployment.objects.select_related("project", "current_revision__created_by")
        .prefetch_related("current_revision__variants__model_version__registered_model")
        .filter(project=project, name=name)
        .first()
    )
    if found is None:
        raise NotFound(f"Deployment {name!r} not found.")
    return found


def deployment_list(*, project: Project) -> Any:
    """The project's deployments by name, with their current revision's variants and versions."""
    return (
        Deployment.objects.filter(project=project)
        .select_related("current_revision__created_by")
        .prefetch_related("current_revision__variants__model_version__registered_model")
        .order_by("name")
    )


def prediction_log_list(*, deployment: Deployment) -> Any:
    """The deployment's prediction-log rows (the project filter lets Postgres prune by the partial indexes)."""
    return PredictionLog.objects.filter(deployment_id=deployment.pk, project_id=deployment.project_id)
