"""Registry events for webhook subscribers (delivered by core.webhooks after commit)."""

from __future__ import annotations

from typing import Any

from core.models import Project


def emit(*, project: Project, event_type: str, payload: dict[str, Any]) -> None:
    try:
        from core.webhooks.services import webhook_emit
    except ImportError:  # webhooks not installed in this build
        return
    webhook_emit(project=project, event_type=event_type, payload=payload)


def version_payload(version: Any) -> dict[str, Any]:
    return {
        "model": version.registered_model.name,
        "version": version.number,
        "approval": version.approval,
        "health": version.health,
        "artifact_sha256": version.artifact_sha256,
    }
