from typing import Any

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"

    def ready(self) -> None:
        from registry import hooks

        hooks.dataset_version_created.connect(_dataset_version_created, dispatch_uid="monitoring.new_dataset")
        hooks.model_renamed.connect(_model_renamed, dispatch_uid="monitoring.model_renamed")


def _dataset_version_created(sender: Any, version_id: int, status: str, **kwargs: Any) -> None:
    """A new valid dataset version starts the retraining policies that wait for one (on the monitoring queue)."""
    from monitoring.selectors import policies_waiting_for  # light: no model I/O stack on every upload

    if status == "valid" and policies_waiting_for(version_id).exists():
        from monitoring.tasks import retrain_on_new_dataset_version

        retrain_on_new_dataset_version.delay(version_id)


def _model_renamed(sender: Any, project_id: int, old_name: str, new_name: str, **kwargs: Any) -> None:
    """Retraining policies register candidates into the renamed model under its new name (same transaction)."""
    from monitoring.models import RetrainingPolicy

    RetrainingPolicy.objects.filter(project_id=project_id, model_name=old_name).update(model_name=new_name)
