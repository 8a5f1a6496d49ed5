"""Evaluating registered versions on shared data, so the approval gate compares like with like.

The default evaluation set of a version trained by Keel is its own holdout (same dataset version, seed, holdout
fraction and target); the champion is evaluated on exactly those rows. Any version can also be evaluated on a
whole dataset version. Rows sharing an ``evaluation_key`` were computed on the same data.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from core.errors import ValidationFailed
from registry.models import DatasetVersion, ModelVersion
from registry.selectors.datasets import dataset_version_frame
from registry.services.approvals import champion_of, model_evaluation_record
from registry.services.models import model_version_load
from training.models import TrainingJob
from training.trainers.evaluate import evaluate
from training.trainers.spec import TrainingSpec
from training.trainers.train import prepare_data

logger = logging.getLogger(__name__)


def holdout_key(version: DatasetVersion, spec: TrainingSpec) -> str:
    return f"holdout:{version.sha256[:16]}:{spec.target}:seed={spec.seed}:fraction={spec.holdout_fraction}"


def _metrics_on(version: ModelVersion, X: pd.DataFrame, y: Any, task_type: str) -> dict[str, Any] | None:
    features = [f["name"] for f in version.signature.get("inputs", [])]
    missing = [name for name in features if name not in X.columns]
    if missing:
        logger.info("%s cannot be evaluated here: missing features %s", version, missing[:5])
        return None
    pipeline = model_version_load(version)
    try:
        return evaluate(pipeline, X[features] if features else X, y, task_type=task_type).metrics
    except (ValueError, TypeError) as exc:
        raise ValidationFailed.field("dataset_version", f"{version} cannot be scored on these rows: {exc}") from None


def evaluate_on_holdout(
    *,
    candidate: ModelVersion,
    frame: pd.DataFrame,
    spec: TrainingSpec,
    dataset_version: DatasetVersion,
    task_type: str,
    candidate_metrics: dict[str, Any] | None = None,
) -> list[str]:
    """Record the candidate's and the champion's metrics on the candidate's holdout rows."""
    key = holdout_key(dataset_version, spec)
    data = prepare_data(frame, spec, task_type)
    rows = frame.loc[data.X_holdout.index]  # every column, so a champion with other features can be scored too
    n = len(rows)
    metrics = candidate_metrics or _metrics_on(candidate, rows, data.y_holdout, task_type) or {}
    model_evaluation_record(
        version=candidate,
        evaluation_key=key,
        metrics=metrics,
        n_rows=n,
        dataset_version=dataset_version,
        description="training holdout",
    )
    champion = champion_of(candidate)
    if champion is not None:
        theirs = _metrics_on(champion, rows, data.y_holdout, task_type)
        if theirs is not None:
            model_evaluation_record(
                version=champion,
                evaluation_key=key,
                metrics=theirs,
                n_rows=n,
                dataset_version=dataset_version,
                description=f"holdout of v{candidate.number}'s training data",
            )
    return [key]


def _job_of(version: ModelVersion) -> TrainingJob | None:
    if version.training_job_uid is None:
        return None
    return TrainingJob.objects.select_related("dataset_version").filter(uid=version.training_job_uid).first()


def model_version_evaluate(*, version: ModelVersion, dataset_version: DatasetVersion | None = None) -> list[str]:
    """Evaluate ``version`` (and the champion) on a dataset version, or by default on its training holdout."""
    task_type = version.registered_model.project.task_type
    job = _job_of(version)
    if dataset_version is None:
        if job is None:
            raise ValidationFailed.field("dataset_version", "required: this version has no Keel training holdout")
        spec = TrainingSpec.from_dict(job.spec)
        frame = dataset_version_frame(version=job.dataset_version)
        return evaluate_on_holdout(
            candidate=version, frame=frame, spec=spec, dataset_version=job.dataset_version, task_type=task_type
        )
    schema_targets = [c["name"] for c in dataset_version.schema if c.get("role") == "target"]
    target = (version.signature.get("output") or {}).get("name") or (schema_targets[0] if schema_targets else None)
    frame = dataset_version_frame(version=dataset_version)
    if not target or target not in frame.columns:
        raise ValidationFailed.field(
            "dataset_version",
            f"has no target column {target!r}: give the label column the role 'target' in the dataset version's "
            'schema (PATCH .../datasets/NAME/versions/N/schema/ {"roles": {COLUMN: "target"}})',
        )
    frame = frame.dropna(subset=[target])
    key = f"dataset:{dataset_version.sha256[:16]}:{target}:all"
    for model in filter(None, [version, champion_of(version)]):
        metrics = _metrics_on(model, frame.drop(columns=[target]), frame[target].to_numpy(), task_type)
        if metrics is not None:
            model_evaluation_record(
                version=model,
                evaluation_key=key,
                metrics=metrics,
                n_rows=len(frame),
                dataset_version=dataset_version,
                description=f"all rows of {dataset_version}",
            )
    return [key]
