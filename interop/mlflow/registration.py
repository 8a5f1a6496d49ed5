"""Registering an MLflow model directory as a Keel model version, and the LoggedModels (MLflow 3) it comes from.

Policy (safe by construction): only MLflow *sklearn* models serialized with **skops** (MLflow's default
``serialization_format`` outside Databricks) are registered. The ``model.skops`` file becomes the version's
artifact as it is (the same content-addressed blob as the run artifact; a bare estimator is stored wrapped in a
one-step Pipeline), is loaded with Keel's trusted-type allow-list (registry/model_io.py) and must predict on the
model's input example before the version exists, so it is approved, deployed and served like any model Keel
trains. Pickle and cloudpickle MLflow models are refused, by their MLmodel and by the model file's content (a
pickle labelled skops is still a pickle), before anything is stored: the server never unpickles. The refusal says
the next step (log with skops, or convert on the user's own machine with ``keel models upload <folder>``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml
from django.db import transaction

from core.audit import audit_record
from core.models import Project, User
from core.storage import blob_put_bytes, blob_read_verified
from interop.mlflow import errors
from interop.models import LoggedModelStatus, MlflowLoggedModel, MlflowVersionLink
from registry import model_io
from registry.models import Experiment, ModelVersion, Run, RunArtifact, RunSource, VersionSource
from registry.services import experiments as run_services
from registry.services import models as model_services
from registry.services.blobs import delete_unreferenced_blobs

_KINDS = {
    "double": "numeric",
    "float": "numeric",
    "long": "integer",
    "integer": "integer",
    "boolean": "boolean",
    "string": "categorical",
    "datetime": "datetime",
}
_RUN_SOURCE = re.compile(r"^runs:/([0-9a-f]{32})(?:/(.*))?$")
_PROXY_SOURCE = re.compile(r"^mlflow-artifacts:/+(\d+)/([0-9a-f]{32})/artifacts(?:/(.*))?$")
_MODEL_SOURCE = re.compile(r"^models:/(m-[0-9a-f]{32})/?$")


# --- LoggedModels --------------------------------------------------------------------------------------------------


@transaction.atomic
def logged_model_create(
    *,
    experiment: Experiment,
    user: User,
    name: str,
    model_type: str,
    run: Run | None,
    params: dict[str, str],
    tags: dict[str, str],
) -> MlflowLoggedModel:
    """A LoggedModel in a folder of its source run; without a source run, a run is started to hold it."""
    if run is None:
        run = run_services.run_create(experiment=experiment, user=user, name=name or "model", source=RunSource.MLFLOW)
    elif run.experiment_id != experiment.pk:
        raise errors.invalid(f"Run {run.run_id} is not in experiment {experiment.pk}.")
    model = MlflowLoggedModel.objects.create(
        project=experiment.project,
        experiment=experiment,
        run=run,
        name=name or "model",
        model_type=model_type,
        params=params,
        tags=tags,
    )
    _audit("mlflow.logged_model.create", user, model, {"run": run.run_id, "name": model.name})
    return model


def _audit(action: str, user: User, model: MlflowLoggedModel, data: dict[str, Any] | None = None) -> None:
    audit_record(action=action, actor=user, project=model.project, obj=model, data=data or {})


@transaction.atomic
def logged_model_update(
    *,
    model: MlflowLoggedModel,
    user: User,
    status: str | None = None,
    params: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
    delete_tag: str | None = None,
) -> MlflowLoggedModel:
    locked = MlflowLoggedModel.objects.select_for_update().select_related("run").get(pk=model.pk)
    if status is not None:
        if status not in LoggedModelStatus.values:
            raise errors.invalid(f"Invalid status {status!r}: one of {', '.join(LoggedModelStatus.values)}.")
        locked.status = status
    if params:
        locked.params = {**locked.params, **params}
    if tags:
        locked.tags = {**locked.tags, **tags}
    if delete_tag is not None:
        if delete_tag not in locked.tags:
            raise errors.missing(f"Logged model {locked.model_id} has no tag {delete_tag!r}.")
        locked.tags = {k: v for k, v in locked.tags.items() if k != delete_tag}
    locked.save()
    changes = {"status": status, "params": sorted(params or {}), "tags": sorted(tags or {}), "deleted_tag": delete_tag}
    _audit("mlflow.logged_model.update", user, locked, {k: v for k, v in changes.items() if v})
    return locked


@transaction.atomic
def logged_model_delete(*, model: MlflowLoggedModel, user: User) -> None:
    """Forget the LoggedModel; its files stay in the run (artifacts are immutable)."""
    _audit("mlflow.logged_model.delete", user, model)
    model.delete()


# --- model versions -------------------------------------------------------------------------------------------------


def _resolve(project: Project, source: str, run_id: str, model_id: str) -> tuple[Run, str, MlflowLoggedModel | None]:
    """(run, run-relative folder holding MLmodel, LoggedModel) for an MLflow model source."""
    from interop.mlflow.lookups import logged_model_by_id, run_by_id

    match = _MODEL_SOURCE.match(source)
    if model_id or match:
        logged = logged_model_by_id(project, model_id or (match.group(1) if match else ""))
        return logged.run, logged.folder, logged
    if match := _RUN_SOURCE.match(source):
        return run_by_id(project, match.group(1)), (match.group(2) or "").strip("/"), None
    if match := _PROXY_SOURCE.match(source):
        run = run_by_id(project, match.group(2))
        folder = (match.group(3) or "").strip("/")
        linked = MlflowLoggedModel.objects.filter(run=run, model_id=folder.removeprefix("logged_models/")).first()
        return run, folder, linked
    if run_id:
        raise errors.invalid(f"Unsupported model source {source!r} for run {run_id}.")
    raise errors.invalid(
        f"Unsupported model source {source!r}: use models:/<model_id>, runs:/<run_id>/<path> or mlflow-artifacts:/..."
    )


def _file(run: Run, path: str) -> RunArtifact:
    artifact = RunArtifact.objects.filter(run=run, path=path).first()
    if artifact is None:
        raise errors.invalid(f"Run {run.run_id} has no artifact {path!r}: is the model fully uploaded?")
    return artifact


def _read(run: Run, path: str) -> bytes:
    return blob_read_verified(_file(run, path).sha256)


def _mlmodel(run: Run, folder: str) -> dict[str, Any]:
    path = f"{folder}/MLmodel" if folder else "MLmodel"
    try:
        loaded = yaml.safe_load(_read(run, path))
    except yaml.YAMLError as exc:
        raise errors.invalid(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(loaded, dict):
        raise errors.invalid(f"{path} is not an MLflow model description.")
    return loaded


def _skops_file(mlmodel: dict[str, Any]) -> str:
    flavor = (mlmodel.get("flavors") or {}).get("sklearn")
    if not isinstance(flavor, dict):
        raise errors.invalid("Keel registers MLflow models of the sklearn flavor only.")
    fmt = flavor.get("serialization_format")
    if fmt != "skops":
        raise _pickle_refused(f"This sklearn model is serialized with {fmt!r}")
    return str(flavor.get("pickled_model") or "model.skops")


def _pickle_refused(what: str) -> errors.MlflowError:
    return errors.invalid(
        f"{what}: Keel never unpickles on the server (loading a pickle runs its code). Log the model with "
        'mlflow.sklearn.log_model(..., serialization_format="skops") (MLflow\'s default), or convert it on your own '
        "machine with `keel models upload <mlflow model folder>`, which loads it there and uploads skops."
    )


def _require_skops(data: bytes, path: str) -> None:
    """The model file's content, not only its MLmodel entry, must be skops."""
    try:
        model_io.require_skops(data)
    except model_io.NotSkopsError as exc:
        if exc.is_pickle:
            raise _pickle_refused(f"{path} is a pickle although MLmodel says skops") from None
        raise errors.invalid(f"The model cannot be registered: {path}: {exc}.") from None


def signature_of(mlmodel: dict[str, Any], task_type: str) -> dict[str, Any]:
    """Keel's signature from MLflow's column-based input signature."""
    raw = (mlmodel.get("signature") or {}).get("inputs")
    try:
        columns = json.loads(raw) if isinstance(raw, str) else []
    except ValueError:
        columns = []
    inputs = [
        {"name": c["name"], "kind": _KINDS.get(str(c.get("type")), "numeric"), "nullable": not c.get("required", True)}
        for c in columns
        if isinstance(c, dict) and c.get("name")
    ]
    return {"inputs": inputs, "output": {"task_type": task_type}} if inputs else {}


def _example_rows(run: Run, folder: str, mlmodel: dict[str, Any], signature: dict[str, Any]) -> list[dict[str, Any]]:
    """The input example MLflow saved ({"columns", "data"} split orient), else one row of zeros/blanks."""
    info = mlmodel.get("saved_input_example_info") or {}
    name = info.get("artifact_path") if isinstance(info, dict) else None
    if name:
        try:
            example = json.loads(_read(run, f"{folder}/{name}" if folder else name))
        except ValueError:
            example = None
        if isinstance(example, dict) and isinstance(example.get("columns"), list):
            return [dict(zip(example["columns"], row, strict=False)) for row in example.get("data", [])][:100]
    if not signature:
        raise errors.invalid("Log the model with an input_example or a signature so Keel can check and serve it.")
    blank = {"numeric": 0.0, "integer": 0, "boolean": False}
    return [{f["name"]: blank.get(f["kind"], "") for f in signature["inputs"]}]


def _servable(data: bytes, rows: list[dict[str, Any]]) -> bytes:
    """The model as skops Pipeline bytes (a bare estimator is wrapped), after a smoke prediction on ``rows``."""
    try:
        servable = model_io.as_pipeline(data)
        model_io.load_pipeline(servable).predict(pd.DataFrame(rows))
    except model_io.UntrustedModelError as exc:
        raise errors.invalid(f"The model cannot be registered: {exc}.") from None
    except Exception as exc:
        raise errors.invalid(
            f"The model failed a smoke prediction on its input example: {type(exc).__name__}: {exc}"
        ) from None
    return servable


def model_version_create(
    *,
    project: Project,
    user: User,
    name: str,
    source: str,
    run_id: str = "",
    model_id: str = "",
    tags: dict[str, str] | None = None,
    description: str = "",
) -> ModelVersion:
    """A Keel model version (source 'mlflow') from an MLflow sklearn model, with lineage to its run."""
    run, folder, logged = _resolve(project, source, run_id, model_id)
    mlmodel = _mlmodel(run, folder)
    model_file = _file(run, f"{folder}/{_skops_file(mlmodel)}" if folder else _skops_file(mlmodel))
    signature = signature_of(mlmodel, project.task_type)
    rows = _example_rows(run, folder, mlmodel, signature)
    original = blob_read_verified(model_file.sha256)
    _require_skops(original, model_file.path)
    servable = _servable(original, rows)
    if not signature:
        from registry.services.uploads import signature_from_example

        signature = signature_from_example(rows, project.task_type)
    blob = blob_put_bytes(servable) if servable is not original else None
    prepared = _Prepared(
        run=run,
        folder=folder,
        logged=logged,
        mlmodel=mlmodel,
        signature=signature,
        rows=rows,
        sha256=blob.sha256 if blob else model_file.sha256,
        size=blob.size if blob else model_file.size,
    )
    try:
        return _create_version(
            project=project, user=user, name=name, source=source, tags=tags, description=description, prepared=prepared
        )
    except BaseException:
        if blob is not None and blob.created:
            delete_unreferenced_blobs([blob.sha256])
        raise


@dataclass(frozen=True)
class _Prepared:
    """A checked MLflow model: where it lives and what the Keel version records."""

    run: Run
    folder: str
    logged: MlflowLoggedModel | None
    mlmodel: dict[str, Any]
    signature: dict[str, Any]
    rows: list[dict[str, Any]]
    sha256: str
    size: int


@transaction.atomic
def _create_version(
    *,
    project: Project,
    user: User,
    name: str,
    source: str,
    tags: dict[str, str] | None,
    description: str,
    prepared: _Prepared,
) -> ModelVersion:
    run = prepared.run
    registered = model_services.registered_model_get_or_create(project=project, user=user, name=name)
    version = model_services.model_version_create(
        registered_model=registered,
        user=user,
        source=VersionSource.MLFLOW,
        artifact_sha256=prepared.sha256,
        artifact_size=prepared.size,
        signature=prepared.signature,
        input_example=prepared.rows,
        metrics=dict(run.metric_summaries.values_list("key", "latest_value")),
        run=run,
        dataset_versions=[i.dataset_version for i in run.inputs.select_related("dataset_version") if i.dataset_version],
        library_versions=_library_versions(prepared.mlmodel),
        description=description,
    )
    MlflowVersionLink.objects.create(
        version=version, source=source, run=run, folder=prepared.folder, logged_model=prepared.logged, tags=tags or {}
    )
    return version


def _library_versions(mlmodel: dict[str, Any]) -> dict[str, str]:
    flavors = mlmodel.get("flavors") or {}
    versions = {"mlflow": str(mlmodel.get("mlflow_version", ""))}
    sklearn = flavors.get("sklearn") or {}
    if sklearn.get("sklearn_version"):
        versions["scikit-learn"] = str(sklearn["sklearn_version"])
    python = (flavors.get("python_function") or {}).get("python_version")
    if python:
        versions["python"] = str(python)
    return {k: v for k, v in versions.items() if v}


def download_uri(version: ModelVersion) -> str:
    """Where the MLflow client downloads the version: its MLflow model folder through the artifact proxy."""
    link = MlflowVersionLink.objects.select_related("run").filter(version=version).first()
    if link is None or link.run is None:
        raise errors.MlflowError(
            errors.NOT_IMPLEMENTED,
            f"{version} was not registered through MLflow; download it with Keel's API (GET …/versions/"
            f"{version.number}/artifact).",
        )
    root = f"mlflow-artifacts:/{link.run.experiment_id}/{link.run.run_id}/artifacts"
    return f"{root}/{link.folder}" if link.folder else root


@transaction.atomic
def model_version_set_tag(*, version: ModelVersion, user: User, key: str, value: str | None) -> None:
    link, _ = MlflowVersionLink.objects.select_for_update().get_or_create(
        version=version, defaults={"source": f"keel:/{version.registered_model.name}/{version.number}", "folder": ""}
    )
    if value is None:
        if key not in link.tags:
            raise errors.missing(f"Model version {version} has no tag {key!r}.")
        link.tags = {k: v for k, v in link.tags.items() if k != key}
    else:
        link.tags = {**link.tags, key: value}
    link.save(update_fields=["tags"])
    project = version.registered_model.project
    action = "mlflow.model_version.delete_tag" if value is None else "mlflow.model_version.set_tag"
    audit_record(action=action, actor=user, project=project, obj=version, data={"key": key})
