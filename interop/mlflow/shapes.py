"""Keel objects in MLflow's JSON shapes (the protobuf JSON the MLflow client parses). Pure translation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interop.models import MlflowDatasetInput, MlflowLoggedModel, MlflowVersionLink
from registry.models import Experiment, LifecycleStage, ModelVersion, RegisteredModel, Run

DEFAULT_EXPERIMENT = "Default"


def millis(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def kv(mapping: dict[str, Any]) -> list[dict[str, str]]:
    return [{"key": key, "value": str(value)} for key, value in sorted(mapping.items())]


def experiment_location(experiment: Experiment) -> str:
    return f"mlflow-artifacts:/{experiment.pk}"


def run_artifact_uri(run: Run) -> str:
    return f"mlflow-artifacts:/{run.experiment_id}/{run.run_id}/artifacts"


def experiment(exp: Experiment) -> dict[str, Any]:
    tags = dict(exp.tags)
    if exp.description:
        tags.setdefault("mlflow.note.content", exp.description)
    return {
        "experiment_id": str(exp.pk),
        "name": exp.name,
        "artifact_location": experiment_location(exp),
        "lifecycle_stage": exp.lifecycle_stage,
        "last_update_time": millis(exp.updated_at),
        "creation_time": millis(exp.created_at),
        "tags": kv(tags),
    }


def run_info(run: Run) -> dict[str, Any]:
    info = {
        "run_id": run.run_id,
        "run_uuid": run.run_id,
        "run_name": run.name,
        "experiment_id": str(run.experiment_id),
        "user_id": run.user.get_username() if run.user else "",
        "status": run.status.upper(),
        "start_time": millis(run.start_time),
        "artifact_uri": run_artifact_uri(run),
        "lifecycle_stage": run.lifecycle_stage,
    }
    if run.end_time is not None:
        info["end_time"] = millis(run.end_time)
    return info


def run(run: Run) -> dict[str, Any]:
    metrics = [
        {
            "key": s.key,
            "value": _metric_value(s.latest_value),
            "timestamp": millis(s.latest_timestamp),
            "step": s.latest_step,
        }
        for s in run.metric_summaries.all()
    ]
    params = [{"key": p.key, "value": p.value} for p in run.params.all()]
    tags = {t.key: t.value for t in run.tags.all()}
    tags.setdefault("mlflow.runName", run.name)
    if run.description:
        tags.setdefault("mlflow.note.content", run.description)
    return {
        "info": run_info(run),
        "data": {"metrics": metrics, "params": params, "tags": kv(tags)},
        "inputs": {"dataset_inputs": dataset_inputs(run)},
    }


def dataset_inputs(run: Run) -> list[dict[str, Any]]:
    """The run's MLflow dataset inputs as logged, then the Keel dataset versions it used that MLflow did not log."""
    logged = list(run.mlflow_inputs.all())
    inputs = [_mlflow_input(i) for i in logged]
    linked = {i.dataset_version_id for i in logged if i.dataset_version_id is not None}
    for i in run.inputs.all():
        if i.dataset_version_id in linked:
            continue
        inputs.append(
            {
                "tags": [{"key": "mlflow.data.context", "value": i.role}],
                "dataset": {
                    "name": i.dataset_name,
                    "digest": i.sha256[:8],
                    "source_type": "keel",
                    "source": f'{{"dataset": "{i.dataset_name}", "version": {i.version_number}}}',
                },
            }
        )
    return inputs


def _mlflow_input(item: MlflowDatasetInput) -> dict[str, Any]:
    dataset = {"name": item.name, "digest": item.digest, "source_type": item.source_type, "source": item.source}
    if item.schema:
        dataset["schema"] = item.schema
    if item.profile:
        dataset["profile"] = item.profile
    body: dict[str, Any] = {"dataset": dataset}
    if item.tags:
        body["tags"] = kv(item.tags)
    return body


def _metric_value(value: float | None) -> float | str:
    return "NaN" if value is None else value


def metric_point(key: str, value: float | None, step: int, timestamp: datetime) -> dict[str, Any]:
    return {"key": key, "value": _metric_value(value), "step": step, "timestamp": millis(timestamp)}


def logged_model(model: MlflowLoggedModel) -> dict[str, Any]:
    return {
        "info": {
            "model_id": model.model_id,
            "experiment_id": str(model.experiment_id),
            "name": model.name,
            "creation_timestamp_ms": millis(model.created_at),
            "last_updated_timestamp_ms": millis(model.updated_at),
            "artifact_uri": f"{run_artifact_uri(model.run)}/{model.folder}",
            "status": model.status,
            "model_type": model.model_type,
            "source_run_id": model.run.run_id,
            "tags": kv(model.tags),
        },
        "data": {"params": kv(model.params)},
    }


def model_version(version: ModelVersion, link: MlflowVersionLink | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": version.registered_model.name,
        "version": str(version.number),
        "creation_timestamp": millis(version.created_at),
        "last_updated_timestamp": millis(version.created_at),
        "user_id": version.created_by.get_username() if version.created_by else "",
        "current_stage": "Archived" if version.archived else "None",
        "description": version.description,
        "source": link.source if link else f"keel:/{version.registered_model.name}/{version.number}",
        "run_id": version.run.run_id if version.run else "",
        "status": "READY",
        "tags": kv({**(link.tags if link else {}), "keel.approval": version.approval, "keel.health": version.health}),
        "aliases": sorted(a.name for a in version.aliases.all()),
    }
    if link is not None and link.logged_model is not None:
        body["model_id"] = link.logged_model.model_id
    return body


def registered_model(model: RegisteredModel, latest: list[ModelVersion]) -> dict[str, Any]:
    return {
        "name": model.name,
        "creation_timestamp": millis(model.created_at),
        "last_updated_timestamp": millis(model.updated_at),
        "description": model.description,
        "latest_versions": [model_version(v, link_of(v)) for v in latest],
        "tags": kv(model.tags),
        "aliases": [{"alias": a.name, "version": str(a.version.number)} for a in model.aliases.all()],
    }


def link_of(version: ModelVersion) -> MlflowVersionLink | None:
    try:
        return version.mlflow_link
    except MlflowVersionLink.DoesNotExist:
        return None


ACTIVE_STAGES = {"ACTIVE_ONLY": LifecycleStage.ACTIVE, "DELETED_ONLY": LifecycleStage.DELETED, "ALL": "all"}
