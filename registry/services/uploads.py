"""External models: uploads of models trained elsewhere (maintainers and above).

skops files are loaded with the trusted-type allow-list; pickle/joblib files are accepted only when the project
allows them, and are loaded only in a separate process (registry.model_check) that makes a smoke prediction on
the input example. A failing upload is rejected with the reason and leaves nothing behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

import pandas as pd
from django.conf import settings

from core.errors import Forbidden, PayloadTooLarge, ValidationFailed
from core.models import Project, User
from core.storage import blob_put_bytes
from registry import model_io
from registry.models import ModelFormat, ModelVersion, VersionSource
from registry.services.blobs import delete_unreferenced_blobs
from registry.services.models import model_version_create, registered_model_get_or_create

CHECK_TIMEOUT = 120


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "numeric"
    return "categorical"


def signature_from_example(rows: list[dict[str, Any]], task_type: str) -> dict[str, Any]:
    names = list(rows[0])
    inputs = [{"name": n, "kind": _kind(rows[0][n]), "nullable": any(r.get(n) is None for r in rows)} for n in names]
    return {"inputs": inputs, "output": {"task_type": task_type}}


def _clean_example(example: Any) -> list[dict[str, Any]]:
    if not isinstance(example, list) or not example or not all(isinstance(r, dict) and r for r in example):
        raise ValidationFailed.field("input_example", "a non-empty list of row objects is required")
    if len(example) > 100:
        raise ValidationFailed.field("input_example", "at most 100 rows")
    if any(set(r) != set(example[0]) for r in example):
        raise ValidationFailed.field("input_example", "every row needs the same fields")
    return example


def _check_skops(data: bytes, example: list[dict[str, Any]]) -> None:
    try:
        pipeline = model_io.load_pipeline(data)
        pipeline.predict(pd.DataFrame(example))
    except model_io.UntrustedModelError as exc:
        raise ValidationFailed.field("file", str(exc), "untrusted_types") from None
    except Exception as exc:
        raise ValidationFailed.field(
            "file", f"smoke prediction failed: {type(exc).__name__}: {exc}", "smoke_test_failed"
        ) from None


def _check_isolated(fmt: str, data: bytes, example: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory(prefix="keel-model-check-") as folder:
        model_path, example_path = Path(folder) / "model", Path(folder) / "example.json"
        model_path.write_bytes(data)
        example_path.write_text(json.dumps(example))
        try:
            out = subprocess.run(  # noqa: S603 - fixed interpreter and module, paths we created
                [sys.executable, "-m", "registry.model_check", fmt, str(model_path), str(example_path)],
                capture_output=True,
                text=True,
                timeout=CHECK_TIMEOUT,
                cwd=settings.BASE_DIR,
                check=False,
                env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(settings.BASE_DIR)},
            )
        except subprocess.TimeoutExpired:
            raise ValidationFailed.field("file", f"loading took over {CHECK_TIMEOUT}s", "smoke_test_failed") from None
    lines = out.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"ok": False, "error": out.stderr.strip()[-500:] or "no output"}
    if not result.get("ok"):
        raise ValidationFailed.field("file", f"smoke prediction failed: {result.get('error')}", "smoke_test_failed")


def model_version_upload(
    *,
    project: Project,
    user: User,
    model_name: str,
    fileobj: IO[bytes],
    fmt: str,
    input_example: Any,
    signature: dict[str, Any] | None = None,
    description: str = "",
) -> ModelVersion:
    if fmt not in ModelFormat.values:
        raise ValidationFailed.field("format", f"one of {', '.join(ModelFormat.values)}")
    if fmt != ModelFormat.SKOPS and not project.allow_pickle_models:
        raise Forbidden("This project does not accept pickle/joblib models (allow_pickle_models is off).")
    data = fileobj.read(settings.KEEL_MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.KEEL_MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(
            "file: over the upload limit", errors=[{"field": "file", "message": "too large", "code": "too_large"}]
        )
    example = _clean_example(input_example)
    if fmt == ModelFormat.SKOPS:
        _check_skops(data, example)
    else:
        _check_isolated(fmt, data, example)
    blob = blob_put_bytes(data)
    try:
        model = registered_model_get_or_create(project=project, user=user, name=model_name)
        return model_version_create(
            registered_model=model,
            user=user,
            source=VersionSource.UPLOAD,
            artifact_sha256=blob.sha256,
            artifact_size=blob.size,
            artifact_format=fmt,
            input_example=example,
            description=description,
            signature=signature or signature_from_example(example, project.task_type),
        )
    except BaseException:
        if blob.created:
            delete_unreferenced_blobs([blob.sha256])
        raise
