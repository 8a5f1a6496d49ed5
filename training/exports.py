"""ONNX export of a registered version with a parity check on its holdout rows (training owns the data split)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import transaction

from core.audit import audit_record
from core.errors import Conflict
from core.models import User
from core.storage import blob_put_bytes
from registry.exports.onnx import OnnxExportError, convert_to_onnx, onnx_parity
from registry.models import ModelVersion
from registry.selectors.datasets import dataset_version_frame
from registry.services.models import model_version_load
from training.models import TrainingJob
from training.trainers.spec import TrainingSpec
from training.trainers.train import prepare_data


def _parity_rows(version: ModelVersion) -> tuple[pd.DataFrame, str]:
    job = (
        TrainingJob.objects.select_related("dataset_version").filter(uid=version.training_job_uid).first()
        if version.training_job_uid
        else None
    )
    names = [f["name"] for f in version.signature.get("inputs", [])]
    if job is None:
        return pd.DataFrame(version.input_example, columns=names or None), "input example"
    spec = TrainingSpec.from_dict(job.spec)
    frame = dataset_version_frame(version=job.dataset_version)
    data = prepare_data(frame, spec, version.registered_model.project.task_type)
    return data.X_holdout[names] if names else data.X_holdout, f"holdout of {job.dataset_version}"


def model_version_export_onnx(*, version: ModelVersion, user: User) -> dict[str, Any]:
    """Convert to ONNX, check parity (labels identical, probabilities within 1e-4) and store both on the version.
    Pipelines that do not convert are refused with the reason."""
    if version.artifact_format != "skops":
        raise Conflict(f"{version} is a {version.artifact_format} model; only skops models export to ONNX.")
    pipeline = model_version_load(version)
    try:
        onnx_bytes = convert_to_onnx(pipeline, version.signature)
    except OnnxExportError as exc:
        raise Conflict(
            f"{version} does not convert to ONNX: {exc}",
            errors=[{"field": "version", "message": str(exc), "code": "not_convertible"}],
        ) from None
    rows, description = _parity_rows(version)
    parity = {**onnx_parity(pipeline, onnx_bytes, rows, version.signature, atol=1e-4), "data": description}
    blob = blob_put_bytes(onnx_bytes)
    with transaction.atomic():
        ModelVersion.objects.filter(pk=version.pk).update(onnx_sha256=blob.sha256, onnx_parity=parity)
        version.onnx_sha256, version.onnx_parity = blob.sha256, parity
        audit_record(
            action="model_version.export_onnx",
            actor=user,
            project=version.registered_model.project,
            obj=version,
            data={"sha256": blob.sha256, "parity": parity},
        )
    return {"sha256": blob.sha256, "size": blob.size, "parity": parity}
