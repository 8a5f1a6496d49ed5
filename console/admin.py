from django.contrib import admin

from console.models import LoadTest
from core.admin_display import ReadableAdmin


@admin.register(LoadTest)
class LoadTestAdmin(ReadableAdmin):
    list_display = ("deployment", "revision_number", "status", "requests", "rps", "p50_ms", "p99_ms", "error_rate")
    list_filter = ("status",)
    readonly_fields = [f.name for f in LoadTest._meta.fields]
