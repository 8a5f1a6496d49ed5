"""The translation layer: MLflow requests turned into calls of Keel's registry services (which validate, write
and audit). Nothing here stores a second copy of Keel's data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from core.audit import audit_record
from core.models import Project, User
from interop.mlflow import errors
from interop.mlflow import search as mlflow_search
from interop.models import MlflowDatasetInput
from registry.models import DatasetVersion, Experiment, InputRole, LifecycleStage, Run, RunMetric, RunSource
from registry.selectors import datasets as dataset_selectors
from registry.selectors import experiments as run_selectors
from registry.services import experiments as run_services

# MLflow's limits on one log-batch call.
MAX_METRICS = 1000
MAX_PARAMS = 100
MAX_TAGS = 100
MAX_ENTITIES = 1000

_VIEW_TYPES = {"ACTIVE_ONLY": LifecycleStage.ACTIVE, "DELETED_ONLY": LifecycleStage.DELETED, "ALL": "all"}
_RUN_STATUSES = {
    "RUNNING": "running",
    "SCHEDULED": "running",
    "FINISHED": "finished",
    "FAILED": "failed",
    "KILLED": "killed",
}


def lifecycle(view_type: str) -> str:
    stage = _VIEW_TYPES.get(view_type or "ACTIVE_ONLY")
    if stage is None:
        raise errors.invalid(f"Invalid view_type {view_type!r}: one of {', '.join(_VIEW_TYPES)}.")
    return stage


def from_millis(value: int | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise errors.invalid(f"Invalid timestamp {value}.") from None


# --- experiments ---------------------------------------------------------------------------------------------------


def experiment_search(
    *, project: Project, view_type: str, filter_string: str, order_by: Sequence[str]
) -> QuerySet[Experiment]:
    """Experiments of the project matching an MLflow filter over name, experiment_id, times and tags."""
    experiments = Experiment.objects.filter(project=project)
    stage = lifecycle(view_type)
    if stage != "all":
        experiments = experiments.filter(lifecycle_stage=stage)
    return mlflow_search.experiments(experiments, filter_string=filter_string, order_by=order_by)


def experiment_set_tag(*, experiment: Experiment, user: User, key: str, value: Any) -> Experiment:
    if key == "mlflow.note.content":
        return run_services.experiment_update(experiment=experiment, user=user, description=str(value or ""))
    tags = {**experiment.tags, key: "" if value is None else value}
    return run_services.experiment_update(experiment=experiment, user=user, tags=tags)


def experiment_delete_tag(*, experiment: Experiment, user: User, key: str) -> Experiment:
    if key not in experiment.tags:
        raise errors.missing(f"No tag with name: {key} in experiment {experiment.pk}.")
    tags = {k: v for k, v in experiment.tags.items() if k != key}
    return run_services.experiment_update(experiment=experiment, user=user, tags=tags)


# --- runs ----------------------------------------------------------------------------------------------------------


def run_create(*, experiment: Experiment, user: User, name: str, tags: dict[str, str], start_time: int | None) -> Run:
    tags = dict(tags)
    name = name or tags.get("mlflow.runName", "")
    tags.pop("mlflow.runName", None)
    description = tags.pop("mlflow.note.content", "")
    return run_services.run_create(
        experiment=experiment,
        user=user,
        name=name,
        tags=tags,
        code_version=str(tags.get("mlflow.source.git.commit", ""))[:250],
        source=RunSource.MLFLOW,
        start_time=from_millis(start_time),
        description=description,
    )


@transaction.atomic
def run_update(*, run: Run, user: User, status: str, end_time: int | None, name: Any) -> Run:
    if isinstance(name, str) and name and name != run.name:
        run = run_services.run_update(run=run, user=user, name=name)
    if status:
        keel_status = _RUN_STATUSES.get(status.upper())
        if keel_status is None:
            raise errors.invalid(f"Invalid run status {status!r}.")
        if keel_status != run.status:
            run = run_services.run_set_status(run=run, user=user, status=keel_status, end_time=from_millis(end_time))
    return run


def run_search(
    *, project: Project, experiment_ids: Sequence[Any], filter_string: str, order_by: Sequence[str], view_type: str
) -> QuerySet[Run]:
    runs = run_selectors.run_search(
        project=project, filter_expression=filter_string, order_by=list(order_by), lifecycle=lifecycle(view_type)
    ).prefetch_related("mlflow_inputs")
    ids = [str(i) for i in experiment_ids]
    if any(not i.isdigit() for i in ids):
        raise errors.invalid("experiment_ids must be experiment ids.")
    if ids:
        runs = runs.filter(experiment_id__in=[int(i) for i in ids])
    return runs


def _key_values(items: Any, name: str) -> list[Any]:
    """MLflow's ``[{key, value}]`` list as sent (none: empty)."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise errors.invalid(f"{name} must be a list of {{key, value}} objects.")
    return items


def _params(items: Any) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for item in _key_values(items, "params"):
        key, value = item.get("key"), item.get("value")
        if key in clean and clean[key] != value:
            raise errors.invalid(f"Duplicate parameter keys with different values in the batch: {key!r}.")
        clean[key] = value
    return clean


def _tags(items: Any) -> dict[str, Any]:
    return {i.get("key"): "" if i.get("value") is None else i.get("value") for i in _key_values(items, "tags")}


def _check_limits(metrics: list[Any], params: list[Any], tags: list[Any]) -> None:
    if len(metrics) > MAX_METRICS:
        raise errors.invalid(
            f"A batch logging request can contain at most {MAX_METRICS} metrics. Got {len(metrics)} metrics."
        )
    if len(params) > MAX_PARAMS:
        raise errors.invalid(
            f"A batch logging request can contain at most {MAX_PARAMS} params. Got {len(params)} params."
        )
    if len(tags) > MAX_TAGS:
        raise errors.invalid(f"A batch logging request can contain at most {MAX_TAGS} tags. Got {len(tags)} tags.")
    total = len(metrics) + len(params) + len(tags)
    if total > MAX_ENTITIES:
        raise errors.invalid(
            f"A batch logging request can contain at most {MAX_ENTITIES} metrics, params, and tags in total. "
            f"Got {total} entities."
        )


def run_log_batch(*, run: Run, user: User, metrics: Any = None, params: Any = None, tags: Any = None) -> None:
    """MLflow's log-batch: its limits and error codes, then one all-or-nothing Keel batch (audited there)."""
    for name, value in (("metrics", metrics), ("params", params), ("tags", tags)):
        if value is not None and not isinstance(value, list):
            raise errors.invalid(f"{name} must be a list.")
    _check_limits(metrics or [], params or [], tags or [])
    points = []
    for index, item in enumerate(metrics or []):
        if not isinstance(item, dict) or item.get("value") is None:
            raise errors.invalid(f"metrics[{index}]: a metric needs a key and a value.")
        points.append({k: item.get(k) for k in ("key", "value", "step", "timestamp") if item.get(k) is not None})
        if "step" in points[-1]:
            points[-1]["step"] = _int(points[-1]["step"], f"metrics[{index}].step")
        if "timestamp" in points[-1]:
            points[-1]["timestamp"] = _int(points[-1]["timestamp"], f"metrics[{index}].timestamp")
    points = _without_model_links(run, metrics or [], points)
    clean_tags = _tags(tags)
    if "mlflow.runName" in clean_tags and isinstance(clean_tags["mlflow.runName"], str):
        run_services.run_update(run=run, user=user, name=clean_tags.pop("mlflow.runName"))
    run_services.run_log_batch(run=run, user=user, params=_params(params), metrics=points, tags=clean_tags)


def _without_model_links(run: Run, metrics: list[Any], points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """MLflow 3's ``log_model`` re-sends the run's points of its step tagged with the new ``model_id``; a point
    the run already holds (same key, step and timestamp) is not logged twice."""
    linked = [p for m, p in zip(metrics, points, strict=True) if m.get("model_id") and "timestamp" in p]
    if not linked:
        return points
    known = set(
        RunMetric.objects.filter(run=run, key__in={p["key"] for p in linked}).values_list("key", "step", "timestamp")
    )
    keep = []
    for item, point in zip(metrics, points, strict=True):
        stamp = from_millis(point.get("timestamp"))
        if item.get("model_id") and (point["key"], point.get("step", 0), stamp) in known:
            continue
        keep.append(point)
    return keep


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.invalid(f"{name} must be an integer.") from None


# --- inputs --------------------------------------------------------------------------------------------------------

_CONTEXTS = {
    "training": InputRole.TRAINING,
    "train": InputRole.TRAINING,
    "evaluation": InputRole.EVALUATION,
    "eval": InputRole.EVALUATION,
    "test": InputRole.EVALUATION,
    "validation": InputRole.EVALUATION,
}


# MLflow's limits on a dataset input (mlflow/utils/validation.py).
_DATASET_LIMITS = {
    "name": 500,
    "digest": 36,
    "source_type": 36,
    "source": 65535,
    "schema": 1048575,
    "profile": 16777215,
}
_INPUT_TAG_KEY_LIMIT = 255
_INPUT_TAG_VALUE_LIMIT = 500


def _dataset_entity(index: int, item: Any) -> tuple[dict[str, str], dict[str, str]]:
    """One DatasetInput of a log-inputs call, checked as MLflow does: the dataset's fields and the input's tags."""
    dataset = item.get("dataset") if isinstance(item, dict) else None
    if not isinstance(dataset, dict):
        raise errors.invalid(f"datasets[{index}]: a dataset input needs a dataset.")
    fields: dict[str, str] = {}
    for name, limit in _DATASET_LIMITS.items():
        value = dataset.get(name)
        if value in (None, "") and name in ("schema", "profile"):
            continue
        if value in (None, "") and name in ("source_type", "source"):
            value = "keel" if name == "source_type" else "{}"
        if not isinstance(value, str) or not value:
            raise errors.invalid(f"datasets[{index}].dataset.{name}: a dataset needs a {name} (a string).")
        if len(value) > limit:
            raise errors.invalid(f"datasets[{index}].dataset.{name} is longer than {limit} characters.")
        fields[name] = value
    tags = {str(k): str(v) for k, v in _tags(item.get("tags")).items()}
    for key, value in tags.items():
        if len(key) > _INPUT_TAG_KEY_LIMIT or len(value) > _INPUT_TAG_VALUE_LIMIT:
            raise errors.invalid(
                f"datasets[{index}].tags: keys hold at most {_INPUT_TAG_KEY_LIMIT} characters and values "
                f"{_INPUT_TAG_VALUE_LIMIT}."
            )
    return fields, tags


@transaction.atomic
def run_log_inputs(*, run: Run, user: User, datasets: Any) -> None:
    """MLflow dataset inputs, stored as MLflow stores them (one per run, name and digest; a repeated input is
    ignored). An input whose digest starts a Keel dataset version's sha256, or whose name is a Keel dataset
    (version from a ``keel.dataset_version`` tag, else the latest), is linked to that version and becomes a Keel
    run input with lineage."""
    if not isinstance(datasets, list):
        raise errors.invalid("datasets must be a list.")
    entries = [_dataset_entity(index, item) for index, item in enumerate(datasets)]
    for fields, tags in entries:
        version = _keel_dataset_version(run.project, fields["name"], tags.get("keel.dataset_version"), fields["digest"])
        stored, created = MlflowDatasetInput.objects.get_or_create(
            run=run,
            name=fields["name"],
            digest=fields["digest"],
            defaults={**fields, "tags": tags, "dataset_version": version},
        )
        if not created:
            continue
        context = tags.get("mlflow.data.context", "")
        data = {"name": stored.name, "digest": stored.digest, "context": context}
        audit_record(action="mlflow.run.log_input", actor=user, project=run.project, obj=run, data=data)
        if version is not None:
            role = _CONTEXTS.get(context.lower(), InputRole.OTHER)
            run_services.run_log_input(run=run, user=user, dataset_version=version, role=role)


def _keel_dataset_version(project: Project, name: str, number: Any, digest: str) -> DatasetVersion | None:
    from core.errors import NotFound

    if len(digest) >= 8:
        by_digest = (
            DatasetVersion.objects.filter(dataset__project=project, sha256__startswith=digest.lower())
            .select_related("dataset")
            .first()
        )
        if by_digest is not None:
            return by_digest
    try:
        dataset = dataset_selectors.dataset_get(project=project, name=name)
    except NotFound:
        return None
    if number not in (None, ""):
        try:
            return dataset_selectors.dataset_version_get(dataset=dataset, number=_int(number, "keel.dataset_version"))
        except NotFound:
            raise errors.missing(f"Dataset {name!r} has no version {number}.") from None
    return dataset_selectors.dataset_latest_version(dataset=dataset)
