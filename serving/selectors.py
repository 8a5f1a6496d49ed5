"""Reads of deployments beyond ``get(pk=...)``."""

from __future__ import annotations

from core.errors import NotFound
from core.models import Project
from serving.models import Deployment


def deployment_find(*, project: Project, name: str) -> Deployment | None:
    """The project's deployment called ``name``, or None."""
    return Deployment.objects.filter(project=project, name=name).first()


def deployment_get(*, project: Project, name: str) -> Deployment:
    """The project's deployment called ``name``; NotFound (404) when there is none."""
    found = deployment_find(project=project, name=name)
    if found is None:
        raise NotFound(f"Deployment {name!r} not found.")
    return found
