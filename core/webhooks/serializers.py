from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from rest_framework import serializers

from core.webhooks import events
from core.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from core.webhooks.services import SECRET_MIN_LENGTH

_EVENT_HELP = "Event types to receive, or `*` for all: " + ", ".join(f"`{name}`" for name in events.WEBHOOK_EVENT_TYPES)


def shown_url(subscription: WebhookSubscription) -> str:
    """A notification channel's URL (event_types ``[]``) is a credential (a Slack URL is one): responses show only
    its scheme and host and a fingerprint. Event subscriptions show their URL to the maintainers who manage them."""
    if subscription.event_types:
        return subscription.url
    parts = urlsplit(subscription.url)
    digest = hashlib.sha256(subscription.url.encode()).hexdigest()[:12]
    return f"{parts.scheme}://{parts.hostname}/... (notification channel, sha256:{digest})"


class WebhookSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The URL; a notification channel's shows only its host.")
    event_types = serializers.ListField(child=serializers.CharField(), help_text=_EVENT_HELP)
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "is_active", "description", "created_by", "created_at", "updated_at"]

    def get_url(self, subscription: WebhookSubscription) -> str:
        return shown_url(subscription)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret. Shown once; store it now.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


def _event_types_field(**kwargs: object) -> serializers.ListField:
    child = serializers.ChoiceField(choices=events.subscribable_event_types())
    return serializers.ListField(child=child, min_length=1, help_text=_EVENT_HELP, **kwargs)  # type: ignore[arg-type]


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="An http(s) URL on a public address.")
    event_types = _event_types_field()
    secret = serializers.CharField(
        min_length=SECRET_MIN_LENGTH,
        max_length=200,
        required=False,
        help_text="The HMAC signing secret; generated when omitted.",
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(default=True)


class WebhookUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False)
    event_types = _event_types_field(required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One shape for lists and details (a second component would split the status enum's name)."""

    id = serializers.UUIDField(source="uid", read_only=True, help_text="Also sent as `X-Keel-Delivery`.")
    redelivery_of: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="uid", read_only=True, allow_null=True
    )
    request_body = serializers.CharField(read_only=True, help_text="The JSON body exactly as signed and sent.")
    last_response_body = serializers.CharField(read_only=True, help_text="The start of the last response body.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_type",
            "status",
            "attempts",
            "last_response_code",
            "last_error",
            "last_duration_ms",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
            "redelivery_of",
            "created_at",
            "request_body",
            "last_response_body",
        ]


class WebhookDeliveryListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event_type = serializers.CharField(required=False)
