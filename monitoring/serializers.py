from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.models import name_validator
from core.webhooks.models import WebhookSubscription
from monitoring.models import (
    Alert,
    AlertRule,
    ChannelKind,
    DriftConfig,
    DriftReport,
    NotificationChannel,
    ReportStatus,
    RetrainingPolicy,
    RetrainingRun,
    Severity,
)


class DriftConfigSerializer(serializers.ModelSerializer):
    is_default = serializers.SerializerMethodField(
        help_text="true: nothing is stored for this deployment and this is its default schedule (enabled when the "
        "serving version has a reference profile); a PUT stores a config."
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="null for the default.")

    class Meta:
        model = DriftConfig
        fields = ["enabled", "window_minutes", "cadence_minutes", "options", "per_variant", "is_default", "updated_at"]
        extra_kwargs = {
            "window_minutes": {"min_value": 1, "max_value": 7 * 24 * 60},
            "cadence_minutes": {"min_value": 1, "max_value": 7 * 24 * 60},
        }

    @extend_schema_field(serializers.BooleanField())
    def get_is_default(self, config: DriftConfig) -> bool:
        return config.pk is None


class DriftReportSerializer(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model_version.number", allow_null=True, default=None)
    status = serializers.ChoiceField(
        choices=ReportStatus.choices,
        read_only=True,
        help_text="ok: no feature drifted; warning: some features (or the prediction) drifted but not the "
        "dataset; drift: the dataset drifted (the share rule); insufficient_data or failed: not computed.",
    )
    summary = serializers.CharField(read_only=True, help_text='"10 of 30 features drifted", or why not computed.')

    class Meta:
        model = DriftReport
        fields = [
            "id",
            "variant",
            "model_version",
            "window_start",
            "window_end",
            "status",
            "summary",
            "trigger",
            "n_rows",
            "n_features",
            "n_drifted",
            "dataset_drift",
            "share_drifted",
            "prediction_drift",
            "detail",
            "result",
            "created_at",
        ]


@extend_schema_serializer(component_name="DriftReportCreate")
class DriftReportRequestSerializer(serializers.Serializer):
    window_minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=30 * 24 * 60,
        help_text="The window ending now (default: the drift config's).",
    )
    window_start = serializers.DateTimeField(required=False)
    window_end = serializers.DateTimeField(required=False)
    variant = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64, help_text="Empty: all live traffic."
    )

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if ("window_start" in attrs) != ("window_end" in attrs):
            raise serializers.ValidationError({"window_end": "give window_start and window_end together"})
        return attrs


def fingerprint(value: str, hint: str = "") -> dict[str, str]:
    """What a response shows of a secret: ``sha256:`` and the first 12 hex digits of its SHA-256, and a hint."""
    return {"fingerprint": "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:12], "hint": hint}


class SecretFingerprintSerializer(serializers.Serializer):
    fingerprint = serializers.CharField(help_text="`sha256:` and the first 12 hex digits of the value's SHA-256.")
    hint = serializers.CharField(help_text="The URL's host; empty for a signing secret.")


class ChannelConfigOutSerializer(serializers.Serializer):
    """A channel's settings as responses show them: URLs and signing secrets are write-only (a fingerprint)."""

    to = serializers.ListField(child=serializers.CharField(), required=False, help_text="email: the recipients")
    url = SecretFingerprintSerializer(required=False, help_text="webhook/slack: the URL's fingerprint")
    secret = SecretFingerprintSerializer(required=False, help_text="webhook: the signing secret's fingerprint")


def channel_config_shown(channel: NotificationChannel, subscription: WebhookSubscription | None) -> dict[str, Any]:
    if channel.kind == ChannelKind.EMAIL:
        return {"to": list(channel.config.get("to", []))}
    url = subscription.url if subscription else str(channel.config.get("url", ""))
    shown: dict[str, Any] = {"url": fingerprint(url, urlsplit(url).hostname or "")}
    if channel.kind == ChannelKind.WEBHOOK and subscription is not None:
        shown["secret"] = fingerprint(subscription.secret)
    return shown


class ChannelSerializer(serializers.ModelSerializer):
    """URLs and signing secrets are write-only for every role (a Slack URL is a credential): a fingerprint."""

    # context={"subscriptions": {id: WebhookSubscription}} spares one query per channel in a list

    config = serializers.SerializerMethodField()

    class Meta:
        model = NotificationChannel
        fields = ["id", "name", "kind", "config", "enabled", "created_at"]

    @extend_schema_field(ChannelConfigOutSerializer)
    def get_config(self, channel: NotificationChannel) -> dict[str, Any]:
        subscription_id = channel.config.get("subscription_id")
        known = self.context.get("subscriptions")
        if known is not None:
            subscription = known.get(subscription_id)
        else:
            subscription = WebhookSubscription.objects.filter(pk=subscription_id).first() if subscription_id else None
        return channel_config_shown(channel, subscription)


class ChannelCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    kind = serializers.ChoiceField(choices=ChannelKind.choices)
    config = serializers.DictField(help_text="webhook/slack: {url, secret?}; email: {to: [addresses]}")
    enabled = serializers.BooleanField(default=True)


class AlertRuleSerializer(serializers.ModelSerializer):
    deployment = serializers.CharField(source="deployment.name")
    channels = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = AlertRule
        fields = [
            "id",
            "name",
            "deployment",
            "metric",
            "feature",
            "op",
            "threshold",
            "window_minutes",
            "severity",
            "cooldown_minutes",
            "enabled",
            "channels",
            "created_at",
        ]


class AlertRuleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    deployment = serializers.CharField()
    metric = serializers.ChoiceField(choices=AlertRule.Metric.choices)
    feature = serializers.CharField(required=False, allow_blank=True, default="")
    op = serializers.ChoiceField(choices=[">", ">=", "<", "<="], default=">")
    threshold = serializers.FloatField()
    window_minutes = serializers.IntegerField(min_value=1, max_value=30 * 24 * 60, default=60)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.WARNING)
    cooldown_minutes = serializers.IntegerField(min_value=0, max_value=30 * 24 * 60, default=60)
    enabled = serializers.BooleanField(default=True)
    channels = serializers.ListField(child=serializers.CharField(), required=False, default=list)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if attrs.get("metric") == AlertRule.Metric.FEATURE_DRIFT and not attrs.get("feature"):
            raise serializers.ValidationError({"feature": "required for feature_drift"})
        return attrs


class AlertSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.name")
    deployment = serializers.CharField(source="rule.deployment.name")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", allow_null=True, default=None)

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "deployment",
            "status",
            "severity",
            "value",
            "last_value",
            "message",
            "started_at",
            "last_evaluated_at",
            "resolved_at",
            "acknowledged_by",
            "acknowledged_at",
            "evaluations",
            "notifications",
        ]


class RetrainingPolicySerializer(serializers.ModelSerializer):
    deployment = serializers.CharField(source="deployment.name")
    alert_rules = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = RetrainingPolicy
        fields = [
            "id",
            "name",
            "deployment",
            "enabled",
            "trigger",
            "alert_rules",
            "schedule_minutes",
            "dataset",
            "include_feedback",
            "spec",
            "model_name",
            "rollout",
            "min_interval_minutes",
            "last_triggered_at",
            "created_at",
        ]


class RetrainingPolicyWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    deployment = serializers.CharField()
    enabled = serializers.BooleanField(default=True)
    trigger = serializers.ChoiceField(
        choices=RetrainingPolicy.Trigger.choices,
        default="alert",
        help_text="alert: a firing alert of alert_rules; schedule: every schedule_minutes; new_dataset: each new "
        "valid version of dataset (trained on that version).",
    )
    alert_rules = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    schedule_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=5,
        max_value=366 * 24 * 60,
        default=None,
        help_text="Required for the schedule trigger (slots aligned to the epoch).",
    )
    dataset = serializers.CharField()
    include_feedback = serializers.BooleanField(default=False)
    spec = serializers.DictField()
    model_name = serializers.CharField(max_length=128, validators=[name_validator])
    rollout = serializers.DictField(required=False, default=dict)
    min_interval_minutes = serializers.IntegerField(min_value=0, default=60)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if attrs.get("trigger") == RetrainingPolicy.Trigger.SCHEDULE and not attrs.get("schedule_minutes"):
            raise serializers.ValidationError({"schedule_minutes": "required for the schedule trigger"})
        return attrs


class RetrainingRunSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.name")
    training_job = serializers.UUIDField(source="training_job.uid", allow_null=True, default=None)
    model_version = serializers.IntegerField(source="model_version.number", allow_null=True, default=None)
    champion_version = serializers.IntegerField(source="champion_version.number", allow_null=True, default=None)
    dataset_version = serializers.IntegerField(source="dataset_version.number", allow_null=True, default=None)

    class Meta:
        model = RetrainingRun
        fields = [
            "id",
            "policy",
            "status",
            "trigger",
            "trigger_key",
            "dataset_version",
            "training_job",
            "model_version",
            "champion_version",
            "checks",
            "steps",
            "created_at",
            "finished_at",
        ]
