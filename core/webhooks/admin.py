"""Admin for webhooks (imported at the end of core/admin.py).

Subscriptions are created through the API (which shows the secret once); here they can be edited, and edits go
through the service so they are validated and audited. The delivery log is read-only, with a redeliver action.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from core.admin_display import ReadOnlyAdmin
from core.errors import ValidationFailed
from core.models import User
from core.webhooks import services
from core.webhooks.models import OPEN_STATUSES, WebhookDelivery, WebhookSubscription


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


class WebhookSubscriptionForm(forms.ModelForm):
    class Meta:
        model = WebhookSubscription
        fields = ("url", "event_types", "is_active", "description")

    def clean_url(self) -> str:
        try:
            return services.validate_webhook_url(self.cleaned_data["url"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.errors[0]["message"]) from None


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):  # event_types is edited here, through the form
    form = WebhookSubscriptionForm
    list_display = ("id", "project", "url", "is_active", "event_types", "created_by", "created_at")
    list_filter = ("is_active", "project")
    list_select_related = ("project", "created_by")
    search_fields = ("url", "description", "project__slug")
    fields = ("project", "url", "event_types", "is_active", "description", "created_by", "created_at", "updated_at")
    readonly_fields = ("project", "created_by", "created_at", "updated_at")
    actions = ["ping"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created through the API, which shows the secret once

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: ModelForm, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            original = WebhookSubscription.objects.select_related("project").get(pk=obj.pk)
            services.webhook_subscription_update(subscription=original, actor=_actor(request), **changes)

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        services.webhook_subscription_delete(subscription=obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset.select_related("project"):
            services.webhook_subscription_delete(subscription=subscription, actor=_actor(request))

    @admin.action(description="Send a ping to the selected webhooks")
    def ping(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset.select_related("project"):
            services.webhook_ping(subscription=subscription, actor=_actor(request))
        messages.success(request, f"Pinged {queryset.count()} webhook(s).")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "uid",
        "project",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "event_type", "project")
    list_select_related = ("project", "subscription")
    search_fields = ("uid", "event_type", "subscription__url", "project__slug")
    date_hierarchy = "created_at"
    actions = ["redeliver"]

    @admin.action(description="Redeliver the selected deliveries (delivered or failed ones)")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        finished = queryset.exclude(status__in=OPEN_STATUSES).select_related("subscription", "project")
        for delivery in finished:
            services.webhook_redeliver(delivery=delivery, actor=_actor(request))
        skipped = queryset.count() - len(finished)
        messages.success(request, f"Redelivered {len(finished)} delivery(ies); skipped {skipped} still in progress.")
