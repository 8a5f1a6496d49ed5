from django.contrib import admin

from core.admin_display import ReadableAdmin
from training.models import TrainingJob


@admin.register(TrainingJob)
class TrainingJobAdmin(ReadableAdmin):
    list_display = (
        "uid",
        "project",
        "dataset_version",
        "status",
        "progress_done",
        "progress_total",
        "attempts",
        "worker",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "project")
    search_fields = ("uid", "experiment_name", "run_name", "error", "worker")
    readonly_fields = (
        "uid",
        "spec",
        "result",
        "error",
        "run",
        "attempts",
        "lease_expires_at",
        "worker",
        "started_at",
        "finished_at",
        "progress_done",
        "progress_total",
        "stage",
    )
