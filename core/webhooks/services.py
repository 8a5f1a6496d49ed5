"""Writes for webhooks: subscriptions, emitting events, pings and redeliveries.

Other apps call :func:`webhook_emit` inside their own transaction; deliveries are enqueued on commit, so a
rolled-back change sends nothing. Sending itself lives in ``core.webhooks.delivery``.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, save_audited
from core.errors import Conflict, ValidationFailed
from core.models import Project, User
from core.webhooks import events, selectors, ssrf
from core.webhooks import tasks as webhook_tasks
from core.webhooks.delivery import address_policy
from core.webhooks.models import WebhookDelivery, WebhookSubscription

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SECRET_MIN_LENGTH = 16
_UPDATABLE = ("url", "event_types", "is_active", "description")


# --- validation ---------------------------------------------------------------------------------------------------


def validate_webhook_url(url: str) -> str:
    """Shape and address checks now; a host that does not resolve yet is accepted (checked again at delivery)."""
    try:
        ssrf.resolve_target(url, address_policy())
    except ssrf.UnsafeUrl as exc:
        raise ValidationFailed.field("url", str(exc)) from None
    except ssrf.ResolutionFailed:
        pass
    return url


def _clean_event_types(event_types: list[str]) -> list[str]:
    unique = list(dict.fromkeys(event_types))
    if not unique:
        raise ValidationFailed.field("event_types", "subscribe to at least one event type (or '*')")
    unknown = events.invalid_event_types(unique)
    if unknown:
        raise ValidationFailed.field("event_types", f"unknown event types: {', '.join(unknown)}")
    return unique


def _clean_secret(secret: str | None) -> str:
    if not secret:
        return f"{SECRET_PREFIX}{secrets.token_urlsafe(32)}"
    if len(secret) < SECRET_MIN_LENGTH:
        raise ValidationFailed.field("secret", f"must be at least {SECRET_MIN_LENGTH} characters")
    return secret


# --- subscriptions ------------------------------------------------------------------------------------------------


@transaction.atomic
def webhook_subscription_create(
    *,
    project: Project,
    actor: User | None,
    url: str,
    event_types: list[str],
    secret: str | None = None,
    description: str = "",
    is_active: bool = True,
) -> WebhookSubscription:
    """A new subscription; its ``secret`` (generated unless given) is for the caller to show once."""
    subscription = WebhookSubscription(
        project=project,
        url=validate_webhook_url(url),
        secret=_clean_secret(secret),
        event_types=_clean_event_types(event_types),
        description=description,
        is_active=is_active,
        created_by=actor,
    )
    subscription.full_clean()
    subscription.save()
    data = {"url": subscription.url, "event_types": subscription.event_types, "is_active": is_active}
    audit_record(action="webhook.create", actor=actor, project=project, obj=subscription, data=data)
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *, subscription: WebhookSubscription, actor: User | None, **changes: Any
) -> WebhookSubscription:
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], "cannot be changed")
    if "url" in changes:
        changes["url"] = validate_webhook_url(changes["url"])
    if "event_types" in changes:
        changes["event_types"] = _clean_event_types(changes["event_types"])
    save_audited(subscription, changes, action="webhook.update", actor=actor, project=subscription.project)
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription, actor: User | None) -> None:
    """Delete the subscription and its delivery log; deliveries in flight are dropped."""
    audit_record(action="webhook.delete", actor=actor, project=subscription.project, obj=subscription)
    subscription.delete()


# --- deliveries ---------------------------------------------------------------------------------------------------


def _body(*, uid: uuid.UUID, event_type: str, created_at: datetime | str, project: Project, data: Any) -> str:
    envelope = {"id": uid, "type": event_type, "created_at": created_at, "project": project.slug, "data": data}
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"))


def _delivery_create(
    *,
    subscription: WebhookSubscription,
    project: Project,
    event_type: str,
    data: Any = None,
    created_at: datetime | str | None = None,
    redelivery_of: WebhookDelivery | None = None,
    body: str | None = None,
) -> WebhookDelivery:
    """One delivery row, sent after commit. A failed enqueue is logged, not raised: the sweep task retries it.

    The body is the Keel envelope around ``data`` unless ``body`` gives the exact text to send.
    """
    now = timezone.now()
    uid = uuid.uuid4()
    if body is None:
        body = _body(uid=uid, event_type=event_type, created_at=created_at or now, project=project, data=data)
    delivery = WebhookDelivery.objects.create(
        uid=uid,
        subscription=subscription,
        project=project,
        event_type=event_type,
        request_body=body,
        next_attempt_at=now,
        created_at=now,
        redelivery_of=redelivery_of,
    )
    transaction.on_commit(lambda: webhook_tasks.enqueue_delivery(delivery.pk), robust=True)
    return delivery


@transaction.atomic
def webhook_emit(*, project: Project, event_type: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Send ``event_type`` with ``payload`` (JSON-serialisable) to every active subscription that wants it.

    Call it inside the transaction that makes the change: deliveries are enqueued on commit, so a rolled-back
    change sends nothing. Receivers get ``{"id", "type", "created_at", "project", "data": payload}``.
    """
    if event_type not in events.WEBHOOK_EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}: add it to WEBHOOK_EVENT_TYPES")
    subscriptions = selectors.webhook_subscription_active(project=project)
    return [
        _delivery_create(subscription=subscription, project=project, event_type=event_type, data=payload)
        for subscription in subscriptions
        if subscription.subscribes_to(event_type)
    ]


@transaction.atomic
def webhook_ping(*, subscription: WebhookSubscription, actor: User | None) -> WebhookDelivery:
    """Send a ``webhook.ping`` to this subscription, whatever its event types and even when inactive."""
    project = subscription.project
    data = {"webhook_id": subscription.pk, "event_types": subscription.event_types, "message": "Hello from Keel."}
    delivery = _delivery_create(subscription=subscription, project=project, event_type=events.PING, data=data)
    audit_record(action="webhook.ping", actor=actor, project=project, obj=delivery)
    return delivery


@transaction.atomic
def webhook_send(
    *, subscription: WebhookSubscription, event_type: str, payload: Any = None, body: str | None = None
) -> WebhookDelivery:
    """Send to this one subscription, whatever its event types and active flag (e.g. a notification channel).

    ``payload`` is wrapped in the Keel envelope like :func:`webhook_emit`'s; ``body`` instead sends that exact
    JSON text (e.g. a Slack-compatible ``{"text": ...}``). Signed, retried and logged like every delivery.
    """
    project = subscription.project
    return _delivery_create(subscription=subscription, project=project, event_type=event_type, data=payload, body=body)


def _envelope(text: str) -> dict[str, Any] | None:
    """The Keel envelope in a stored body, or None for other bodies."""
    try:
        body = json.loads(text)
    except ValueError:
        return None
    is_envelope = isinstance(body, dict) and set(body) == {"id", "type", "created_at", "project", "data"}
    return body if is_envelope else None


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery, actor: User | None) -> WebhookDelivery:
    """Send a finished (delivered or failed) delivery again, as a new delivery with fresh attempts.

    A Keel envelope gets the new delivery id and keeps its event time and data; other bodies are resent as is.
    """
    if delivery.is_open:
        raise Conflict("This delivery is still being attempted; redeliver it once it is delivered or has failed.")
    envelope = _envelope(delivery.request_body)
    redelivery = _delivery_create(
        subscription=delivery.subscription,
        project=delivery.project,
        event_type=delivery.event_type,
        data=envelope["data"] if envelope else None,
        created_at=envelope["created_at"] if envelope else None,
        redelivery_of=delivery,
        body=None if envelope else delivery.request_body,
    )
    data = {"redelivery_of": str(delivery.uid)}
    audit_record(action="webhook.redeliver", actor=actor, project=delivery.project, obj=redelivery, data=data)
    return redelivery
