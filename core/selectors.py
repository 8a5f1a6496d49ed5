from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from core.errors import NotFound
from core.models import ApiToken, AuditEvent, Membership, Project, User

M = TypeVar("M", bound=Model)


def first_or_not_found(queryset: QuerySet[M], detail: str) -> M:
    """The first row of ``queryset``, or NotFound (404) with ``detail``: a domain error with Keel's message, where
    Django's ``get_object_or_404`` would raise its bare Http404."""
    found = queryset.first()
    if found is None:
        raise NotFound(detail)
    return found


def project_get_for_user(*, slug: str, user: User) -> tuple[Project, str]:
    """The project and the caller's role in it. Non-members get a 404, so a project's existence never leaks."""
    membership = first_or_not_found(
        Membership.objects.select_related("project")
        .filter(project__slug=slug, user=user)
        .only(
            "role",
            "project__id",
            "project__slug",
            "project__name",
            "project__task_type",
            "project__acceptance_criteria",
            "project__require_human_approval",
            "project__description",
            "project__created_at",
            "project__updated_at",
            "project__created_by_id",
        ),
        f"Project {slug!r} not found.",
    )
    return membership.project, membership.role


def project_list_for_user(*, user: User) -> QuerySet[Project]:
    return Project.objects.filter(memberships__user=user).distinct().order_by("slug")


def user_roles(*, user: User) -> dict[int, str]:
    """The user's role in each of their projects, by project id."""
    return dict(user.memberships.values_list("project_id", "role"))


def membership_role(*, user: User, project: Project) -> str | None:
    """The user's role in the project, or None."""
    return Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()


def project_slugs_for_user(*, user: User, limit: int) -> list[str]:
    """The slugs of the user's projects, alphabetically, at most ``limit`` of them."""
    return list(user.memberships.order_by("project__slug").values_list("project__slug", flat=True)[:limit])


def project_find_for_user(*, user: User, slug: str) -> Project | None:
    """The project ``slug`` if the user belongs to it, else None."""
    return project_list_for_user(user=user).filter(slug=slug).first()


def membership_exists(*, project: Project, username: str) -> bool:
    return Membership.objects.filter(project=project, user__username=username).exists()


def membership_list(*, project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("user__username")


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("default_project").order_by("-created_at")


def service_account_list(*, project: Project) -> QuerySet[User]:
    return User.objects.filter(is_service_account=True, service_project=project).order_by("username")


def audit_event_list(*, project: Project) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(project=project).select_related("actor")
