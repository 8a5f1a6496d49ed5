from django.contrib import admin

from core.admin_display import ReadableAdmin, ReadOnlyAdmin
from registry.models import AliasEvent, ApprovalRequest, ModelAlias, ModelEvaluation, ModelVersion, RegisteredModel


class ModelAliasInline(admin.TabularInline):
    model = ModelAlias
    extra = 0
    readonly_fields = ("name", "version", "updated_by", "updated_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # aliases move through the API, which enforces protection and records the ledger


@admin.register(RegisteredModel)
class RegisteredModelAdmin(ReadableAdmin):
    list_display = ("name", "project", "protected_aliases", "created_by", "created_at", "updated_at")
    list_filter = ("project",)
    search_fields = ("name", "description", "project__slug")
    inlines = [ModelAliasInline]


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadableAdmin):
    list_display = (
        "registered_model",
        "number",
        "source",
        "approval",
        "health",
        "archived",
        "artifact_format",
        "created_by",
        "created_at",
    )
    list_filter = ("approval", "health", "archived", "source", "artifact_format", "registered_model__project")
    search_fields = ("registered_model__name", "artifact_sha256", "code_version", "description")
    readonly_fields = (
        "registered_model",
        "number",
        "source",
        *ModelVersion.ARTIFACT_FIELDS,
        "run",
        "dataset_versions",
        "training_job_uid",
        "code_version",
        "reference_profile_sha256",
        "approval",
        "health",
        "onnx_sha256",
        "onnx_parity",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(AliasEvent)
class AliasEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "registered_model",
        "alias",
        "previous_version_number",
        "version_number",
        "actor",
        "reason",
    )
    list_filter = ("alias", "registered_model__project")
    search_fields = ("registered_model__name", "alias", "reason")
    date_hierarchy = "created_at"


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadableAdmin):
    list_display = ("version", "status", "requested_by", "decided_by", "override", "created_at", "decided_at")
    list_filter = ("status", "override")
    search_fields = ("version__registered_model__name", "comment", "decision_comment", "override_reason")
    readonly_fields = (
        "version",
        "status",
        "checks",
        "requested_by",
        "decided_by",
        "decided_at",
        "override",
        "override_reason",
        "created_at",
    )


@admin.register(ModelEvaluation)
class ModelEvaluationAdmin(ReadableAdmin):
    list_display = ("version", "evaluation_key", "n_rows", "created_at")
    search_fields = ("version__registered_model__name", "evaluation_key")
