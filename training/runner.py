"""The worker side of a training job: run the pure trainer, then record everything it produced in one
transaction that only the job's current claim can commit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.conf import settings

from core.storage import blob_delete
from registry.models import DatasetVersion, ModelVersion, ProfileStatus, RunArtifact, RunSource, RunStatus
from registry.selectors.datasets import dataset_version_full_profile
from registry.services import experiments as runs
from registry.services.datasets import dataset_version_profile
from registry.services.models import model_version_create_from_run
from training.evaluation import evaluate_on_holdout
from training.models import TrainingJob
from training.trainers.criteria import check_criteria
from training.trainers.persist import save_pipeline
from training.trainers.search import SearchCancelled
from training.trainers.spec import TrainingSpec
from training.trainers.train import TrainingResult, train

if TYPE_CHECKING:
    from training.jobs import Progress

MODEL_PATH = "model/model.skops"


class Stopped(Exception):
    """The job was cancelled or ran out of time between two CV tasks."""


@dataclass
class Outcome:
    result: TrainingResult
    acceptance: dict[str, Any]
    artifacts: dict[str, tuple[bytes, str]]  # logical path -> (bytes, content type)
    frame: pd.DataFrame
    spec: TrainingSpec


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _training_profile(version: DatasetVersion, spec: TrainingSpec) -> dict[str, Any]:
    """The reference profile for drift: the dataset version's full profile restricted to the model's columns."""
    if version.profile_status != ProfileStatus.READY:  # uploaded moments ago: its profile task has not run yet
        dataset_version_profile(version_id=version.pk)
        version.refresh_from_db()
    profile = dataset_version_full_profile(version=version)
    keep = {*spec.features, spec.target}
    return {**profile, "columns": [c for c in profile["columns"] if c["name"] in keep], "dataset_version": str(version)}


def train_job(job: TrainingJob, frame: pd.DataFrame, progress: Progress) -> Outcome:
    spec = TrainingSpec.from_dict(job.spec)
    try:
        result = train(
            frame,
            spec,
            task_type=job.project.task_type,
            progress=progress.update,
            should_stop=progress.should_stop,
            scheduler_address=settings.DASK_SCHEDULER_ADDRESS,
        )
    except SearchCancelled:
        raise Stopped(progress.stop_reason or "cancelled") from None
    progress.update(1, 1, stage="recording")
    acceptance = check_criteria(result.holdout_metrics, job.project.acceptance_criteria)
    artifacts = {
        MODEL_PATH: (save_pipeline(result.pipeline), "application/octet-stream"),
        "model/signature.json": (_json(result.signature), "application/json"),
        "model/input_example.json": (_json(result.input_example), "application/json"),
        "evaluation/metrics.json": (_json(result.holdout_metrics), "application/json"),
        "evaluation/details.json": (_json(result.evaluation), "application/json"),
        "evaluation/permutation_importance.json": (_json(result.permutation_importance), "application/json"),
        "evaluation/acceptance.json": (_json(acceptance), "application/json"),
        "search/cv_results.json": (_json(result.cv_results), "application/json"),
        "search/summary.json": (_json(result.cv_summary), "application/json"),
        "data/training_profile.json": (_json(_training_profile(job.dataset_version, spec)), "application/json"),
        "environment.json": (_json({"versions": result.versions, "timings": result.timings}), "application/json"),
    }
    return Outcome(result=result, acceptance=acceptance, artifacts=artifacts, frame=frame, spec=spec)


def _as_param(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _params(job: TrainingJob, result: TrainingResult) -> dict[str, str]:
    spec = job.spec
    params = {
        "estimator": spec["estimator"],
        "search": spec["search"]["kind"],
        "cv_folds": spec["cv_folds"],
        "scoring": result.cv_summary["scoring"],
        "holdout_fraction": spec["holdout_fraction"],
        "seed": spec["seed"],
        "target": spec["target"],
        "n_features": len(spec["features"]),
    }
    params.update(result.best_params)
    return {key: _as_param(value)[:6000] for key, value in params.items()}


def _metrics(result: TrainingResult) -> list[dict[str, Any]]:
    points = [
        {"key": key, "value": value, "step": 0} for key, value in result.holdout_metrics.items() if value is not None
    ]
    points.append({"key": "cv_best_score", "value": result.cv_summary["best_score_mean"], "step": 0})
    points += [
        {"key": "cv_mean_test_score", "value": c["mean_test_score"], "step": i}
        for i, c in enumerate(result.cv_results)
        if c.get("mean_test_score") is not None
    ]
    return points[:1000]


def _tags(job: TrainingJob, outcome: Outcome) -> dict[str, str]:
    return {
        "keel.training_job": str(job.uid),
        "keel.dataset": str(job.dataset_version),
        "keel.acceptance": "passed" if outcome.acceptance["passed"] else "failed",
    }


def summary(outcome: Outcome) -> dict[str, Any]:
    return {
        "metrics": outcome.result.holdout_metrics,
        "cv": outcome.result.cv_summary,
        "acceptance": outcome.acceptance,
        "best_params": outcome.result.best_params,
        "timings": outcome.result.timings,
    }


def record_run(job: TrainingJob, outcome: Outcome) -> Any:
    """The job's run with its params, metrics, input and artifacts (inside the caller's transaction)."""
    user = job.created_by
    experiment = runs.experiment_get_or_create(project=job.project, name=job.experiment_name, user=user)
    name = job.run_name or f"{job.spec['estimator']}-{job.uid.hex[:8]}"
    run = runs.run_create(
        experiment=experiment,
        user=user,
        name=name,
        code_version=job.code_version,
        source=RunSource.TRAINING,
        tags=_tags(job, outcome),
    )
    runs.run_log_batch(run=run, user=user, params=_params(job, outcome.result), metrics=_metrics(outcome.result))
    runs.run_log_input(run=run, user=user, dataset_version=job.dataset_version, role="training")
    for path, (data, content_type) in outcome.artifacts.items():
        runs.run_artifact_put(run=run, user=user, path=path, fileobj_or_bytes=data, content_type=content_type)
    return runs.run_set_status(run=run, user=user, status=RunStatus.FINISHED)


def register_version(job: TrainingJob, run: Any, outcome: Outcome) -> ModelVersion | None:
    """Auto-register when asked and the acceptance criteria pass; evaluate it and the champion on its holdout."""
    if not job.register_model_name or not outcome.acceptance["passed"]:
        return None
    version = model_version_create_from_run(
        project=job.project, user=job.created_by, model_name=job.register_model_name, run=run, training_job_uid=job.uid
    )
    evaluate_on_holdout(
        candidate=version,
        frame=outcome.frame,
        spec=outcome.spec,
        dataset_version=job.dataset_version,
        task_type=job.project.task_type,
        candidate_metrics=outcome.result.holdout_metrics,
    )
    return version


def delete_orphans(outcome: Outcome) -> None:
    for data, _ in outcome.artifacts.values():
        sha = hashlib.sha256(data).hexdigest()
        if not RunArtifact.objects.filter(sha256=sha).exists():
            blob_delete(sha)
