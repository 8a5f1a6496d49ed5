from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.admin_display import ReadableAdmin, ReadOnlyAdmin
from core.models import ApiToken, AuditEvent, Heartbeat, Membership, Project, User


@admin.register(User)
class KeelUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_service_account", "service_project", "is_staff", "is_active")
    list_filter = ("is_service_account", "is_staff", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Keel", {"fields": ("is_service_account", "service_project")}))  # type: ignore[misc]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Project)
class ProjectAdmin(ReadableAdmin):
    list_display = (
        "slug",
        "name",
        "task_type",
        "require_human_approval",
        "created_at",
    )
    list_filter = ("task_type", "require_human_approval")
    search_fields = ("slug", "name", "description")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadableAdmin):
    list_display = ("project", "user", "role", "created_at")
    list_filter = ("role", "project")
    search_fields = ("project__slug", "user__username")
    autocomplete_fields = ("user", "project")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadableAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "default_project",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    exclude = ()

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are issued through the API, which shows the secret once


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "project_slug",
        "actor_label",
        "action",
        "object_type",
        "object_repr",
        "status_code",
        "ip",
        "request_id",
    )
    list_filter = ("action", "object_type", "project_slug")
    search_fields = ("action", "actor_label", "object_repr", "request_id", "object_id")
    date_hierarchy = "created_at"


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadableAdmin):
    list_display = ("token", "worker", "created_at")
    search_fields = ("token", "worker")


from core.models import Backup  # noqa: E402
from core.webhooks import admin as webhooks_admin  # noqa: E402,F401


@admin.register(Backup)
class BackupAdmin(ReadableAdmin):
    list_display = ("created_at", "location", "size_bytes", "blob_count", "row_count", "verified", "keel_version")
    list_filter = ("verified",)
    readonly_fields = [f.name for f in Backup._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # backups are written by `manage.py backup`
