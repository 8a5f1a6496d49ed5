"""Writing control-plane audit events. Reads live in selectors.py."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import connection, models, transaction

from core import context
from core.audit_chain import HASHED_FIELDS, event_hash, lock_key
from core.models import AuditEvent, Project, User


def _actor_label(user: User | None) -> str:
    if user is None:
        return "system"
    prefix = "service:" if user.is_service_account else ""
    return f"{prefix}{user.get_username()}"


def apply_changes(
    obj: models.Model, changes: Mapping[str, Any], fields: Collection[str] | None = None
) -> dict[str, Any]:
    """Set ``changes`` on ``obj`` (only the fields named in ``fields``, when given) and return the values they
    replace: the ``before`` of an audit record. Saving is the caller's."""
    names = [key for key in changes if fields is None or key in fields]
    before = {key: getattr(obj, key) for key in names}
    for key in names:
        setattr(obj, key, changes[key])
    return before


def save_audited(
    obj: models.Model, changes: dict[str, Any], *, action: str, actor: User | None, project: Project
) -> None:
    """Set ``changes`` on ``obj``, validate and save it, and audit ``action`` with the values before and after."""
    before = apply_changes(obj, changes)
    obj.full_clean()
    obj.save()
    audit_record(action=action, actor=actor, project=project, obj=obj, data={"before": before, "after": changes})


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
    with transaction.atomic():
        _chain(event)
        event.save(force_insert=True)
    return event


def _chain(event: AuditEvent) -> None:
    """Link ``event`` to the last event of its chain, holding the chain's lock until the transaction ends.

    On Postgres a transaction-scoped advisory lock per chain serializes writers, so two concurrent transactions
    cannot both read the same last event and fork the chain (SQLite serializes writers on its own).
    """
    chain = event.project_slug
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(chain)])
    last = AuditEvent.objects.filter(project_slug=chain).order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or ""
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    event.hash = event_hash(fields, event.prev_hash)


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
