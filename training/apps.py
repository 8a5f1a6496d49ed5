from typing import Any

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"

    def ready(self) -> None:
        from registry import hooks

        hooks.model_renamed.connect(_model_renamed, dispatch_uid="training.model_renamed")


def _model_renamed(sender: Any, project_id: int, old_name: str, new_name: str, **kwargs: Any) -> None:
    """Jobs that register into the renamed model keep doing so under its new name (same transaction)."""
    from training.models import TrainingJob

    TrainingJob.objects.filter(project_id=project_id, register_model_name=old_name).update(register_model_name=new_name)
