"""Admin for experiments and runs: browse, filter and search. Everything is read-only here (writes go through
the services, which validate, keep metric summaries in step and audit); deleting and restoring are admin actions
that call the services, so they are soft and recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from core.admin_display import ReadOnlyAdmin
from registry.models import (
    Experiment,
    Run,
    RunArtifact,
    RunInput,
    RunMetricSummary,
    RunParam,
    RunTag,
)
from registry.services import experiments as services


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RunInline(_ReadOnlyInline):
    model = Run
    fields = ("run_id", "name", "status", "source", "lifecycle_stage", "start_time", "end_time", "user")
    readonly_fields = fields
    show_change_link = True
    ordering = ("-start_time",)


class RunParamInline(_ReadOnlyInline):
    model = RunParam
    fields = readonly_fields = ("key", "value")


class RunMetricSummaryInline(_ReadOnlyInline):
    model = RunMetricSummary
    fields = readonly_fields = ("key", "latest_value", "latest_step", "min_value", "max_value", "count")
    verbose_name = "metric"


class RunTagInline(_ReadOnlyInline):
    model = RunTag
    fields = readonly_fields = ("key", "value")


class RunInputInline(_ReadOnlyInline):
    model = RunInput
    fields = readonly_fields = ("dataset_name", "version_number", "role", "sha256", "dataset_version")


class RunArtifactInline(_ReadOnlyInline):
    model = RunArtifact
    fields = readonly_fields = ("path", "size", "sha256", "content_type", "created_at")


def _soft_delete_actions(field: str, delete: Any, restore: Any, deleted: str) -> list[Callable[..., None]]:
    """The ``soft_delete`` and ``restore`` admin actions: each calls its service on every selected ``field`` row,
    as the logged-in user; ``deleted`` names what a soft delete takes away."""

    def action(name: str, service: Any, verb: str, description: str) -> Callable[..., None]:
        @admin.action(description=description)
        def apply(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
            user = request.user if request.user.is_authenticated else None
            for obj in queryset:
                service(**{field: obj, "user": user})
            messages.success(request, f"{verb} {queryset.count()} item(s).")

        apply.__name__ = name
        return apply

    return [
        action("soft_delete", delete, "Deleted", f"Delete selected {deleted} (soft, restorable)"),
        action("restore", restore, "Restored", f"Restore selected {field}s"),
    ]


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = ("name", "project", "lifecycle_stage", "run_total", "created_by", "created_at", "updated_at")
    list_filter = ("lifecycle_stage", "project")
    list_select_related = ("project", "created_by")
    search_fields = ("name", "description", "project__slug")
    fields = ("project", "name", "description", "tags", "lifecycle_stage", "deleted_at", "created_by", "created_at")
    inlines = [RunInline]
    actions = _soft_delete_actions(
        "experiment", services.experiment_delete, services.experiment_restore, "experiments and their runs"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Experiment]:
        return super().get_queryset(request).annotate(run_total=Count("runs"))

    @admin.display(description="runs", ordering="run_total")
    def run_total(self, obj: Experiment) -> int:
        return getattr(obj, "run_total", 0)


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = (
        "run_id",
        "name",
        "experiment",
        "project",
        "status",
        "source",
        "lifecycle_stage",
        "user",
        "start_time",
        "end_time",
    )
    list_filter = ("status", "source", "lifecycle_stage", "project", "start_time")
    list_select_related = ("experiment", "project", "user")
    search_fields = ("run_id", "name", "experiment__name", "user__username", "code_version", "project__slug")
    date_hierarchy = "start_time"
    fields = (
        "run_id",
        "name",
        "experiment",
        "project",
        *Run.STATE_FIELDS,
        "deleted_at",
        "description",
    )
    inlines = [RunParamInline, RunMetricSummaryInline, RunTagInline, RunInputInline, RunArtifactInline]
    actions = _soft_delete_actions("run", services.run_delete, services.run_restore, "runs")


@admin.register(RunArtifact)
class RunArtifactAdmin(ReadOnlyAdmin):
    list_display = ("path", "run", "size", "sha256", "content_type", "created_by", "created_at")
    list_select_related = ("run", "created_by")
    search_fields = ("path", "sha256", "run__run_id")
    list_filter = ("content_type",)
