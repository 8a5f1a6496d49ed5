"""The inference hot path: route, validate, predict, log. See DESIGN.md section 5.

Warm requests make no routing or model queries (both are cached per process); the prediction log is written with
one insert, committed together with concurrent requests' rows (serving/prediction_log.py), and a prediction whose log
write fails is not returned (503). Shadow variants are predicted on a background thread after the response is
computed.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
from django.db import DatabaseError, connection
from django.utils import timezone

from core.errors import DomainError, ServiceUnavailable, ValidationFailed
from core.storage import blob_read_verified
from registry import engine
from registry.tabular import json_scalar
from serving import prediction_log, runtime, validation
from serving.runtime import DeploymentTable, VariantInfo

logger = logging.getLogger(__name__)
SHADOW_EXECUTOR: Executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="keel-shadow")


class ModelFailure(DomainError):
    status_code = 500
    code = "model_error"
    title = "The model failed to predict"


@dataclass
class PredictRequest:
    payload: dict[str, Any]
    routing_key: str
    explain: bool
    caller: str
    request_id: str
    subject_id: str | None = None  # whose data this is, for erasure requests (serving/erasure.py)


def run_model(loaded: runtime.LoadedModel, rows: list[dict[str, Any]], signature: dict[str, Any]) -> dict[str, Any]:
    """Predictions (and class probabilities for classifiers) for a batch, from the version's engine (ONNX Runtime or
    scikit-learn, serving/runtime.py)."""
    labels, probabilities = loaded.predict(rows, signature)
    values = labels.tolist()
    if labels.dtype.kind not in "biu":  # only floats (nan, inf) and objects (NumPy scalars) need a look
        values = [json_scalar(v) for v in values]
    out: dict[str, Any] = {"predictions": values}
    if probabilities is not None:
        out["classes"] = [json_scalar(c) for c in loaded.classes]
        out["probabilities"] = probabilities.tolist()  # unrounded: the estimator's own predict_proba
    return out


def predict(table: DeploymentTable, request: PredictRequest) -> dict[str, Any]:
    policy = table.policy or {}
    rows, errors = validation.rows_from_payload(request.payload, int(policy.get("max_batch", 1000)))
    if errors:
        raise ValidationFailed(errors[0]["message"], errors=errors)
    key = request.routing_key or request.request_id
    try:
        route = table.table.choose(key)
    except LookupError:
        raise ServiceUnavailable(f"No variant of {table.name!r} can take traffic (unhealthy or unapproved).") from None
    variant = table.variants[route.name]
    checked = validation.check_rows(
        rows,
        variant.version.signature,
        unknown_features=policy.get("unknown_features", "error"),
        flag_out_of_range=bool(policy.get("flag_out_of_range", True)),
        missing_values=policy.get("missing_values"),
    )
    if checked.errors:
        raise ValidationFailed(f"{checked.errors[0]['field']}: {checked.errors[0]['message']}", errors=checked.errors)
    response = _answer(table, variant, checked, request)
    _mirror(table, key, checked, request)
    return response


def _answer(
    table: DeploymentTable, variant: VariantInfo, checked: validation.Checked, request: PredictRequest
) -> dict[str, Any]:
    started = time.perf_counter()
    loaded = runtime.models.get(variant.version)
    try:
        result = run_model(loaded, checked.rows, variant.version.signature)
    except Exception as exc:
        latency = (time.perf_counter() - started) * 1000
        _log(table, variant, checked, request, {"error": str(exc)[:500]}, latency, error=str(exc)[:500])
        raise ModelFailure(f"{type(exc).__name__}: {exc}") from exc
    if request.explain:
        frame = engine.frame(checked.rows, variant.version.signature)
        result["explanations"] = explain(loaded.pipeline, frame, variant.version, result)
    latency = (time.perf_counter() - started) * 1000
    ids = _log(table, variant, checked, request, result, latency)
    version = variant.version
    answer = {
        "request_id": request.request_id,
        "deployment": table.name,
        "revision": table.revision_number,
        "variant": variant.name,
        "model": {"name": version.registered_model.name, "version": version.number},
        "prediction_ids": ids,
        **result,
        "flags": checked.flags,
        "latency_ms": round(latency, 3),
    }
    if checked.any_missing:
        answer["missing"] = checked.missing
    return answer


def _per_row(result: dict[str, Any], index: int, missing: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"prediction": result["predictions"][index]}
    if "probabilities" in result:
        row["probabilities"] = dict(zip(map(str, result["classes"]), result["probabilities"][index], strict=True))
    if missing:
        row["missing"] = missing  # features predicted with a missing value (policy missing_values)
    return row


def outputs_json(result: dict[str, Any], missing: list[list[str]]) -> list[str]:
    """Each row's logged outputs (``_per_row``) as JSON text, equal to ``json.dumps`` of them: from one format
    string per request when no row has missing features and every probability is finite."""
    predictions = result["predictions"]
    if not any(missing):
        plain = all(type(label) is int for label in predictions)  # an int's str is its JSON
        labels = list(map(str, predictions)) if plain else [json.dumps(label) for label in predictions]
        if "probabilities" not in result:
            return [f'{{"prediction": {label}}}' for label in labels]
        keys = [json.dumps(str(c)) for c in result["classes"]]
        probabilities = result["probabilities"]
        if len(set(keys)) == len(keys) and all(map(math.isfinite, chain.from_iterable(probabilities))):
            shown = ", ".join(key.replace("%", "%%") + ": %r" for key in keys)
            row = '{"prediction": %s, "probabilities": {' + shown + "}}"
            return [row % (label, *values) for label, values in zip(labels, probabilities, strict=True)]
    return [json.dumps(_per_row(result, i, missing[i] if missing else [])) for i in range(len(predictions))]


def uuid4_strings(count: int) -> list[str]:
    """``count`` random (version 4, RFC 4122 variant) UUIDs as strings, as ``str(uuid.uuid4())`` spells them, from
    one read of the OS's random source: building ``uuid.UUID`` objects cost a 100-row batch more than its model."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(byte & 0x0F | 0x40 for byte in raw[6::16])
    raw[8::16] = bytes(byte & 0x3F | 0x80 for byte in raw[8::16])
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def _log(
    table: DeploymentTable,
    variant: VariantInfo,
    checked: validation.Checked,
    request: PredictRequest,
    result: dict[str, Any],
    latency: float,
    *,
    error: str = "",
    shadow: bool = False,
) -> list[str]:
    count = len(checked.rows)
    ids = uuid4_strings(count)
    shared = {
        "created_at": timezone.now(),
        "request_id": request.request_id,
        "project_id": table.project_id,
        "deployment_id": table.deployment_id,
        "revision_number": table.revision_number,
        "variant": variant.name,
        "model_version_id": variant.version.pk,
        "caller": request.caller[:200],
        "routing_key": request.routing_key[:200],
        "subject_id": request.subject_id,
        "latency_ms": latency / max(1, count),
        "is_error": bool(error),
        "error": error,
        "shadow": shadow,
    }
    varying: dict[str, list[Any]] = {
        "prediction_id": ids,
        "inputs": checked.rows,
        "flags": checked.flags or [[] for _ in range(count)],
    }
    texts = {"inputs": checked.rows_json(), "flags": [json.dumps(f) if f else "[]" for f in varying["flags"]]}
    if error:
        shared["outputs"] = {}
    else:
        texts["outputs"] = outputs_json(result, checked.missing)
    try:
        prediction_log.write_log(prediction_log.LogRows(shared, varying, texts))
    except DatabaseError as exc:
        logger.exception("prediction log write failed")
        raise ServiceUnavailable("The prediction could not be recorded in the audit log; it was not returned.") from exc
    return ids


# --- shadow traffic -------------------------------------------------------------------------------------------


def _mirror(table: DeploymentTable, key: str, checked: validation.Checked, request: PredictRequest) -> None:
    for route in table.table.shadows_for(key):
        SHADOW_EXECUTOR.submit(_shadow, table, table.variants[route.name], checked, request)


def _shadow(table: DeploymentTable, variant: VariantInfo, checked: validation.Checked, request: PredictRequest) -> None:
    try:
        started = time.perf_counter()
        loaded = runtime.models.get(variant.version)
        result = run_model(loaded, checked.rows, variant.version.signature)
        _log(table, variant, checked, request, result, (time.perf_counter() - started) * 1000, shadow=True)
    except Exception:
        logger.exception("shadow prediction failed for %s", variant.name)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # worker threads own their connections


# --- explanations -------------------------------------------------------------------------------------------------

_BASELINES: dict[int, dict[str, Any]] = {}


def baseline(version: Any) -> dict[str, Any]:
    """A reference value per feature: the training median (numeric) or most frequent value (categorical)."""
    if version.pk in _BASELINES:
        return _BASELINES[version.pk]
    values: dict[str, Any] = {}
    if version.reference_profile_sha256:
        profile = json.loads(blob_read_verified(version.reference_profile_sha256))
        for column in profile.get("columns", []):
            if column.get("quantiles"):
                values[column["name"]] = column["quantiles"].get("p50")
            elif column.get("frequencies"):
                values[column["name"]] = column["frequencies"][0]["value"]
    for spec in version.signature.get("inputs", []):
        if spec["name"] not in values:
            low, high = spec.get("min"), spec.get("max")
            values[spec["name"]] = (low + high) / 2 if low is not None and high is not None else None
    _BASELINES[version.pk] = values
    return values


def explain(pipeline: Any, frame: pd.DataFrame, version: Any, result: dict[str, Any]) -> list[dict[str, float]]:
    """Per-feature contributions: how much the score (probability of the predicted class, or the predicted value)
    drops when that feature alone is replaced by its training baseline. One batched model call."""
    reference = baseline(version)
    columns = list(frame.columns)
    perturbed = pd.concat([frame.assign(**{c: reference.get(c)}) for c in columns], ignore_index=True)
    if engine.is_classifier(pipeline):
        classes = list(pipeline.classes_)
        picked = [classes.index(p) for p in pipeline.predict(frame)]
        base = pipeline.predict_proba(frame)[np.arange(len(frame)), picked]
        moved = pipeline.predict_proba(perturbed).reshape(len(columns), len(frame), len(classes))
        scores = moved[:, np.arange(len(frame)), picked]
    else:
        base = np.asarray(pipeline.predict(frame), dtype=float)
        scores = np.asarray(pipeline.predict(perturbed), dtype=float).reshape(len(columns), len(frame))
    deltas = base[None, :] - scores
    return [{c: round(float(deltas[j, i]), 6) for j, c in enumerate(columns)} for i in range(len(frame))]
