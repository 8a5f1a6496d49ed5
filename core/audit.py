"""Writing control-plane audit events. Reads live in selectors.py."""

from __future__ import annotations

from typing import Any

from django.db import models

from core import context
from core.models import AuditEvent, Project, User


def _actor_label(user: User | None) -> str:
    if user is None:
        return "system"
    prefix = "service:" if user.is_service_account else ""
    return f"{prefix}{user.get_username()}"


def audit_record(
    *,
    action: str,
    actor: User | None,
    project: Project | None = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    status_code: int | None = None,
) -> AuditEvent:
    """Append an audit event inside the caller's transaction (a rolled-back change leaves no event)."""
    ctx = context.current()
    event = AuditEvent(
        project=project,
        project_slug=project.slug if project is not None else "",
        actor=actor,
        actor_label=_actor_label(actor),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=data or {},
        status_code=status_code,
    )
    if ctx is not None:
        ctx.audited = True
        event.request_id = ctx.request_id
        event.method = ctx.method
        event.path = ctx.path
        event.ip = ctx.ip
        event.user_agent = ctx.user_agent
    event.save(force_insert=True)
    return event


def audit_record_route(*, user: User | None, route: str, kwargs: dict[str, str], status_code: int) -> AuditEvent:
    project = None
    slug = kwargs.get("project")
    if slug:
        project = Project.objects.filter(slug=slug).first()
    return audit_record(
        action=f"api.{route}",
        actor=user,
        project=project,
        data={"route_kwargs": kwargs},
        status_code=status_code,
    )
