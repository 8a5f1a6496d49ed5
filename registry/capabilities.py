"""Which of Keel's extras a model version supports, computed once when it is registered (pure: no Django).

Any fitted scikit-learn estimator or Pipeline is a model; the extras degrade instead of refusing it:

- ``signature``: the version has named, typed inputs (needed to validate requests and to serve OIP tensors).
- ``explanations``: ``explain=true`` on predict perturbs each feature to a baseline, so it needs a baseline for every
  feature (a training profile, or ``min``/``max`` in the signature) and, for classifiers, ``predict_proba``.
- ``onnx_export``: the pipeline actually converts with skl2onnx in Keel's one-input-per-feature layout.
- ``fast_path``: ONNX Runtime serves the version: its ONNX graph agreed with scikit-learn at registration
  (registry/engine.py). ``engine`` says which engine serves it (``onnxruntime`` or ``sklearn``), ``parity`` the
  figures of the comparison (rows, label mismatches and the largest probability difference, or for regressors the
  largest absolute and relative differences), ``missing_values`` which engine answers rows with a missing number.

``reasons`` says, for each extra a version lacks, why. Computing this loads the model, converts it to ONNX and
compares the two on a few thousand generated rows, so it is stored on the version at registration rather than
computed per request; :func:`assess` also returns the ONNX graph, which the registry stores beside the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from registry import engine

EXTRAS = ("signature", "explanations", "onnx_export", "fast_path")


def describe(pipeline: Any) -> str:
    steps = getattr(pipeline, "steps", None)
    if steps and len(steps) == 1:
        return type(steps[0][1]).__name__
    if steps:
        return "Pipeline(" + ", ".join(type(step).__name__ for _, step in steps) + ")"
    return type(pipeline).__name__


def _signature_reason(signature: dict[str, Any]) -> str | None:
    if not signature.get("inputs"):
        return "the version has no input signature; upload it with an input_example or a signature"
    return None


def _explanations_reason(pipeline: Any, signature: dict[str, Any], has_profile: bool) -> str | None:
    output = signature.get("output") or {}
    if output.get("task_type") == "classification" and not hasattr(pipeline, "predict_proba"):
        return f"{describe(pipeline)} has no predict_proba, which explanations of a classifier need"
    if has_profile:
        return None
    missing = [s["name"] for s in signature.get("inputs", []) if s.get("min") is None or s.get("max") is None]
    if missing:
        return (
            f"no baseline for {len(missing)} feature(s) (first: {missing[0]!r}): register the version from a run with "
            "a training dataset, or give min and max for every feature in the signature"
        )
    return None


def _onnx_reason(pipeline: Any, signature: dict[str, Any], choice: engine.EngineChoice) -> str | None:
    first = pipeline.steps[0][1] if getattr(pipeline, "steps", None) else pipeline
    numeric = all(s.get("kind") in ("numeric", "integer") for s in signature.get("inputs", []))
    if not hasattr(first, "transformers_") and not numeric:
        return (
            f"ONNX export feeds one input per feature, which needs a ColumnTransformer as the first step when some "
            f"features are not numeric; {describe(pipeline)} has none"
        )
    return choice.export_reason


def assess(
    pipeline: Any,
    signature: dict[str, Any],
    *,
    has_profile: bool = False,
    example: Sequence[Mapping[str, Any]] = (),
) -> tuple[dict[str, Any], bytes | None]:
    """The capabilities (see :func:`version_capabilities`) and the ONNX graph ONNX Runtime serves, or None."""
    signature_reason = _signature_reason(signature)
    if signature_reason:
        return unknown_capabilities(signature_reason), None
    choice = engine.choose_engine(pipeline, signature, example)
    checks = {
        "explanations": lambda: _explanations_reason(pipeline, signature, has_profile),
        "onnx_export": lambda: _onnx_reason(pipeline, signature, choice),
        "fast_path": lambda: choice.capabilities.get("reason"),
    }
    reasons = {extra: reason for extra, check in checks.items() if (reason := check())}
    served = {k: v for k, v in choice.capabilities.items() if k != "reason"}
    capabilities = {**{extra: extra not in reasons for extra in EXTRAS}, "reasons": reasons, **served}
    return capabilities, choice.onnx


def version_capabilities(
    pipeline: Any,
    signature: dict[str, Any],
    *,
    has_profile: bool = False,
    example: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``{"signature": bool, "explanations": bool, "onnx_export": bool, "fast_path": bool, "reasons": {...},
    "engine": "onnxruntime" | "sklearn", "parity": {...}, "missing_values": ...}``."""
    return assess(pipeline, signature, has_profile=has_profile, example=example)[0]


def unknown_capabilities(reason: str) -> dict[str, Any]:
    """Every extra off, for a version whose model could not be loaded to find out."""
    return {**dict.fromkeys(EXTRAS, False), "reasons": dict.fromkeys(EXTRAS, reason), "engine": "sklearn"}
