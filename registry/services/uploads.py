"""External models: uploads of models trained elsewhere (maintainers and above).

Only skops files are accepted, and they are loaded with the trusted-type allow-list (registry/model_io.py) for a
smoke prediction on the input example. Anything else (a pickle or joblib file, recognised by its content whatever
its name) is refused with the next step: convert it on the user's own machine (``keel models upload``). The server
never unpickles. A failing upload is rejected with the reason and leaves nothing behind.
"""

from __future__ import annotations

from typing import IO, Any

import pandas as pd
from django.conf import settings

from core.errors import PayloadTooLarge, ValidationFailed
from core.models import Project, User
from core.storage import blob_put_bytes
from registry import capabilities, model_io
from registry.models import ModelVersion, VersionSource
from registry.services.blobs import delete_unreferenced_blobs
from registry.services.models import model_version_create, registered_model_get_or_create


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "numeric"
    return "categorical"


def _first_value(rows: list[dict[str, Any]], name: str) -> Any:
    """The feature's first value that is not null (a null says nothing about the kind)."""
    return next((r[name] for r in rows if r.get(name) is not None), None)


def signature_from_example(rows: list[dict[str, Any]], task_type: str, pipeline: Any = None) -> dict[str, Any]:
    """Inputs as the example's fields (the kind from a field's first non-null value); the output as the fitted
    ``pipeline`` predicts (labels and class probabilities for a classifier with ``predict_proba``, values
    otherwise), when it is given."""
    names = list(rows[0])
    inputs = [
        {"name": n, "kind": _kind(_first_value(rows, n)), "nullable": any(r.get(n) is None for r in rows)}
        for n in names
    ]
    output: dict[str, Any] = {"task_type": task_type}
    classes = getattr(pipeline, "classes_", None)
    if pipeline is not None and task_type == "classification" and classes is not None:
        output |= {"prediction": "label", "classes": [_plain(c) for c in classes]}
        if hasattr(pipeline, "predict_proba"):
            output["probabilities"] = True
    elif pipeline is not None:
        output["prediction"] = "value"
    return {"inputs": inputs, "output": output}


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _clean_example(example: Any) -> list[dict[str, Any]]:
    if not isinstance(example, list) or not example or not all(isinstance(r, dict) and r for r in example):
        raise ValidationFailed.field("input_example", "a non-empty list of row objects is required")
    if len(example) > 100:
        raise ValidationFailed.field("input_example", "at most 100 rows")
    if any(set(r) != set(example[0]) for r in example):
        raise ValidationFailed.field("input_example", "every row needs the same fields")
    return example


def _require_skops(data: bytes) -> None:
    """Refuse anything but a skops archive, by content (a pickle named model.skops is still a pickle)."""
    try:
        model_io.require_skops(data)
    except model_io.NotSkopsError as exc:
        code = "pickle_refused" if exc.is_pickle else "not_skops"
        raise ValidationFailed.field("file", f"{exc}. {model_io.CONVERT_PICKLE}", code) from None


def _servable(data: bytes, example: list[dict[str, Any]]) -> tuple[bytes, Any]:
    """The model as skops Pipeline bytes (a bare estimator wrapped, as MLflow registration does) and the loaded
    pipeline, after a smoke prediction on the input example."""
    try:
        servable = model_io.as_pipeline(data)
        pipeline = model_io.load_pipeline(servable)
        pipeline.predict(pd.DataFrame(example))
    except model_io.UntrustedModelError as exc:
        raise ValidationFailed.field("file", str(exc), "untrusted_types") from None
    except Exception as exc:
        raise ValidationFailed.field(
            "file", f"smoke prediction failed: {type(exc).__name__}: {exc}", "smoke_test_failed"
        ) from None
    return servable, pipeline


def model_version_upload(
    *,
    project: Project,
    user: User,
    model_name: str,
    fileobj: IO[bytes],
    input_example: Any,
    signature: dict[str, Any] | None = None,
    description: str = "",
) -> ModelVersion:
    """A new version from an uploaded skops file holding any fitted estimator or Pipeline (a bare estimator is
    stored wrapped in a one-step Pipeline), after a smoke prediction on ``input_example``."""
    data = fileobj.read(settings.KEEL_MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.KEEL_MAX_UPLOAD_BYTES:
        raise PayloadTooLarge.file("file: over the upload limit")
    _require_skops(data)
    example = _clean_example(input_example)
    servable, pipeline = _servable(data, example)
    signature = signature or signature_from_example(example, project.task_type, pipeline)
    blob = blob_put_bytes(servable)
    assessed, onnx_model = capabilities.assess(pipeline, signature, example=example)
    try:
        model = registered_model_get_or_create(project=project, user=user, name=model_name)
        return model_version_create(
            registered_model=model,
            user=user,
            source=VersionSource.UPLOAD,
            artifact_sha256=blob.sha256,
            artifact_size=blob.size,
            input_example=example,
            description=description,
            signature=signature,
            capabilities=assessed,
            onnx_model=onnx_model,
        )
    except BaseException:
        if blob.created:
            delete_unreferenced_blobs([blob.sha256])
        raise
