"""Writes for datasets: versions from uploaded files, column roles, validation rules and reports.

An upload parses the file (schema, row count, validation rules) on the request thread; the column profile (the
drift reference: histograms, quantiles, samples) is the heavy part and is computed by a Celery task after the
version commits (``profile_status`` pending, then ready or failed). In eager mode (the embedded default, no broker)
it is computed inline before the upload returns.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import pandas as pd
from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from core.audit import apply_changes, audit_record
from core.errors import Conflict, PayloadTooLarge, ValidationFailed
from core.models import Project, User
from core.storage import Blob, blob_put, blob_put_bytes, check_upload_size, hash_file
from registry import expectations, hooks, tabular
from registry.models import (
    ColumnRole,
    Dataset,
    DatasetVersion,
    ProfileStatus,
    ValidationReport,
    ValidationRule,
    VersionStatus,
)
from registry.selectors.datasets import dataset_latest_version, dataset_version_frame, dataset_version_ready_profile
from registry.services.blobs import delete_unreferenced_blobs

MAX_TAGS = 50
logger = logging.getLogger(__name__)


def _clean_tags(tags: Any) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, dict) or len(tags) > MAX_TAGS:
        raise ValidationFailed.field("tags", f"must be an object with at most {MAX_TAGS} string values")
    for key, value in tags.items():
        if not isinstance(value, str) or not key or len(key) > 100 or len(value) > 500:
            raise ValidationFailed.field(f"tags.{key}", "keys are 1-100 characters, values strings up to 500")
    return dict(tags)


def _get_or_create_dataset(*, project: Project, user: User, name: str, **fields: Any) -> tuple[Dataset, bool]:
    dataset = Dataset(project=project, name=name, created_by=user, **fields)
    dataset.full_clean(exclude=["project"], validate_unique=False)
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError:
        return Dataset.objects.get(project=project, name=name), False
    audit_record(action="dataset.create", actor=user, project=project, obj=dataset)
    return dataset, True


def dataset_create(
    *, project: Project, user: User, name: str, description: str = "", tags: dict[str, str] | None = None
) -> Dataset:
    dataset, created = _get_or_create_dataset(
        project=project, user=user, name=name, description=description, tags=_clean_tags(tags)
    )
    if not created:
        raise Conflict.taken(f"A dataset named {name!r} already exists.")
    return dataset


@transaction.atomic
def dataset_update(*, dataset: Dataset, user: User, **changes: Any) -> Dataset:
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    apply_changes(dataset, changes, ("description", "tags"))
    dataset.save()
    audit_record(action="dataset.update", actor=user, project=dataset.project, obj=dataset, data=changes)
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: Dataset, user: User) -> None:
    hashes = list(dataset.versions.values_list("sha256", "profile_sha256"))
    audit_record(
        action="dataset.delete", actor=user, project=dataset.project, obj=dataset, data={"versions": len(hashes)}
    )
    dataset.delete()
    transaction.on_commit(lambda: delete_unreferenced_blobs([h for pair in hashes for h in pair if h]))


# --- upload ---------------------------------------------------------------------------------------------------


@dataclass
class UploadResult:
    version: DatasetVersion
    created: bool


@contextlib.contextmanager
def _local_path(fileobj: IO[bytes]) -> Iterator[str]:
    """A filesystem path for the upload: Django's temporary file when there is one, else a copy."""
    temporary = getattr(fileobj, "temporary_file_path", None)
    if callable(temporary):
        yield str(temporary())
        return
    handle = tempfile.NamedTemporaryFile(delete=False, suffix=".upload")  # noqa: SIM115
    try:
        fileobj.seek(0)
        while chunk := fileobj.read(1024 * 1024):
            handle.write(chunk)
        handle.close()
        fileobj.seek(0)
        yield handle.name
    finally:
        os.unlink(handle.name)


def _check_size(size: int) -> None:
    check_upload_size(size)
    if size == 0:
        raise ValidationFailed.field("file", "the file is empty", "empty")


def _parse(path: str, fmt: str) -> pd.DataFrame:
    try:
        return tabular.read_table(path, fmt, max_columns=settings.KEEL_MAX_COLUMNS)
    except tabular.TabularError as exc:
        if exc.code == "too_many_columns":
            raise PayloadTooLarge(
                exc.message, errors=[{"field": "file", "message": exc.message, "code": exc.code}]
            ) from None
        raise ValidationFailed.field("file", exc.message, exc.code) from None


@dataclass
class _Prepared:
    frame: pd.DataFrame
    schema: list[dict[str, Any]]
    results: list[expectations.RuleResult]


@dataclass(frozen=True)
class _Upload:
    """An uploaded file as the new version records it."""

    sha256: str
    size: int
    fmt: str
    filename: str
    message: str
    parent: DatasetVersion | None


def _prepare(dataset: Dataset, path: str, fmt: str) -> _Prepared:
    frame = _parse(path, fmt)
    latest = dataset_latest_version(dataset=dataset) if dataset.pk else None
    roles = {c["name"]: c["role"] for c in latest.schema} if latest else {}
    schema = tabular.infer_schema(frame, roles)
    specs = [_spec(rule) for rule in dataset.rules.filter(enabled=True)] if dataset.pk else []
    results = expectations.evaluate_rules(specs, frame, schema)
    return _Prepared(frame=frame, schema=schema, results=results)


def _spec(rule: ValidationRule) -> expectations.RuleSpec:
    return expectations.RuleSpec(kind=rule.kind, column=rule.column, params=rule.params, rule_id=rule.pk)


def dataset_version_upload(
    *,
    project: Project,
    user: User,
    dataset_name: str,
    fileobj: IO[bytes],
    filename: str = "",
    fmt: str | None = None,
    message: str = "",
    parent_number: int | None = None,
) -> UploadResult:
    """Create the next version from a file, or return the existing version holding identical bytes. A new
    dataset name is created with its first version, in one transaction: a refused upload leaves nothing."""
    with _local_path(fileobj) as path:
        with open(path, "rb") as handle:
            sha256, size = hash_file(handle)
            head = tabular.head_bytes(handle)
        _check_size(size)
        dataset = Dataset.objects.filter(project=project, name=dataset_name).first()
        if dataset is None:  # saved with its first version
            dataset = Dataset(project=project, name=dataset_name, created_by=user)
            dataset.full_clean(exclude=["project"], validate_unique=False)
        existing = dataset.versions.filter(sha256=sha256).first() if dataset.pk else None
        if existing is not None:
            return UploadResult(existing, False)
        fmt = fmt or tabular.detect_format(filename, head)
        if fmt not in ("csv", "parquet"):
            raise ValidationFailed.field("format", "unknown file format; upload .csv or .parquet or set format")
        parent = _parent(dataset, parent_number)
        prepared = _prepare(dataset, path, fmt)
        upload = _Upload(sha256=sha256, size=size, fmt=fmt, filename=filename, message=message, parent=parent)
        with open(path, "rb") as handle:
            result = _store(dataset=dataset, user=user, handle=handle, upload=upload, prepared=prepared)
    if result.created and current_app.conf.task_always_eager:
        dataset_version_profile(version_id=result.version.pk, frame=prepared.frame)
        result.version.refresh_from_db()
    return result


def _parent(dataset: Dataset, number: int | None) -> DatasetVersion | None:
    if number is None:
        return None
    parent = dataset.versions.filter(number=number).first() if dataset.pk else None
    if parent is None:
        raise ValidationFailed.field("parent", f"dataset {dataset.name!r} has no version {number}")
    return parent


def _store(*, dataset: Dataset, user: User, handle: IO[bytes], upload: _Upload, prepared: _Prepared) -> UploadResult:
    blobs: list[Blob] = []
    try:
        blobs.append(blob_put(handle, sha256=upload.sha256, size=upload.size))
        return _insert_version(dataset=dataset, user=user, upload=upload, prepared=prepared)
    except BaseException:
        delete_unreferenced_blobs([b.sha256 for b in blobs if b.created])
        raise


@transaction.atomic
def _insert_version(*, dataset: Dataset, user: User, upload: _Upload, prepared: _Prepared) -> UploadResult:
    if dataset.pk is None:
        dataset, _ = _get_or_create_dataset(project=dataset.project, user=user, name=dataset.name)
    locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
    existing = locked.versions.filter(sha256=upload.sha256).first()
    if existing is not None:  # identical bytes uploaded concurrently
        return UploadResult(existing, False)
    number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    passed = all(r.passed for r in prepared.results)
    version = DatasetVersion.objects.create(
        dataset=locked,
        number=number,
        sha256=upload.sha256,
        size=upload.size,
        format=upload.fmt,
        original_filename=upload.filename[:255],
        row_count=len(prepared.frame),
        column_count=len(prepared.frame.columns),
        schema=prepared.schema,
        profile_status=ProfileStatus.PENDING,
        status=VersionStatus.VALID if passed else VersionStatus.INVALID,
        parent=upload.parent,
        message=upload.message,
        created_by=user,
    )
    _save_report(version=version, user=user, results=prepared.results, trigger="upload")
    audit_record(
        action="dataset_version.create",
        actor=user,
        project=locked.project,
        obj=version,
        data={"sha256": upload.sha256, "rows": version.row_count, "status": version.status},
    )
    transaction.on_commit(
        lambda: hooks.dataset_version_created.send(
            sender=DatasetVersion, version_id=version.pk, status=str(version.status)
        )
    )
    if not current_app.conf.task_always_eager:  # eager: computed inline once the upload has stored the version
        # by name: registry/tasks.py imports this module, so importing it here would make a cycle
        transaction.on_commit(lambda: current_app.send_task(PROFILE_TASK, args=[version.pk]))
    return UploadResult(version, True)


PROFILE_TASK = "registry.dataset_version_profile"


def dataset_version_profile(*, version_id: int, frame: pd.DataFrame | None = None) -> str:
    """Compute and store a version's profile (its drift reference) unless it is ready already; the new status.

    Idempotent: a redelivered task finds it ready and does nothing; a version deleted meanwhile leaves no blob.
    """
    version = DatasetVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "gone"
    if version.profile_status == ProfileStatus.READY:
        return str(version.profile_status)
    try:
        profile = tabular.profile_frame(
            frame if frame is not None else dataset_version_frame(version=version), version.schema
        )
    except Exception:  # the version stays usable; readers of its profile get a 409 naming the failure
        logger.exception("profiling dataset version %s failed", version_id)
        DatasetVersion.objects.filter(pk=version_id).exclude(profile_status=ProfileStatus.READY).update(
            profile_status=ProfileStatus.FAILED
        )
        return str(ProfileStatus.FAILED)
    blob = blob_put_bytes(json.dumps(profile, separators=(",", ":")).encode())
    stored = (
        DatasetVersion.objects.filter(pk=version_id)
        .exclude(profile_status=ProfileStatus.READY)
        .update(
            profile=tabular.profile_summary(profile), profile_sha256=blob.sha256, profile_status=ProfileStatus.READY
        )
    )
    if not stored and blob.created:
        delete_unreferenced_blobs([blob.sha256])
    return str(ProfileStatus.READY) if stored else "gone"


def _save_report(
    *, version: DatasetVersion, user: User | None, results: list[expectations.RuleResult], trigger: str
) -> ValidationReport:
    failed = sum(1 for r in results if not r.passed)
    return ValidationReport.objects.create(
        version=version,
        trigger=trigger,
        passed=failed == 0,
        n_rules=len(results),
        n_failed=failed,
        results=[r.as_dict() for r in results],
        created_by=user,
    )


# --- roles and validation -----------------------------------------------------------------------------------------


@transaction.atomic
def dataset_version_set_roles(*, version: DatasetVersion, user: User, roles: dict[str, str]) -> DatasetVersion:
    """Column roles are the one editable part of a version's schema (they describe use, not content)."""
    locked = DatasetVersion.objects.select_for_update().get(pk=version.pk)
    names = {c["name"] for c in locked.schema}
    for column, role in roles.items():
        if column not in names:
            raise ValidationFailed.field(f"roles.{column}", "no such column in this version")
        if role not in ColumnRole.values:
            raise ValidationFailed.field(f"roles.{column}", f"role must be one of {', '.join(ColumnRole.values)}")
    schema = [{**c, "role": roles.get(c["name"], c["role"])} for c in locked.schema]
    if sum(1 for c in schema if c["role"] == ColumnRole.TARGET) > 1:
        raise ValidationFailed.field("roles", "at most one column can be the target")
    locked.schema = schema
    locked.save(update_fields=["schema"])
    audit_record(
        action="dataset_version.set_roles",
        actor=user,
        project=locked.dataset.project,
        obj=locked,
        data={"roles": roles},
    )
    return locked


def dataset_version_validate(*, version: DatasetVersion, user: User | None) -> ValidationReport:
    """Run the dataset's enabled rules on this version now; the version's status follows the result."""
    frame = dataset_version_frame(version=version)
    specs = [_spec(rule) for rule in version.dataset.rules.filter(enabled=True)]
    results = expectations.evaluate_rules(specs, frame, version.schema)
    with transaction.atomic():
        report = _save_report(version=version, user=user, results=results, trigger="manual")
        status = VersionStatus.VALID if report.passed else VersionStatus.INVALID
        DatasetVersion.objects.filter(pk=version.pk).update(status=status)
        version.status = status
        audit_record(
            action="dataset_version.validate",
            actor=user,
            project=version.dataset.project,
            obj=version,
            data={"passed": report.passed, "failed": report.n_failed},
        )
    return report


def dataset_version_for_training(*, version: DatasetVersion, user: User, allow_invalid: bool = False) -> DatasetVersion:
    """Training refuses an invalid version unless the caller explicitly overrides (recorded in the audit log)."""
    if version.status != VersionStatus.INVALID:
        return version
    if not allow_invalid:
        raise Conflict(
            f"{version} failed validation; fix the data or pass allow_invalid_data=true to override.",
            errors=[{"field": "dataset_version", "message": "failed validation", "code": "invalid_dataset"}],
        )
    audit_record(
        action="dataset_version.invalid_override",
        actor=user,
        project=version.dataset.project,
        obj=version,
        data={"reason": "training requested on an invalid version"},
    )
    return version


# --- rules ------------------------------------------------------------------------------------------------------


def _validated(dataset: Dataset, kind: str, column: str, params: dict[str, Any]) -> expectations.RuleSpec:
    spec = expectations.RuleSpec(kind=kind, column=column or "", params=params or {})
    latest = dataset_latest_version(dataset=dataset)
    try:
        expectations.validate_rule(spec, latest.schema if latest else None)
    except expectations.RuleError as exc:
        raise ValidationFailed.field(exc.field, exc.message) from None
    return spec


@transaction.atomic
def validation_rule_create(
    *,
    dataset: Dataset,
    user: User,
    kind: str,
    column: str = "",
    params: dict[str, Any] | None = None,
    description: str = "",
    enabled: bool = True,
) -> ValidationRule:
    spec = _validated(dataset, kind, column, params or {})
    rule = ValidationRule.objects.create(
        dataset=dataset,
        kind=spec.kind,
        column=spec.column,
        params=spec.params,
        description=description,
        enabled=enabled,
        created_by=user,
    )
    audit_record(action="validation_rule.create", actor=user, project=dataset.project, obj=rule)
    return rule


@transaction.atomic
def validation_rule_update(*, rule: ValidationRule, user: User, **changes: Any) -> ValidationRule:
    kind = changes.get("kind", rule.kind)
    column = changes.get("column", rule.column)
    params = changes.get("params", rule.params)
    spec = _validated(rule.dataset, kind, column, params)
    rule.kind, rule.column, rule.params = spec.kind, spec.column, spec.params
    rule.description = changes.get("description", rule.description)
    rule.enabled = changes.get("enabled", rule.enabled)
    rule.save()
    audit_record(action="validation_rule.update", actor=user, project=rule.dataset.project, obj=rule, data=changes)
    return rule


@transaction.atomic
def validation_rule_delete(*, rule: ValidationRule, user: User) -> None:
    audit_record(action="validation_rule.delete", actor=user, project=rule.dataset.project, obj=rule)
    rule.delete()


@transaction.atomic
def validation_rules_generate(
    *, dataset: Dataset, user: User, reference: DatasetVersion, tolerance: float = 0.1, replace: bool = False
) -> list[ValidationRule]:
    """Rules from a reference version: each statistic within ``tolerance`` of the reference (as Evidently does)."""
    if not 0 <= tolerance <= 10:
        raise ValidationFailed.field("tolerance", "must be between 0 and 10")
    if replace:
        dataset.rules.filter(generated_from__isnull=False).delete()
    specs = expectations.generate_rules(dataset_version_ready_profile(version=reference), reference.schema, tolerance)
    rules = ValidationRule.objects.bulk_create(
        ValidationRule(
            dataset=dataset,
            kind=s.kind,
            column=s.column,
            params=s.params,
            generated_from=reference,
            description=f"generated from v{reference.number} (tolerance {tolerance:g})",
            created_by=user,
        )
        for s in specs
    )
    audit_record(
        action="validation_rule.generate",
        actor=user,
        project=dataset.project,
        obj=dataset,
        data={"reference": reference.number, "count": len(rules), "tolerance": tolerance},
    )
    return rules
