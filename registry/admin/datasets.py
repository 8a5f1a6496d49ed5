from django.contrib import admin

from core.admin_display import ReadableAdmin
from registry.models import Dataset, DatasetVersion, ValidationReport, ValidationRule


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0
    fields = ("kind", "column", "params", "enabled", "description")


@admin.register(Dataset)
class DatasetAdmin(ReadableAdmin):
    list_display = ("name", "project", "created_by", "created_at", "updated_at")
    list_filter = ("project",)
    search_fields = ("name", "description", "project__slug")
    inlines = [ValidationRuleInline]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(ReadableAdmin):
    list_display = (
        "dataset",
        "number",
        "status",
        "format",
        "row_count",
        "column_count",
        "size",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "format", "dataset__project")
    search_fields = ("dataset__name", "sha256", "message", "original_filename")
    readonly_fields = [f.name for f in DatasetVersion._meta.fields if f.name != "schema"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # versions are created by uploading through the API


@admin.register(ValidationRule)
class ValidationRuleAdmin(ReadableAdmin):
    list_display = ("dataset", "kind", "column", "enabled", "generated_from", "created_at")
    list_filter = ("kind", "enabled", "dataset__project")
    search_fields = ("dataset__name", "column", "description")


@admin.register(ValidationReport)
class ValidationReportAdmin(ReadableAdmin):
    list_display = ("version", "trigger", "passed", "n_rules", "n_failed", "created_at")
    list_filter = ("passed", "trigger")
    search_fields = ("version__dataset__name",)
    readonly_fields = ("version", "trigger", "passed", "n_rules", "n_failed", "results", "created_by", "created_at")
