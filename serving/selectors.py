"""Reads of deployments, their revisions, the prediction log and its exports, beyond ``get(pk=...)``."""

from __future__ import annotations

from typing import Any

from core.errors import NotFound
from core.models import Project
from core.selectors import first_or_not_found
from serving.models import Deployment, PredictionExport, PredictionLog, Revision


def deployment_find(*, project: Project, name: str) -> Deployment | None:
    """The project's deployment called ``name`` (with its project and current revision), or None."""
    return Deployment.objects.select_related("project", "current_revision").filter(project=project, name=name).first()


def deployment_get(*, project: Project, name: str) -> Deployment:
    """The project's deployment called ``name``; NotFound (404) when there is none."""
    found = deployment_find(project=project, name=name)
    if found is None:
        raise NotFound(f"Deployment {name!r} not found.")
    return found


def deployment_detail_get(*, project: Project, name: str) -> Deployment:
    """``deployment_get`` with what the deployment's API representation reads (revision, variants, versions)."""
    return first_or_not_found(
        Deployment.objects.select_related("project", "current_revision__created_by")
        .prefetch_related("current_revision__variants__model_version__registered_model")
        .filter(project=project, name=name),
        f"Deployment {name!r} not found.",
    )


def deployment_list(*, project: Project) -> Any:
    """The project's deployments by name, with their current revision's variants and versions."""
    return (
        Deployment.objects.filter(project=project)
        .select_related("current_revision__created_by")
        .prefetch_related("current_revision__variants__model_version__registered_model")
        .order_by("name")
    )


def revision_at(*, deployment: Deployment, at: Any) -> Revision | None:
    """What served at time ``at``: the newest revision created at or before it."""
    return deployment.revisions.filter(created_at__lte=at).order_by("-created_at", "-number").first()


def revision_list(*, deployment: Deployment, at: Any = None) -> Any:
    """The deployment's revisions, newest first, with what the API shows; with ``at``, only the one serving then."""
    revisions = (
        deployment.revisions.select_related("created_by", "parent")
        .prefetch_related("variants__model_version__registered_model")
        .order_by("-number")
    )
    if at is None:
        return revisions
    found = revision_at(deployment=deployment, at=at)
    return revisions.filter(pk=found.pk) if found else revisions.none()


def prediction_log_list(*, deployment: Deployment) -> Any:
    """The deployment's prediction-log rows (the project filter lets Postgres prune by the partial indexes)."""
    return PredictionLog.objects.filter(deployment_id=deployment.pk, project_id=deployment.project_id)


def prediction_log_oldest_first(rows: Any) -> Any:
    """Prediction-log rows in the order they were written (an export's order)."""
    return rows.order_by("id")


def prediction_export_list(*, project: Project) -> Any:
    return PredictionExport.objects.filter(project=project).order_by("-id")


def prediction_export_get(*, project: Project, export_id: int) -> PredictionExport:
    return first_or_not_found(
        PredictionExport.objects.filter(project=project, pk=export_id), f"Prediction export {export_id} not found."
    )
