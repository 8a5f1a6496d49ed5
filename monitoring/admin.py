from django.contrib import admin

from core.admin_display import ReadableAdmin
from monitoring.models import (
    Alert,
    AlertRule,
    DriftConfig,
    DriftReport,
    NotificationChannel,
    RetrainingPolicy,
    RetrainingRun,
)


@admin.register(DriftConfig)
class DriftConfigAdmin(ReadableAdmin):
    list_display = ("deployment", "enabled", "window_minutes", "cadence_minutes", "per_variant", "updated_at")
    list_filter = ("enabled",)


@admin.register(DriftReport)
class DriftReportAdmin(ReadableAdmin):
    list_display = (
        "deployment",
        "variant",
        "window_start",
        "window_end",
        "status",
        "n_rows",
        "dataset_drift",
        "share_drifted",
        "prediction_drift",
    )
    list_filter = ("status", "dataset_drift", "trigger")
    search_fields = ("deployment__name",)
    date_hierarchy = "window_end"
    readonly_fields = [f.name for f in DriftReport._meta.fields]


@admin.register(NotificationChannel)
class NotificationChannelAdmin(ReadableAdmin):
    list_display = ("name", "project", "kind", "enabled", "created_at")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "project__slug")


@admin.register(AlertRule)
class AlertRuleAdmin(ReadableAdmin):
    list_display = (
        "name",
        "project",
        "deployment",
        "metric",
        "op",
        "threshold",
        "window_minutes",
        "severity",
        "enabled",
    )
    list_filter = ("metric", "severity", "enabled")
    search_fields = ("name", "deployment__name")


@admin.register(Alert)
class AlertAdmin(ReadableAdmin):
    list_display = ("rule", "status", "severity", "last_value", "started_at", "resolved_at", "acknowledged_by")
    list_filter = ("status", "severity")
    search_fields = ("rule__name", "message")
    date_hierarchy = "started_at"


@admin.register(RetrainingPolicy)
class RetrainingPolicyAdmin(ReadableAdmin):
    list_display = (
        "name",
        "project",
        "deployment",
        "trigger",
        "schedule_minutes",
        "dataset",
        "model_name",
        "enabled",
        "last_triggered_at",
    )
    list_filter = ("trigger", "enabled")
    search_fields = ("name", "model_name", "dataset")


@admin.register(RetrainingRun)
class RetrainingRunAdmin(ReadableAdmin):
    list_display = ("policy", "status", "model_version", "champion_version", "created_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = (
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
    )
