"""Reads for webhooks, always scoped to a project: another project's objects are not found."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db.models import QuerySet

from core.errors import NotFound
from core.models import Project
from core.selectors import first_or_not_found
from core.webhooks.models import WebhookDelivery, WebhookSubscription


def webhook_subscription_list(*, project: Project) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(project=project).select_related("created_by").order_by("id")


def webhook_subscription_active(*, project: Project) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(project=project, is_active=True).order_by("id")


def webhook_subscription_get(*, project: Project, subscription_id: int) -> WebhookSubscription:
    return first_or_not_found(
        webhook_subscription_list(project=project).filter(pk=subscription_id), f"Webhook {subscription_id} not found."
    )


def webhook_delivery_list(
    *, subscription: WebhookSubscription, status: str = "", event_type: str = ""
) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.filter(subscription=subscription).select_related("redelivery_of")
    if status:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event_type=event_type)
    return deliveries


def webhook_delivery_get(*, subscription: WebhookSubscription, delivery_id: str) -> WebhookDelivery:
    """A delivery of this subscription by its uuid; malformed ids are simply not found."""
    try:
        uid = uuid.UUID(delivery_id)
    except ValueError:
        raise NotFound(f"Delivery {delivery_id!r} not found.") from None
    return first_or_not_found(
        webhook_delivery_list(subscription=subscription).select_related("subscription").filter(uid=uid),
        f"Delivery {delivery_id!r} not found.",
    )


def webhook_deliveries_overdue(*, now: datetime, grace: timedelta, limit: int) -> list[int]:
    """Ids of open deliveries overdue by ``grace`` and not held by a worker (lost messages, broker outages)."""
    deliveries = (
        WebhookDelivery.objects.open()
        .filter(next_attempt_at__lt=now - grace)
        .exclude(claimed_until__gte=now)
        .order_by("next_attempt_at")
    )
    return list(deliveries.values_list("pk", flat=True)[:limit])
