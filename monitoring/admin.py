from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from core.admin_display import ReadableAdmin, ReadOnlyAdmin
from core.audit import audit_record
from core.models import User
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
    """Edits here are audited like the API's (``drift_config.set`` / ``drift_config.delete``)."""

    list_display = ("deployment", "enabled", "window_minutes", "cadence_minutes", "per_variant", "updated_at")
    list_filter = ("enabled",)

    def save_model(self, request: HttpRequest, obj: DriftConfig, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            data = {name: getattr(obj, f"{name}_id", None) or form.cleaned_data.get(name) for name in form.changed_data}
            user = request.user if isinstance(request.user, User) else None
            project = obj.deployment.project
            audit_record(action="drift_config.set", actor=user, project=project, obj=obj, data=data)

    def delete_model(self, request: HttpRequest, obj: DriftConfig) -> None:
        with transaction.atomic():
            user = request.user if isinstance(request.user, User) else None
            audit_record(action="drift_config.delete", actor=user, project=obj.deployment.project, obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset.select_related("deployment__project"):
            self.delete_model(request, obj)


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
class RetrainingRunAdmin(ReadOnlyAdmin):
    """Runs are written by the retraining services; deleting one is allowed."""

    list_display = ("policy", "status", "model_version", "champion_version", "created_at", "finished_at")
    list_filter = ("status",)
    allow_delete = True
