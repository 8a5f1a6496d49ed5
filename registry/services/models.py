"""Writes for the model registry: models, versions (with lineage), integrity, aliases and their ledger,
lifecycle. Approvals and checks live in services/approvals.py, model cards in services/cards.py."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import apply_changes, audit_record
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Project, User
from core.roles import Action, role_allows
from core.selectors import first_or_not_found
from core.storage import IntegrityError as BlobIntegrityError
from core.storage import blob_exists, blob_put_bytes, blob_read_verified
from core.validation import checked_name
from registry import capabilities as version_capabilities
from registry import events, hooks, model_io
from registry.models import (
    AliasEvent,
    ApprovalState,
    DatasetVersion,
    ModelAlias,
    ModelFormat,
    ModelHealth,
    ModelVersion,
    RegisteredModel,
    Run,
    RunArtifact,
    VersionSource,
)
from registry.services import approvals
from registry.services.blobs import delete_unreferenced_blobs

logger = logging.getLogger(__name__)
GATE_KEYS = {"metric", "greater_is_better", "min_absolute_change", "min_relative_change"}


class ModelIntegrityError(Conflict):
    """The stored artifact no longer matches the version's sha256; the version is now unhealthy (409)."""


# --- registered models ------------------------------------------------------------------------------------------


def _clean_gate(gate: Any) -> dict[str, Any]:
    if gate in (None, {}):
        return {}
    if not isinstance(gate, dict) or set(gate) - GATE_KEYS or not isinstance(gate.get("metric"), str):
        raise ValidationFailed.field("validation_gate", f"an object with metric and optional {sorted(GATE_KEYS)}")
    for key in ("min_absolute_change", "min_relative_change"):
        value = gate.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValidationFailed.field(f"validation_gate.{key}", "must be a number >= 0")
    if not isinstance(gate.get("greater_is_better", True), bool):
        raise ValidationFailed.field("validation_gate.greater_is_better", "must be true or false")
    return dict(gate)


def _clean_aliases(names: Any) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ValidationFailed.field("protected_aliases", "must be a list of alias names")
    return sorted(set(names))


def registered_model_get_or_create(*, project: Project, user: User | None, name: str) -> RegisteredModel:
    model = RegisteredModel.objects.filter(project=project, name=name).first()
    if model is not None:
        return model
    try:
        return registered_model_create(project=project, user=user, name=name)
    except Conflict:  # created by a concurrent request since the read above (its savepoint rolled back)
        model = RegisteredModel.objects.filter(project=project, name=name).first()
        if model is None:
            raise
        return model


def registered_model_create(
    *,
    project: Project,
    user: User | None,
    name: str,
    description: str = "",
    tags: dict[str, str] | None = None,
    protected_aliases: list[str] | None = None,
    validation_gate: dict[str, Any] | None = None,
) -> RegisteredModel:
    model = RegisteredModel(
        project=project,
        name=name,
        description=description,
        tags=tags or {},
        created_by=user,
        validation_gate=_clean_gate(validation_gate),
    )
    if protected_aliases is not None:
        model.protected_aliases = _clean_aliases(protected_aliases)
    model.full_clean(exclude=["project", "created_by"], validate_unique=False)
    try:
        with transaction.atomic():
            model.save()
            audit_record(action="model.create", actor=user, project=project, obj=model)
    except IntegrityError:
        raise Conflict.taken(f"A model named {name!r} already exists.") from None
    return model


@transaction.atomic
def registered_model_update(*, model: RegisteredModel, user: User, **changes: Any) -> RegisteredModel:
    if "validation_gate" in changes:
        changes["validation_gate"] = _clean_gate(changes["validation_gate"])
    if "protected_aliases" in changes:
        changes["protected_aliases"] = _clean_aliases(changes["protected_aliases"])
    apply_changes(model, changes, ("description", "tags", "validation_gate", "protected_aliases"))
    model.save()
    audit_record(action="model.update", actor=user, project=model.project, obj=model, data=changes)
    return model


@transaction.atomic
def registered_model_rename(*, model: RegisteredModel, user: User, new_name: str) -> RegisteredModel:
    """Rename a registered model; versions, aliases and lineage stay with it, and every reference by name in other
    apps (training jobs, retraining policies) follows in the same transaction."""
    checked_name("new_name", new_name)
    if new_name == model.name:
        return model
    if RegisteredModel.objects.filter(project=model.project, name=new_name).exists():
        raise Conflict.taken(f"A model named {new_name!r} already exists.", "new_name")
    old_name = model.name
    model.name = new_name
    model.save(update_fields=["name", "updated_at"])
    hooks.model_renamed.send(sender=RegisteredModel, project_id=model.project_id, old_name=old_name, new_name=new_name)
    audit_record(
        action="model.rename", actor=user, project=model.project, obj=model, data={"from": old_name, "to": new_name}
    )
    return model


def _version_blobs(version: ModelVersion) -> list[str]:
    served = (version.capabilities or {}).get("onnx_sha256", "")
    return [h for h in (version.artifact_sha256, version.onnx_sha256, served) if h]


@transaction.atomic
def registered_model_delete(*, model: RegisteredModel, user: User) -> None:
    versions = list(model.versions.all())
    for version in versions:
        _refuse_if_referenced(version)
    hashes = [h for v in versions for h in _version_blobs(v)]
    audit_record(
        action="model.delete",
        actor=user,
        project=model.project,
        obj=model,
        data={"versions": [v.number for v in versions]},
    )
    ModelAlias.objects.filter(registered_model=model).delete()
    model.delete()
    transaction.on_commit(lambda: delete_unreferenced_blobs(hashes))


# --- versions ---------------------------------------------------------------------------------------------------


def _next_number(model: RegisteredModel) -> int:
    locked = RegisteredModel.objects.select_for_update().get(pk=model.pk)
    return (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def model_version_create(
    *,
    registered_model: RegisteredModel,
    user: User | None,
    source: str,
    artifact_sha256: str,
    artifact_size: int,
    artifact_format: str = ModelFormat.SKOPS,
    signature: dict[str, Any] | None = None,
    input_example: list[dict[str, Any]] | None = None,
    metrics: dict[str, Any] | None = None,
    run: Run | None = None,
    training_job_uid: Any = None,
    dataset_versions: list[DatasetVersion] | None = None,
    code_version: str = "",
    reference_profile_sha256: str = "",
    library_versions: dict[str, str] | None = None,
    description: str = "",
    capabilities: dict[str, Any] | None = None,
    onnx_model: bytes | None = None,
) -> ModelVersion:
    """The next numbered, immutable version. Numbers are allocated under a row lock on the registered model.
    ``capabilities`` (and ``onnx_model``, the ONNX graph that serves the version when it agreed with scikit-learn)
    are computed from the artifact unless the caller, which has the model loaded, gives them.

    Every path that registers a version (training, upload, MLflow) comes here: where the project does not require
    a human approval, the version is approved now if its required checks pass (audited with the checks)."""
    if not blob_exists(artifact_sha256):
        raise ValidationFailed.field("artifact", "no stored artifact with that sha256")
    if capabilities is None:
        capabilities, onnx_model = _capabilities(
            artifact_sha256, artifact_format, signature or {}, reference_profile_sha256, input_example or []
        )
    if onnx_model is not None:
        capabilities = capabilities | {"onnx_sha256": blob_put_bytes(onnx_model).sha256}
    version = ModelVersion.objects.create(
        registered_model=registered_model,
        number=_next_number(registered_model),
        source=source,
        artifact_sha256=artifact_sha256,
        artifact_size=artifact_size,
        artifact_format=artifact_format,
        signature=signature or {},
        input_example=input_example or [],
        metrics=metrics or {},
        run=run,
        training_job_uid=training_job_uid,
        code_version=code_version or (run.code_version if run else ""),
        reference_profile_sha256=reference_profile_sha256,
        library_versions=library_versions or {},
        description=description,
        capabilities=capabilities,
        created_by=user,
    )
    if dataset_versions:
        version.dataset_versions.set(dataset_versions)
    project = registered_model.project
    audit_record(
        action="model_version.create",
        actor=user,
        project=project,
        obj=version,
        data={"source": source, "sha256": artifact_sha256, "run": run.run_id if run else None},
    )
    events.emit(project=project, event_type="model_version.created", payload=events.version_payload(version))
    approvals.model_version_auto_approve(version=version, actor=user, reason=f"registered ({source})")
    return version


def _capabilities(
    sha256: str, artifact_format: str, signature: dict[str, Any], profile: str, example: list[dict[str, Any]]
) -> tuple[dict[str, Any], bytes | None]:
    if artifact_format != ModelFormat.SKOPS:
        return version_capabilities.unknown_capabilities(f"a {artifact_format} model does not load in-process"), None
    try:
        pipeline = model_io.load_pipeline(blob_read_verified(sha256))
    except Exception as exc:  # a model that does not load has no extras; serving reports the failure itself
        reason = f"the model did not load: {type(exc).__name__}: {exc}"[:300]
        return version_capabilities.unknown_capabilities(reason), None
    return version_capabilities.assess(pipeline, signature, has_profile=bool(profile), example=example)


def _run_json(run: Run, path: str, default: Any) -> Any:
    artifact = RunArtifact.objects.filter(run=run, path=path).first()
    if artifact is None:
        return default
    return json.loads(blob_read_verified(artifact.sha256))


def _run_metrics(run: Run) -> dict[str, float | None]:
    return dict(run.metric_summaries.values_list("key", "latest_value"))


def model_version_create_from_run(
    *,
    project: Project,
    user: User | None,
    model_name: str,
    run: Run,
    artifact_path: str = "model/model.skops",
    training_job_uid: Any = None,
    description: str = "",
) -> ModelVersion:
    """Register a run's model artifact with its lineage (run, datasets, code), signature and metrics."""
    if run.project_id != project.pk:
        raise NotFound("Run not found.")
    artifact = RunArtifact.objects.filter(run=run, path=artifact_path).first()
    if artifact is None:
        raise ValidationFailed.field("artifact_path", f"run {run.run_id} has no artifact {artifact_path!r}")
    profile = RunArtifact.objects.filter(run=run, path="data/training_profile.json").first()
    environment = _run_json(run, "environment.json", {})
    with transaction.atomic():
        model = registered_model_get_or_create(project=project, user=user, name=model_name)
        return model_version_create(
            registered_model=model,
            user=user,
            source=VersionSource.TRAINING if run.source == "training" else VersionSource.RUN,
            artifact_sha256=artifact.sha256,
            artifact_size=artifact.size,
            signature=_run_json(run, "model/signature.json", {}),
            input_example=_run_json(run, "model/input_example.json", []),
            metrics=_run_metrics(run),
            run=run,
            training_job_uid=training_job_uid,
            dataset_versions=[
                i.dataset_version for i in run.inputs.select_related("dataset_version") if i.dataset_version
            ],
            reference_profile_sha256=profile.sha256 if profile else "",
            library_versions=environment.get("versions", {}),
            description=description,
        )


# --- integrity ----------------------------------------------------------------------------------------------------


def model_version_artifact(version: ModelVersion) -> bytes:
    """The artifact bytes, hash-checked. A mismatch marks the version unhealthy (no traffic) and raises."""
    try:
        return blob_read_verified(version.artifact_sha256)
    except (BlobIntegrityError, FileNotFoundError, OSError) as exc:
        model_version_mark_unhealthy(version=version, reason=f"{type(exc).__name__}: {exc}")
        raise ModelIntegrityError(f"{version}: artifact failed its integrity check") from exc


def model_version_load(version: ModelVersion) -> Any:
    """The fitted pipeline, loaded from hash-checked bytes with the trusted-type allow-list."""
    if version.artifact_format != ModelFormat.SKOPS:
        raise Conflict(f"{version} is a {version.artifact_format} model; only skops models load in-process.")
    return model_io.load_pipeline(model_version_artifact(version))


def model_version_mark_unhealthy(*, version: ModelVersion, reason: str) -> None:
    with transaction.atomic():
        changed = ModelVersion.objects.filter(pk=version.pk, health=ModelHealth.HEALTHY).update(
            health=ModelHealth.UNHEALTHY
        )
        version.health = ModelHealth.UNHEALTHY
        if not changed:
            return
        project = version.registered_model.project
        audit_record(
            action="model_version.unhealthy", actor=None, project=project, obj=version, data={"reason": reason}
        )
        events.emit(
            project=project,
            event_type="model_version.unhealthy",
            payload={**events.version_payload(version), "reason": reason},
        )
        transaction.on_commit(
            lambda: hooks.version_health_changed.send(
                sender=ModelVersion, version_id=version.pk, health=ModelHealth.UNHEALTHY
            )
        )
    logger.error("model version %s marked unhealthy: %s", version.pk, reason)


def model_version_verify(*, version: ModelVersion, user: User) -> ModelVersion:
    """Re-check the artifact hash now; a healthy result after repair restores health (audited)."""
    try:
        blob_read_verified(version.artifact_sha256)
    except (BlobIntegrityError, OSError) as exc:
        model_version_mark_unhealthy(version=version, reason=f"{type(exc).__name__}: {exc}")
        return version
    if version.health == ModelHealth.UNHEALTHY:
        with transaction.atomic():
            ModelVersion.objects.filter(pk=version.pk).update(health=ModelHealth.HEALTHY)
            version.health = ModelHealth.HEALTHY
            audit_record(
                action="model_version.healthy", actor=user, project=version.registered_model.project, obj=version
            )
    return version


# --- aliases --------------------------------------------------------------------------------------------------


def _check_alias_move(model: RegisteredModel, alias: str, version: ModelVersion, role: str) -> None:
    if alias not in model.protected_aliases:
        return
    if not role_allows(role, Action.OPERATE):
        raise Forbidden(
            f"Alias {alias!r} is protected: only maintainers and owners can move it; ask one to PUT it, or use "
            "an alias that is not in the model's protected_aliases."
        )
    if version.approval != ApprovalState.APPROVED:
        raise Conflict(
            f"Alias {alias!r} is protected: v{version.number} is {version.approval}, not approved. "
            f"{approvals.approval_next_step(version)}.",
            errors=[{"field": "version", "message": "not approved", "code": "not_approved"}],
        )
    if version.health != ModelHealth.HEALTHY or version.archived:
        raise Conflict(f"Alias {alias!r} is protected: v{version.number} is unhealthy or archived.")


@transaction.atomic
def model_alias_set(
    *, model: RegisteredModel, user: User, role: str, alias: str, version: ModelVersion, reason: str = ""
) -> ModelAlias:
    if version.registered_model_id != model.pk:
        raise ValidationFailed.field("version", "belongs to another model")
    _check_alias_move(model, alias, version, role)
    locked = ModelAlias.objects.select_for_update().filter(registered_model=model, name=alias).first()
    if locked is None:
        created = _alias_create(model, alias, version, user)
        if created is not None:
            _record_move(model, alias, version, None, user, reason)
            return created
        # a concurrent first PUT created it: move it from there, as if this request had come second
        locked = ModelAlias.objects.select_for_update().get(registered_model=model, name=alias)
    if locked.version_id == version.pk:
        return locked
    previous = locked.version.number
    locked.version, locked.updated_by, locked.updated_at = version, user, timezone.now()
    locked.save()
    _record_move(model, alias, version, previous, user, reason)
    return locked


def _alias_create(model: RegisteredModel, alias: str, version: ModelVersion, user: User) -> ModelAlias | None:
    """A new alias row, or None when a concurrent request inserted the same name first (its savepoint rolls back)."""
    created = ModelAlias(
        registered_model=model, name=alias, version=version, updated_by=user, updated_at=timezone.now()
    )
    created.full_clean(exclude=["registered_model", "version", "updated_by"], validate_unique=False)
    try:
        with transaction.atomic():
            created.save()
    except IntegrityError:
        return None
    return created


def _record_move(
    model: RegisteredModel, alias: str, version: ModelVersion | None, previous: int | None, user: User, reason: str
) -> None:
    AliasEvent.objects.create(
        registered_model=model,
        alias=alias,
        version=version,
        version_number=version.number if version else None,
        previous_version_number=previous,
        reason=reason[:500],
        actor=user,
    )
    data = {"alias": alias, "from": previous, "to": version.number if version else None, "reason": reason}
    audit_record(action="model_alias.move", actor=user, project=model.project, obj=model, data=data)
    events.emit(project=model.project, event_type="model_alias.moved", payload={"model": model.name, **data})


@transaction.atomic
def model_alias_delete(*, model: RegisteredModel, user: User, role: str, alias: str, reason: str = "") -> None:
    locked = first_or_not_found(
        ModelAlias.objects.select_for_update().filter(registered_model=model, name=alias),
        f"Model {model.name!r} has no alias {alias!r}.",
    )
    if alias in model.protected_aliases and not role_allows(role, Action.OPERATE):
        raise Forbidden(f"Alias {alias!r} is protected: only maintainers and owners can delete it.")
    blockers = [b for b in hooks.references_to(locked.version) if alias in b]
    if blockers:
        raise Conflict(f"Alias {alias!r} is in use by {', '.join(blockers)}.")
    previous = locked.version.number
    locked.delete()
    _record_move(model, alias, None, previous, user, reason)


# --- lifecycle ------------------------------------------------------------------------------------------------


def _refuse_if_referenced(version: ModelVersion) -> None:
    protected = [a.name for a in version.aliases.all() if a.name in version.registered_model.protected_aliases]
    if protected:
        raise Conflict(
            f"{version} is the target of protected alias {protected[0]!r}; move it first.",
            errors=[{"field": "version", "message": f"alias {protected[0]}", "code": "in_use"}],
        )
    blockers = hooks.references_to(version)
    if blockers:
        raise Conflict(
            f"{version} is referenced by {', '.join(blockers)}.",
            errors=[{"field": "version", "message": b, "code": "in_use"} for b in blockers],
        )


@transaction.atomic
def model_version_set_archived(*, version: ModelVersion, user: User, archived: bool) -> ModelVersion:
    locked = ModelVersion.objects.select_for_update().select_related("registered_model__project").get(pk=version.pk)
    if archived:
        _refuse_if_referenced(locked)
    locked.archived = archived
    locked.save(update_fields=["archived"])
    audit_record(
        action="model_version.archive" if archived else "model_version.unarchive",
        actor=user,
        project=locked.registered_model.project,
        obj=locked,
    )
    return locked


@transaction.atomic
def model_version_delete(*, version: ModelVersion, user: User) -> None:
    locked = ModelVersion.objects.select_for_update().select_related("registered_model__project").get(pk=version.pk)
    _refuse_if_referenced(locked)
    hashes = _version_blobs(locked)
    ModelAlias.objects.filter(version=locked).delete()
    audit_record(action="model_version.delete", actor=user, project=locked.registered_model.project, obj=locked)
    locked.delete()
    transaction.on_commit(lambda: delete_unreferenced_blobs(hashes))


@transaction.atomic
def model_version_update(*, version: ModelVersion, user: User, description: str) -> ModelVersion:
    version.description = description
    version.save(update_fields=["description"])
    audit_record(action="model_version.update", actor=user, project=version.registered_model.project, obj=version)
    return version
