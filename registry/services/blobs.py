"""Garbage collection of content-addressed blobs: one place that knows every table referencing a sha256."""

from __future__ import annotations

from core.storage import blob_delete
from registry import hooks
from registry.models import DatasetVersion, ModelVersion, RunArtifact


def blob_referenced(sha: str) -> bool:
    return (
        DatasetVersion.objects.filter(sha256=sha).exists()
        or DatasetVersion.objects.filter(profile_sha256=sha).exists()
        or RunArtifact.objects.filter(sha256=sha).exists()
        or ModelVersion.objects.filter(artifact_sha256=sha).exists()
        or ModelVersion.objects.filter(onnx_sha256=sha).exists()
        or ModelVersion.objects.filter(capabilities__onnx_sha256=sha).exists()  # the graph ONNX Runtime serves
        or ModelVersion.objects.filter(reference_profile_sha256=sha).exists()
        or hooks.blob_used_elsewhere(sha)  # e.g. serving's prediction-log exports
    )


def delete_unreferenced_blobs(hashes: list[str]) -> None:
    """Delete the blobs among ``hashes`` that no dataset version, run artifact or model version references."""
    for sha in set(hashes):
        if not blob_referenced(sha):
            blob_delete(sha)
