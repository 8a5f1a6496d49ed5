from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

from celery import Task, shared_task

from core.audit_checkpoints import audit_checkpoints_write
from core.models import Heartbeat


def fan_out(task: Task, ids: Sequence[Any]) -> int:
    """A beat task's fan-out: enqueue ``task`` once per id, so each unit of work is its own small task; returns
    how many were enqueued."""
    for item in ids:
        task.delay(item)
    return len(ids)


@shared_task(name="core.heartbeat", acks_late=True, reject_on_worker_lost=True, soft_time_limit=30, time_limit=60)
def heartbeat(token: str) -> dict[str, str]:
    """Prove the wiring: a worker took this from the broker and wrote to the database. Idempotent per token."""
    beat, _ = Heartbeat.objects.get_or_create(token=token, defaults={"worker": socket.gethostname()})
    return {"token": beat.token, "worker": beat.worker}


@shared_task(name="core.audit_checkpoint", soft_time_limit=600, time_limit=660)
def audit_checkpoint() -> dict[str, int]:
    """Sign each audit chain that grew since its last checkpoint (refusals are logged as errors)."""
    return {"written": len(audit_checkpoints_write().written)}


from core.webhooks.tasks import *  # noqa: E402,F403
