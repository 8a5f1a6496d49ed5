"""Writes for accounts and tenancy: projects, members, API tokens, service accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record, save_audited
from core.auth import TOKEN_PREFIX, hash_token
from core.criteria import OPERATORS
from core.errors import Conflict, ValidationFailed
from core.models import ApiToken, Membership, Project, TaskType, User
from core.roles import Role
from core.selectors import first_or_not_found

CRITERIA_OPS = tuple(OPERATORS)


def validate_acceptance_criteria(criteria: Any) -> list[dict[str, Any]]:
    if not isinstance(criteria, list):
        raise ValidationFailed.field("acceptance_criteria", "must be a list of {metric, op, threshold}")
    clean: list[dict[str, Any]] = []
    for index, item in enumerate(criteria):
        field = f"acceptance_criteria[{index}]"
        if not isinstance(item, dict) or set(item) - {"metric", "op", "threshold"}:
            raise ValidationFailed.field(field, "must be an object with keys metric, op, threshold")
        metric, op, threshold = item.get("metric"), item.get("op", ">="), item.get("threshold")
        if not isinstance(metric, str) or not metric:
            raise ValidationFailed.field(f"{field}.metric", "must be a non-empty metric name")
        if op not in CRITERIA_OPS:
            raise ValidationFailed.field(f"{field}.op", f"must be one of {', '.join(CRITERIA_OPS)}")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ValidationFailed.field(f"{field}.threshold", "must be a number")
        clean.append({"metric": metric, "op": op, "threshold": float(threshold)})
    return clean


# Names a project may not take: they read as Keel's own pages or API words.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "accounts", "config", "dashboard", "docs", "health", "metrics", "new", "projects", "settings"}
)


def project_slug_refusal(*, slug: str, user: User, field: str = "slug") -> ValidationFailed | Conflict | None:
    """Why ``user`` cannot have ``slug`` (None when they can).

    Slugs are global, so a taken one cannot be hidden entirely; what is hidden is whether it is taken by a project
    or simply not allowed. As GitHub answers "Username ... is not available" alike for a taken and a reserved
    account name, a caller who is not a member of the project holding the slug gets the same 400 "not available"
    as for a reserved slug, so creating a project cannot probe for private ones. A member gets the precise 409.
    """
    unavailable = ValidationFailed.field(field, "not available; choose another slug", "unavailable")
    if slug in RESERVED_SLUGS:
        return unavailable
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        return None
    if not Membership.objects.filter(project=project, user=user).exists():
        return unavailable
    return Conflict(
        f"A project with slug {slug!r} already exists.",
        errors=[{"field": field, "message": "already taken", "code": "unique"}],
    )


@transaction.atomic
def project_create(
    *,
    user: User,
    slug: str,
    name: str,
    description: str = "",
    task_type: str = TaskType.CLASSIFICATION,
    acceptance_criteria: list[dict[str, Any]] | None = None,
    require_human_approval: bool = True,
) -> Project:
    refusal = project_slug_refusal(slug=slug, user=user)
    if refusal is not None:
        raise refusal
    project = Project(
        slug=slug,
        name=name,
        description=description,
        task_type=task_type,
        acceptance_criteria=validate_acceptance_criteria(acceptance_criteria or []),
        require_human_approval=require_human_approval,
        created_by=user,
    )
    project.full_clean()
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:  # taken concurrently, by a project the caller is not a member of
        raise project_slug_refusal(slug=slug, user=user) or Conflict("Try again.") from None
    Membership.objects.create(project=project, user=user, role=Role.OWNER)
    audit_record(action="project.create", actor=user, project=project, obj=project)
    return project


_UPDATABLE = (
    "name",
    "description",
    "task_type",
    "acceptance_criteria",
    "require_human_approval",
)


@transaction.atomic
def project_update(*, project: Project, user: User, **changes: Any) -> Project:
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], "cannot be changed")
    if "acceptance_criteria" in changes:
        changes["acceptance_criteria"] = validate_acceptance_criteria(changes["acceptance_criteria"])
    save_audited(project, changes, action="project.update", actor=user, project=project)
    return project


@transaction.atomic
@transaction.atomic
def project_delete(*, project: Project, user: User) -> None:
    """Delete a project and, in the same transaction, record it (a refused deletion leaves no event)."""
    audit_record(action="project.delete", actor=user, project=None, obj=project, data={"slug": project.slug})
    project.delete()  # ProtectedError (datasets in use, models deployed): 409 from core/errors.py


def _owner_count(project: Project) -> int:
    return Membership.objects.filter(project=project, role=Role.OWNER).count()


@transaction.atomic
def membership_set(*, project: Project, actor: User, username: str, role: str) -> Membership:
    """Add a member or change a member's role. Service accounts keep the predictor role."""
    if role not in Role.values or role == Role.PREDICTOR:
        raise ValidationFailed.field("role", "must be one of viewer, editor, maintainer, owner")
    user = User.objects.filter(username=username, is_service_account=False).first()
    if user is None:
        raise ValidationFailed.field("username", f"no user named {username!r}")
    membership = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent add of the same user wins the unique index
                membership = Membership.objects.create(project=project, user=user, role=role)
        except IntegrityError:
            membership = Membership.objects.select_for_update().get(project=project, user=user)
        else:
            audit_record(action="member.add", actor=actor, project=project, obj=membership, data={"role": role})
            return membership
    if membership.role == role:
        return membership  # nothing to change (the same request twice, or lost a race to an identical one)
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(project) == 1:
        raise Conflict("A project must keep at least one owner.")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="member.update",
        actor=actor,
        project=project,
        obj=membership,
        data={"before": before, "after": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, project: Project, actor: User, username: str) -> None:
    membership = first_or_not_found(
        Membership.objects.select_for_update().filter(
            project=project, user__username=username, user__is_service_account=False
        ),
        f"{username!r} is not a member of this project.",
    )
    if membership.role == Role.OWNER and _owner_count(project) == 1:
        raise Conflict("A project must keep at least one owner.")
    audit_record(action="member.remove", actor=actor, project=project, obj=membership)
    membership.delete()


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str


def _issue(*, user: User, name: str, expires_at: datetime | None, default_project: Project | None) -> IssuedToken:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.field("expires_at", "must be in the future")
    body = secrets.token_urlsafe(32)
    prefix = body[:8]
    secret = f"{TOKEN_PREFIX}{body}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=f"{TOKEN_PREFIX}{prefix}",
        key_hash=hash_token(secret),
        expires_at=expires_at,
        default_project=default_project,
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None, default_project: Project | None = None
) -> IssuedToken:
    if default_project is not None and not Membership.objects.filter(project=default_project, user=user).exists():
        raise ValidationFailed.field("default_project", "you are not a member of that project")
    issued = _issue(user=user, name=name, expires_at=expires_at, default_project=default_project)
    audit_record(action="token.create", actor=user, project=default_project, obj=issued.token)
    return issued


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = first_or_not_found(
        ApiToken.objects.select_for_update().filter(pk=token_id, user=user), f"Token {token_id} not found."
    )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="token.revoke", actor=user, obj=token)
    return token


@transaction.atomic
def service_account_create(
    *, project: Project, actor: User, name: str, expires_at: datetime | None = None
) -> IssuedToken:
    username = f"sa.{project.slug}.{name}"
    if User.objects.filter(username=username).exists():
        raise Conflict.taken(f"Service account {name!r} already exists in this project.")
    user = User(username=username, is_service_account=True, service_project=project)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(project=project, user=user, role=Role.PREDICTOR)
    issued = _issue(user=user, name=f"{name}-1", expires_at=expires_at, default_project=project)
    audit_record(action="service_account.create", actor=actor, project=project, obj=user)
    return issued


def service_account_get(*, project: Project, account_id: int) -> User:
    return first_or_not_found(
        User.objects.filter(pk=account_id, is_service_account=True, service_project=project),
        f"Service account {account_id} not found.",
    )


@transaction.atomic
def service_account_token_create(
    *, project: Project, actor: User, account_id: int, name: str, expires_at: datetime | None = None
) -> IssuedToken:
    account = service_account_get(project=project, account_id=account_id)
    if not account.is_active:
        raise Conflict("This service account is disabled.")
    issued = _issue(user=account, name=name, expires_at=expires_at, default_project=project)
    audit_record(action="service_account.token_create", actor=actor, project=project, obj=issued.token)
    return issued


@transaction.atomic
def service_account_disable(*, project: Project, actor: User, account_id: int) -> None:
    account = service_account_get(project=project, account_id=account_id)
    account.is_active = False
    account.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(action="service_account.disable", actor=actor, project=project, obj=account)
