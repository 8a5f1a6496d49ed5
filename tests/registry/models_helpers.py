from __future__ import annotations

import functools
from typing import Any

import pandas as pd
from sklearn.datasets import load_breast_cancer

from core.storage import blob_put_bytes
from registry.model_io import save_pipeline
from registry.services.models import model_version_create, registered_model_get_or_create
from training.trainers.spec import validate_spec
from training.trainers.train import train


@functools.lru_cache(maxsize=4)
def trained(c: float = 1.0, features: tuple[str, ...] = ()) -> Any:
    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    columns = {name: "numeric" for name in frame.columns}
    columns["target"] = "integer"
    roles = {name: "feature" for name in frame.columns} | {"target": "target"}
    raw: dict[str, Any] = {
        "target": "target",
        "estimator": "logistic_regression",
        "params": {"C": c},
        "cv_folds": 3,
        "n_jobs": 1,
    }
    if features:
        raw["features"] = list(features)
    spec, errors = validate_spec(
        raw,
        task_type="classification",
        columns=columns,
        roles=roles,
        n_rows=len(frame),
        class_counts=frame["target"].value_counts().to_dict(),
    )
    assert not errors, errors
    return train(frame, spec, task_type="classification")


def make_version(
    project,
    user,
    *,
    name: str = "cancer",
    c: float = 1.0,
    features: tuple[str, ...] = (),
    metrics: dict[str, float] | None = None,
):
    result = trained(c, features)
    blob = blob_put_bytes(save_pipeline(result.pipeline))
    model = registered_model_get_or_create(project=project, user=user, name=name)
    return model_version_create(
        registered_model=model,
        user=user,
        source="run",
        artifact_sha256=blob.sha256,
        artifact_size=blob.size,
        signature=result.signature,
        input_example=result.input_example,
        metrics=metrics if metrics is not None else result.holdout_metrics,
    )


def cancer_frame() -> pd.DataFrame:
    frame = load_breast_cancer(as_frame=True).frame
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    return frame
