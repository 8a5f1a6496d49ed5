from django.contrib import admin

from core.admin_display import ReadableAdmin, ReadOnlyAdmin
from serving.models import (
    Deployment,
    Feedback,
    PredictionExport,
    PredictionLog,
    PredictionLogPolicy,
    PredictionRollup,
    PredictionRollupHour,
    Revision,
    RollupWatermark,
    Variant,
)


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    readonly_fields = ("name", "model_version", "alias", "role", "weight")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # revisions are immutable; traffic changes go through the API


@admin.register(Deployment)
class DeploymentAdmin(ReadableAdmin):
    list_display = ("name", "project", "current_revision", "created_by", "updated_at")
    list_filter = ("project",)
    search_fields = ("name", "description")
    readonly_fields = ("current_revision", "rollout", "routing_salt")


@admin.register(Revision)
class RevisionAdmin(ReadableAdmin):
    list_display = ("deployment", "number", "strategy", "reason", "created_by", "created_at")
    list_filter = ("strategy",)
    search_fields = ("deployment__name", "reason")
    inlines = [VariantInline]
    readonly_fields = ("deployment", "number", "strategy", "reason", "parent", "created_by", "created_at")


@admin.register(PredictionLog)
class PredictionLogAdmin(ReadOnlyAdmin):
    float_places = 2
    float_units = {"latency_ms": "ms"}
    list_display = (
        "created_at",
        "prediction_id",
        "deployment_id",
        "revision_number",
        "variant",
        "latency_ms",
        "is_error",
        "shadow",
        "caller",
    )
    list_filter = ("is_error", "shadow")
    search_fields = ("prediction_id", "request_id", "routing_key", "caller")
    show_full_result_count = False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    """Feedback arrives through the API; a correction is a new row that supersedes the old."""

    list_display = ("prediction_id", "deployment_id", "value", "is_current", "caller", "created_at")
    list_filter = ("is_current",)
    search_fields = ("prediction_id",)
    allow_delete = True


@admin.register(PredictionLogPolicy)
class PredictionLogPolicyAdmin(ReadableAdmin):
    list_display = ("project", "raw_retention_days", "rollup_retention_days", "export_before_drop", "updated_at")
    list_filter = ("export_before_drop",)
    search_fields = ("project__slug",)


@admin.register(PredictionExport)
class PredictionExportAdmin(ReadOnlyAdmin):
    """Exports are made by retention before a partition is dropped, and rewritten only by erasure, which updates
    the hash."""

    list_display = ("project", "partition", "range_start", "range_end", "row_count", "erased_rows", "size", "sha256")
    list_filter = ("project",)
    search_fields = ("partition", "sha256")
    readonly_fields = [f.name for f in PredictionExport._meta.fields]
    allow_delete = True


class _RollupAdmin(ReadOnlyAdmin):
    """Rollups are written by the rollup task; deleting one is allowed."""

    list_filter = ("shadow",)
    show_full_result_count = False
    allow_delete = True


@admin.register(PredictionRollup)
class PredictionRollupAdmin(_RollupAdmin):
    list_display = ("minute", "deployment_id", "variant", "shadow", "model_version_id", "requests", "errors")


@admin.register(PredictionRollupHour)
class PredictionRollupHourAdmin(_RollupAdmin):
    list_display = ("hour", "deployment_id", "variant", "shadow", "model_version_id", "requests", "errors")


@admin.register(RollupWatermark)
class RollupWatermarkAdmin(ReadableAdmin):
    list_display = ("name", "until", "updated_at")
