"""Writes for experiments and runs: lifecycle, params, metric series and their summaries, tags, inputs, artifacts.

Every function is keyword-only, atomic and records an audit event; the training worker calls the same functions
as the API. Validation happens before any write, so a refused batch leaves nothing behind.
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import apply_changes, audit_record
from core.errors import Conflict, NotFound, ValidationFailed
from core.models import Project, User
from core.storage import blob_put, check_upload_size, hash_file
from registry.models import (
    DatasetVersion,
    Experiment,
    InputRole,
    LifecycleStage,
    Run,
    RunArtifact,
    RunInput,
    RunMetric,
    RunMetricSummary,
    RunParam,
    RunSource,
    RunStatus,
    RunTag,
)
from registry.models.experiments import (
    coerce_metric_value,
    coerce_step,
    coerce_timestamp,
    experiment_name_validator,
    normalise_artifact_path,
    validate_key,
    validate_param_value,
    validate_tag_value,
)

MAX_BATCH_METRICS = 1000
MAX_BATCH_PARAMS = 100
MAX_BATCH_TAGS = 100
MAX_EXPERIMENT_TAGS = 100
MAX_NAME_LENGTH = 250

# running -> finished | failed | killed; the three ends are final.
_TRANSITIONS: dict[str, frozenset[str]] = {
    RunStatus.RUNNING: frozenset({RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED}),
}

# --- validation -------------------------------------------------------------------------------------------------


def _check(field: str, validator: Callable[[Any], Any], value: Any) -> Any:
    """``validator(value)``, with Django's ValidationError turned into a 400 naming ``field``."""
    try:
        return validator(value)
    except ValidationError as exc:
        code = exc.error_list[0].code or "invalid"
        raise ValidationFailed.field(field, exc.messages[0], code) from None


def _text(field: str, value: Any) -> str:
    """Param and tag values are strings; numbers and booleans are accepted and written as MLflow writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    raise ValidationFailed.field(field, "must be a string")


def _clean_pairs(
    name: str, pairs: Mapping[str, Any] | None, limit: int, check: Callable[[str], None]
) -> dict[str, str]:
    if pairs is None:
        return {}
    if not isinstance(pairs, Mapping):
        raise ValidationFailed.field(name, "must be an object mapping keys to string values")
    if len(pairs) > limit:
        raise ValidationFailed.field(name, f"at most {limit} per call", "max_length")
    clean: dict[str, str] = {}
    for index, (key, value) in enumerate(pairs.items()):
        _check(f"{name}[{index}].key", validate_key, key)
        clean[key] = _text(f"{name}[{index}].value", value)
        _check(f"{name}[{index}].value", check, clean[key])
    return clean


@dataclass(frozen=True)
class _Point:
    key: str
    value: float | None  # None for NaN
    step: int
    timestamp: datetime


_METRIC_FIELDS = frozenset({"key", "value", "step", "timestamp"})


def _clean_point(index: int, item: Any) -> _Point:
    field = f"metrics[{index}]"
    if not isinstance(item, Mapping) or not set(item) <= _METRIC_FIELDS or "value" not in item:
        raise ValidationFailed.field(field, "must be an object with key, value and optional step and timestamp")
    _check(f"{field}.key", validate_key, item.get("key"))
    return _Point(
        key=item["key"],
        value=_check(f"{field}.value", coerce_metric_value, item["value"]),
        step=_check(f"{field}.step", coerce_step, item.get("step")),
        timestamp=_check(f"{field}.timestamp", coerce_timestamp, item.get("timestamp")),
    )


def _clean_points(metrics: Sequence[Mapping[str, Any]] | None) -> list[_Point]:
    if metrics is None:
        return []
    if isinstance(metrics, str | bytes | Mapping) or not isinstance(metrics, Sequence):
        raise ValidationFailed.field("metrics", "must be a list of {key, value, step, timestamp}")
    if len(metrics) > MAX_BATCH_METRICS:
        raise ValidationFailed.field("metrics", f"at most {MAX_BATCH_METRICS} per call", "max_length")
    return [_clean_point(index, item) for index, item in enumerate(metrics)]


def _clean_name(field: str, value: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_NAME_LENGTH:
        raise ValidationFailed.field(field, f"must be a string of at most {MAX_NAME_LENGTH} characters")
    return value


def _clean_choice(field: str, value: str, choices: type[RunStatus] | type[RunSource] | type[InputRole]) -> str:
    if value not in choices.values:
        raise ValidationFailed.field(field, f"must be one of {', '.join(choices.values)}", "invalid_choice")
    return value


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return timezone.now()
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


# --- experiments ------------------------------------------------------------------------------------------------


def _name_taken(project: Project, name: str) -> Conflict:
    existing = Experiment.objects.filter(project=project, name=name).first()
    hint = " (it is deleted: restore it or choose another name)" if existing and not existing.is_active else ""
    return Conflict(
        f"An experiment named {name!r} already exists{hint}.",
        errors=[{"field": "name", "message": f"already exists{hint}", "code": "unique"}],
    )


def _insert_experiment(experiment: Experiment) -> bool:
    """Save a new experiment; False when the name was taken (possibly by a concurrent writer)."""
    try:
        with transaction.atomic():
            experiment.save(force_insert=True)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def experiment_create(
    *, project: Project, user: User | None, name: str, description: str = "", tags: dict[str, str] | None = None
) -> Experiment:
    _check("name", experiment_name_validator, name)
    clean_tags = _clean_pairs("tags", tags, MAX_EXPERIMENT_TAGS, validate_tag_value)
    experiment = Experiment(project=project, name=name, description=description, tags=clean_tags, created_by=user)
    if not _insert_experiment(experiment):
        raise _name_taken(project, name)
    audit_record(action="experiment.create", actor=user, project=project, obj=experiment)
    return experiment


@transaction.atomic
def experiment_get_or_create(*, project: Project, name: str, user: User | None) -> Experiment:
    """The active experiment named ``name``, created when missing (safe under concurrent callers)."""
    _check("name", experiment_name_validator, name)
    experiment = Experiment.objects.filter(project=project, name=name).first()
    if experiment is None:
        experiment = Experiment(project=project, name=name, created_by=user)
        if _insert_experiment(experiment):
            audit_record(action="experiment.create", actor=user, project=project, obj=experiment)
            return experiment
        experiment = Experiment.objects.get(project=project, name=name)
    if not experiment.is_active:
        raise Conflict(f"Experiment {name!r} is deleted; restore it first.")
    return experiment


def _lock_experiment(experiment: Experiment, *, active: bool = True) -> Experiment:
    locked = Experiment.objects.select_for_update(of=("self",)).select_related("project").get(pk=experiment.pk)
    if active and not locked.is_active:
        raise Conflict(f"Experiment {locked.name!r} is deleted; restore it first.")
    return locked


@transaction.atomic
def experiment_update(
    *,
    experiment: Experiment,
    user: User | None,
    name: str | None = None,
    description: str | None = None,
    tags: dict[str, str] | None = None,
) -> Experiment:
    """Rename, or replace the description or the whole tag set; None leaves a field as it is."""
    locked = _lock_experiment(experiment)
    changes: dict[str, Any] = {}
    if name is not None and name != locked.name:
        _check("name", experiment_name_validator, name)
        changes["name"] = name
    if description is not None:
        changes["description"] = description
    if tags is not None:
        changes["tags"] = _clean_pairs("tags", tags, MAX_EXPERIMENT_TAGS, validate_tag_value)
    before = apply_changes(locked, changes)
    _save_renamed(locked, "name" in changes)
    data = {"before": before, "after": changes}
    audit_record(action="experiment.update", actor=user, project=locked.project, obj=locked, data=data)
    return locked


def _save_renamed(experiment: Experiment, renamed: bool) -> None:
    try:
        with transaction.atomic():
            experiment.save()
    except IntegrityError:
        if renamed:
            raise _name_taken(experiment.project, experiment.name) from None
        raise


@transaction.atomic
def experiment_delete(*, experiment: Experiment, user: User | None) -> Experiment:
    """Soft-delete the experiment and its active runs (restorable together); a deleted one is left as it is."""
    locked = _lock_experiment(experiment, active=False)
    if not locked.is_active:
        return locked
    now = timezone.now()
    runs = locked.runs.active().update(lifecycle_stage=LifecycleStage.DELETED, deleted_at=now)
    locked.lifecycle_stage, locked.deleted_at = LifecycleStage.DELETED, now
    locked.save(update_fields=["lifecycle_stage", "deleted_at", "updated_at"])
    audit_record(action="experiment.delete", actor=user, project=locked.project, obj=locked, data={"runs": runs})
    return locked


@transaction.atomic
def experiment_restore(*, experiment: Experiment, user: User | None) -> Experiment:
    """Undo a delete: the experiment and the runs deleted with it (runs deleted on their own stay deleted)."""
    locked = _lock_experiment(experiment, active=False)
    if locked.is_active:
        return locked
    runs = locked.runs.filter(lifecycle_stage=LifecycleStage.DELETED, deleted_at=locked.deleted_at).update(
        lifecycle_stage=LifecycleStage.ACTIVE, deleted_at=None
    )
    locked.lifecycle_stage, locked.deleted_at = LifecycleStage.ACTIVE, None
    locked.save(update_fields=["lifecycle_stage", "deleted_at", "updated_at"])
    audit_record(action="experiment.restore", actor=user, project=locked.project, obj=locked, data={"runs": runs})
    return locked


# --- runs -------------------------------------------------------------------------------------------------------


@transaction.atomic
def run_create(
    *,
    experiment: Experiment,
    user: User | None,
    name: str = "",
    tags: dict[str, str] | None = None,
    code_version: str = "",
    source: str = RunSource.MANUAL,
    start_time: datetime | None = None,
    description: str = "",
) -> Run:
    """A new running run in an active experiment."""
    clean_tags = _clean_pairs("tags", tags, MAX_BATCH_TAGS, validate_tag_value)
    run = Run(
        name=_clean_name("name", name),
        code_version=_clean_name("code_version", code_version),
        source=_clean_choice("source", source, RunSource),
        start_time=_aware(start_time),
        description=description,
        user=user,
    )
    locked = _lock_experiment(experiment)
    run.experiment, run.project = locked, locked.project
    run.save(force_insert=True)
    RunTag.objects.bulk_create(RunTag(run=run, key=key, value=value) for key, value in clean_tags.items())
    audit_record(
        action="run.create",
        actor=user,
        project=run.project,
        obj=run,
        data={"experiment": locked.name, "source": run.source},
    )
    return run


def _lock_run(run: Run, *, active: bool = True) -> Run:
    """The run's row, locked for the transaction: writers to one run serialise, so summaries stay exact."""
    locked = Run.objects.select_for_update(of=("self",)).select_related("project", "experiment").get(pk=run.pk)
    if active and not locked.is_active:
        raise Conflict(f"Run {locked.run_id} is deleted; restore it first.")
    return locked


@transaction.atomic
def run_update(*, run: Run, user: User | None, name: str | None = None, description: str | None = None) -> Run:
    locked = _lock_run(run)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _clean_name("name", name)
    if description is not None:
        changes["description"] = description
    apply_changes(locked, changes)
    locked.save(update_fields=[*changes, "updated_at"])
    audit_record(action="run.update", actor=user, project=locked.project, obj=locked, data=changes)
    return locked


@transaction.atomic
def run_set_status(*, run: Run, user: User | None, status: str, end_time: datetime | None = None) -> Run:
    """Move a running run to finished, failed or killed (setting its end time); repeating a status is a no-op."""
    _clean_choice("status", status, RunStatus)
    locked = _lock_run(run)
    if locked.status == status:
        return locked
    if status not in _TRANSITIONS.get(locked.status, frozenset()):
        raise Conflict(
            f"Run {locked.run_id} cannot go from {locked.status} to {status}.",
            errors=[
                {"field": "status", "message": f"{locked.status} -> {status} is not allowed", "code": "transition"}
            ],
        )
    end = _aware(end_time)
    if end < locked.start_time:
        raise ValidationFailed.field("end_time", "must not be before the run's start_time")
    before = locked.status
    locked.status, locked.end_time = status, end
    locked.save(update_fields=["status", "end_time", "updated_at"])
    audit_record(
        action="run.set_status", actor=user, project=locked.project, obj=locked, data={"from": before, "to": status}
    )
    return locked


def _set_stage(run: Run, user: User | None, stage: str, action: str) -> Run:
    locked = _lock_run(run, active=False)
    if locked.lifecycle_stage == stage:
        return locked
    if stage == LifecycleStage.ACTIVE and not locked.experiment.is_active:
        raise Conflict(f"Experiment {locked.experiment.name!r} is deleted; restore it first.")
    locked.lifecycle_stage = stage
    locked.deleted_at = timezone.now() if stage == LifecycleStage.DELETED else None
    locked.save(update_fields=["lifecycle_stage", "deleted_at", "updated_at"])
    audit_record(action=action, actor=user, project=locked.project, obj=locked)
    return locked


@transaction.atomic
def run_delete(*, run: Run, user: User | None) -> Run:
    """Soft delete: hidden from search and closed to logging until restored."""
    return _set_stage(run, user, LifecycleStage.DELETED, "run.delete")


@transaction.atomic
def run_restore(*, run: Run, user: User | None) -> Run:
    return _set_stage(run, user, LifecycleStage.ACTIVE, "run.restore")


# --- logging ----------------------------------------------------------------------------------------------------


@transaction.atomic
def run_log_batch(
    *,
    run: Run,
    user: User | None,
    params: dict[str, str] | None = None,
    metrics: list[dict[str, Any]] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """Log params (immutable), metric points and tags in one transaction: all of it or nothing.

    Limits per call as MLflow: 100 params, 1000 metrics, 100 tags. Metric dicts: key, value, step=0,
    timestamp=None (now; a datetime or epoch milliseconds). Re-logging a param with its value is a no-op; with
    another value it is a 409 and nothing is written.
    """
    clean_params = _clean_pairs("params", params, MAX_BATCH_PARAMS, validate_param_value)
    points = _clean_points(metrics)
    clean_tags = _clean_pairs("tags", tags, MAX_BATCH_TAGS, validate_tag_value)
    locked = _lock_run(run)
    _insert_params(locked, clean_params)
    _insert_points(locked, points)
    _upsert_tags(locked, clean_tags)
    audit_record(
        action="run.log_batch",
        actor=user,
        project=locked.project,
        obj=locked,
        data=_batch_summary(clean_params, points, clean_tags),
    )


def _batch_summary(params: dict[str, str], points: list[_Point], tags: dict[str, str]) -> dict[str, Any]:
    return {
        "params": sorted(params)[:100],
        "metrics": sorted({point.key for point in points})[:100],
        "points": len(points),
        "tags": sorted(tags)[:100],
    }


def _insert_params(run: Run, params: dict[str, str]) -> None:
    existing = dict(RunParam.objects.filter(run=run, key__in=list(params)).values_list("key", "value"))
    for index, (key, value) in enumerate(params.items()):
        if key in existing and existing[key] != value:
            raise Conflict(
                f"Param {key!r} is already logged with value {existing[key]!r}; params are immutable.",
                errors=[{"field": f"params[{index}].value", "message": f"{key!r} already logged", "code": "immutable"}],
            )
    RunParam.objects.bulk_create(RunParam(run=run, key=k, value=v) for k, v in params.items() if k not in existing)


def _insert_points(run: Run, points: list[_Point]) -> None:
    if not points:
        return
    RunMetric.objects.bulk_create(
        RunMetric(run=run, key=p.key, value=p.value, step=p.step, timestamp=p.timestamp) for p in points
    )
    summaries = {s.key: s for s in RunMetricSummary.objects.filter(run=run, key__in={p.key for p in points})}
    existing = set(summaries)
    for point in points:
        summary = summaries.get(point.key)
        if summary is None:
            summaries[point.key] = _new_summary(run, point)
        else:
            _fold(summary, point)
    RunMetricSummary.objects.bulk_create(s for key, s in summaries.items() if key not in existing)
    RunMetricSummary.objects.bulk_update(
        [summaries[key] for key in existing],
        ["latest_value", "latest_step", "latest_timestamp", "min_value", "max_value", "count"],
    )


def _new_summary(run: Run, point: _Point) -> RunMetricSummary:
    return RunMetricSummary(
        run=run,
        key=point.key,
        latest_value=point.value,
        latest_step=point.step,
        latest_timestamp=point.timestamp,
        min_value=point.value,
        max_value=point.value,
        count=1,
    )


def _fold(summary: RunMetricSummary, point: _Point) -> None:
    """Merge one point: the latest is the greatest (step, timestamp), a tie going to the later write."""
    summary.count += 1
    if point.value is not None:
        summary.min_value = point.value if summary.min_value is None else min(summary.min_value, point.value)
        summary.max_value = point.value if summary.max_value is None else max(summary.max_value, point.value)
    if (point.step, point.timestamp) >= (summary.latest_step, summary.latest_timestamp):
        summary.latest_value, summary.latest_step, summary.latest_timestamp = point.value, point.step, point.timestamp


def _upsert_tags(run: Run, tags: dict[str, str]) -> None:
    if tags:
        RunTag.objects.bulk_create(
            [RunTag(run=run, key=key, value=value) for key, value in tags.items()],
            update_conflicts=True,
            unique_fields=["run", "key"],
            update_fields=["value"],
        )


@transaction.atomic
def run_tag_set(*, run: Run, user: User | None, key: str, value: str) -> RunTag:
    """Set one tag (tags are mutable)."""
    run_log_batch(run=run, user=user, tags={key: value})
    return RunTag.objects.get(run=run, key=key)


@transaction.atomic
def run_tag_delete(*, run: Run, user: User | None, key: str) -> None:
    locked = _lock_run(run)
    deleted, _ = RunTag.objects.filter(run=locked, key=key).delete()
    if not deleted:
        raise NotFound(f"Run {locked.run_id} has no tag {key!r}.")
    audit_record(action="run.delete_tag", actor=user, project=locked.project, obj=locked, data={"key": key})


@transaction.atomic
def run_log_input(
    *, run: Run, user: User | None, dataset_version: DatasetVersion, role: str = InputRole.TRAINING
) -> RunInput:
    """Record that the run used a dataset version of its own project (idempotent per version and role)."""
    _clean_choice("role", role, InputRole)
    dataset = dataset_version.dataset
    if dataset.project_id != run.project_id:
        raise ValidationFailed.field("dataset_version", "belongs to another project", "cross_project")
    locked = _lock_run(run)
    run_input, created = RunInput.objects.get_or_create(
        run=locked,
        dataset_version=dataset_version,
        role=role,
        defaults={
            "dataset_name": dataset.name,
            "version_number": dataset_version.number,
            "sha256": dataset_version.sha256,
        },
    )
    if created:
        audit_record(
            action="run.log_input",
            actor=user,
            project=locked.project,
            obj=locked,
            data={"dataset": dataset.name, "version": dataset_version.number, "role": role},
        )
    return run_input


# --- artifacts --------------------------------------------------------------------------------------------------


def _clean_path(path: str) -> str:
    return _check("path", normalise_artifact_path, path)


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]


def _existing_artifact(run: Run, path: str, sha256: str) -> RunArtifact | None:
    """The artifact already stored at ``path`` with these bytes; a 409 when the path is taken otherwise."""
    clash = Q(path=path) | Q(path__in=_ancestors(path)) | Q(path__startswith=f"{path}/")
    for other in RunArtifact.objects.filter(run=run).filter(clash).order_by("path")[:1]:
        if other.path == path and other.sha256 == sha256:
            return other
        if other.path == path:
            message = "already holds different content (artifacts are immutable)"
        elif path.startswith(f"{other.path}/"):
            message = f"{other.path!r} is a file, so it cannot be a folder"
        else:
            message = "is a folder of other artifacts"
        raise Conflict(f"{path!r} {message}.", errors=[{"field": "path", "message": message, "code": "exists"}])
    return None


def run_artifact_put(
    *,
    run: Run,
    user: User | None,
    path: str,
    fileobj_or_bytes: bytes | IO[bytes],
    content_type: str = "",
) -> RunArtifact:
    """Store a file under its sha256 and list it under ``path`` (normalised; traversal refused before any write).

    Artifacts are immutable: the same bytes at the same path are a no-op, other bytes a 409.
    """
    logical = _clean_path(path)
    content_type = (content_type or mimetypes.guess_type(logical)[0] or "")[:255]
    data = fileobj_or_bytes
    fileobj = io.BytesIO(bytes(data)) if isinstance(data, bytes | bytearray | memoryview) else cast(IO[bytes], data)
    sha256, size = hash_file(fileobj)
    check_upload_size(size)
    if not Run.objects.filter(pk=run.pk, lifecycle_stage=LifecycleStage.ACTIVE).exists():
        raise Conflict(f"Run {run.run_id} is deleted; restore it first.")
    existing = _existing_artifact(run, logical, sha256)
    if existing is not None:
        return existing
    blob_put(fileobj, sha256=sha256, size=size)
    return _insert_artifact(run=run, user=user, path=logical, sha256=sha256, size=size, content_type=content_type)


@transaction.atomic
def _insert_artifact(
    *, run: Run, user: User | None, path: str, sha256: str, size: int, content_type: str
) -> RunArtifact:
    locked = _lock_run(run)
    existing = _existing_artifact(locked, path, sha256)  # again, under the lock: a concurrent upload may have won
    if existing is not None:
        return existing
    artifact = RunArtifact.objects.create(
        run=locked, path=path, sha256=sha256, size=size, content_type=content_type, created_by=user
    )
    audit_record(
        action="run.artifact_put",
        actor=user,
        project=locked.project,
        obj=locked,
        data={"path": path, "sha256": sha256, "size": size},
    )
    return artifact
