from typing import Any

from django.apps import AppConfig


class ServingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "serving"

    def ready(self) -> None:
        from django.core import checks

        checks.register(_prediction_log_enabled, checks.Tags.security, deploy=True)
        from registry import hooks

        hooks.version_references.connect(_deployments_using, dispatch_uid="serving.version_references")
        hooks.version_health_changed.connect(_health_changed, dispatch_uid="serving.version_health")
        hooks.blob_references.connect(_blob_in_exports, dispatch_uid="serving.blob_references")
        from core import backup

        backup.restore_loading.connect(_restore_loading, dispatch_uid="serving.restore_loading")
        from core import hotcache

        hotcache.stamps.source("serving:rev:", _current_revision)


def _deployments_using(sender: Any, version: Any, **kwargs: Any) -> list[str]:
    """Registry asks before archiving or deleting a version: live deployments that route to it block it."""
    from serving.models import Deployment

    names = Deployment.objects.filter(current_revision__variants__model_version=version).values_list("name", flat=True)
    return [f"deployment {name!r}" for name in sorted(set(names))]


def _health_changed(sender: Any, version_id: int, **kwargs: Any) -> None:
    """An unhealthy version gets no traffic: every deployment routing to it rebuilds its table."""
    from serving import runtime
    from serving.models import Deployment

    for deployment_id, revision_id in Deployment.objects.filter(
        current_revision__variants__model_version_id=version_id
    ).values_list("pk", "current_revision_id"):
        runtime.bump(deployment_id, -1 if revision_id else None)


def _current_revision(key: str) -> int | None:
    """A deployment's revision stamp (``serving:rev:<id>``) read from the database, while the shared cache is down."""
    from serving.models import Deployment

    row = Deployment.objects.filter(pk=int(key.rsplit(":", 1)[1])).values_list("current_revision_id").first()
    return None if row is None else (row[0] or 0)


def _blob_in_exports(sender: Any, sha: str, **kwargs: Any) -> bool:
    """Registry asks before deleting a blob: a prediction-log export stored under the same hash keeps it."""
    from serving.models import PredictionExport

    return PredictionExport.objects.filter(sha256=sha).exists()


def _restore_loading(sender: Any, database: Any, **kwargs: Any) -> None:
    """A restore is about to load its dump: the prediction log's partitions covering its rows come first."""
    from serving.partitions import partitions_ensure_for_dump

    partitions_ensure_for_dump(database=database)


def _prediction_log_enabled(app_configs: Any, **kwargs: Any) -> list[Any]:
    from django.conf import settings
    from django.core import checks

    if settings.KEEL_BENCH_SKIP_PREDICTION_LOG:
        return [
            checks.Error(
                "KEEL_BENCH_SKIP_PREDICTION_LOG is on: predictions are not written to the audit log.",
                hint="It exists for benchmarks only; unset it.",
                id="keel.E001",
            )
        ]
    return []
