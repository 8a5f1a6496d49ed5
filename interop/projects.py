"""Which Keel project a call through a foreign protocol lands in (shared by the MLflow and OIP layers)."""

from __future__ import annotations

from rest_framework.request import Request

from core.models import ApiToken, Project, User

PROJECT_HEADER = "X-Keel-Project"


def header_project_slug(request: Request) -> str:
    return request.headers.get(PROJECT_HEADER, "").strip()


def token_project_slug(request: Request) -> str:
    """The token's default project, else a service account's own project ("" when neither is set)."""
    user, token = request.user, request.auth
    project_id = token.default_project_id if isinstance(token, ApiToken) else None
    if project_id is None and isinstance(user, User) and user.is_service_account:
        project_id = user.service_project_id
    if project_id is None:
        return ""
    return Project.objects.filter(pk=project_id).values_list("slug", flat=True).first() or ""
