"""Webhook subscriptions and their delivery log (imported at the bottom of core/models.py)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from core.models import ProjectScoped, user_ref
from core.webhooks import events, ssrf

__all__ = ["DeliveryStatus", "WebhookDelivery", "WebhookSubscription"]


class WebhookSubscription(ProjectScoped):
    """A project's endpoint for events. The secret is a shared HMAC key: stored as is because it must sign."""

    project_reverse_name = "webhook_subscriptions"

    url = models.CharField(max_length=2000)
    secret = models.CharField(max_length=200)
    # event type names, or ["*"] for all; [] receives only direct sends (monitoring's notification channels)
    event_types = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=500, blank=True)
    created_by = user_ref()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "is_active"], name="webhook_sub_project_active")]

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        try:
            ssrf.parse_url(self.url)
        except ssrf.UnsafeUrl as exc:
            raise ValidationError({"url": str(exc)}) from None
        if not isinstance(self.event_types, list):
            raise ValidationError({"event_types": "must be a list of event types"})
        unknown = events.invalid_event_types(self.event_types)
        if unknown:
            raise ValidationError({"event_types": f"unknown event types: {', '.join(map(str, unknown))}"})

    def subscribes_to(self, event_type: str) -> bool:
        return events.subscribes_to(self.event_types, event_type)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def open(self) -> WebhookDeliveryQuerySet:
        """Deliveries that will still be attempted."""
        return self.filter(status__in=OPEN_STATUSES)


class WebhookDelivery(ProjectScoped):
    """One event sent to one subscription, with its retries. The body is stored exactly as signed and sent."""

    id = models.BigAutoField(primary_key=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=100)
    request_body = models.TextField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_body = models.TextField(blank=True)  # an excerpt, for debugging the receiver
    last_error = models.TextField(blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # null once delivered or failed
    claimed_until = models.DateTimeField(null=True, blank=True)  # a worker's lease on the attempt in flight
    delivered_at = models.DateTimeField(null=True, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries"
    )

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_recent"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.uid}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
