"""Which of Keel's extras a model version supports, computed once when it is registered (pure: no Django).

Any fitted scikit-learn estimator or Pipeline is a model; the extras degrade instead of refusing it:

- ``signature``: the version has named, typed inputs (needed to validate requests and to serve OIP tensors).
- ``explanations``: ``explain=true`` on predict perturbs each feature to a baseline, so it needs a baseline for every
  feature (a training profile, or ``min``/``max`` in the signature) and, for classifiers, ``predict_proba``.
- ``onnx_export``: the pipeline actually converts with skl2onnx in Keel's one-input-per-feature layout.
- ``fast_path``: the compiled numeric path (serving/compiled.py) compiles and agrees with the plain pipeline; serving
  answers that through ``extra_checks`` (the registry may not import serving), see ``registry.hooks``.

``reasons`` says, for each extra a version lacks, why. Computing this loads the model and tries an ONNX conversion,
so it is stored on the version at registration rather than computed per request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.exports.onnx import OnnxExportError, convert_to_onnx

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


def _onnx_reason(pipeline: Any, signature: dict[str, Any]) -> str | None:
    first = pipeline.steps[0][1] if getattr(pipeline, "steps", None) else pipeline
    if not hasattr(first, "transformers_"):
        return (
            f"ONNX export feeds one input per feature, which needs a ColumnTransformer as the first step; "
            f"{describe(pipeline)} has none"
        )
    try:
        convert_to_onnx(pipeline, signature)
    except OnnxExportError as exc:
        return exc.reason
    except Exception as exc:  # skl2onnx and onnxruntime raise their own types for gaps
        return f"{type(exc).__name__}: {exc}"[:300]
    return None


def version_capabilities(
    pipeline: Any,
    signature: dict[str, Any],
    *,
    has_profile: bool = False,
    extra_checks: dict[str, Callable[[], str | None]] | None = None,
) -> dict[str, Any]:
    """``{"signature": bool, "explanations": bool, "onnx_export": bool, "fast_path": bool, "reasons": {...}}``.

    ``extra_checks`` maps an extra that a higher layer judges (``fast_path``) to a call returning why the version
    lacks it, or None; an extra with no check is reported as lacking, with that as its reason."""
    reasons: dict[str, str] = {}
    signature_reason = _signature_reason(signature)
    if signature_reason:
        reasons = {extra: signature_reason for extra in EXTRAS}
    else:
        checks = {
            "explanations": lambda: _explanations_reason(pipeline, signature, has_profile),
            "onnx_export": lambda: _onnx_reason(pipeline, signature),
            "fast_path": lambda: "no check for the compiled path is installed (the serving app is not loaded)",
            **(extra_checks or {}),
        }
        for extra, check in checks.items():
            reason = check()
            if reason:
                reasons[extra] = reason
    return {**{extra: extra not in reasons for extra in EXTRAS}, "reasons": reasons}


def unknown_capabilities(reason: str) -> dict[str, Any]:
    """Every extra off, for a version whose model could not be loaded to find out."""
    return {**dict.fromkeys(EXTRAS, False), "reasons": dict.fromkeys(EXTRAS, reason)}
