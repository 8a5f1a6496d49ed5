from __future__ import annotations

from typing import Any

from celery import shared_task

from core.tasks import fan_out
from serving import rollouts


@shared_task(name="serving.advance_rollouts", acks_late=True, soft_time_limit=60, time_limit=90)
def advance_rollouts() -> int:
    """Beat fan-out: one small task per deployment with a rollout in progress."""
    return fan_out(rollout_tick, rollouts.rollouts_active())


@shared_task(name="serving.rollout_tick", acks_late=True, soft_time_limit=60, time_limit=90)
def rollout_tick(deployment_id: int) -> str:
    decision = rollouts.rollout_tick(deployment_id=deployment_id)
    return decision.action if decision else "none"


@shared_task(name="serving.ensure_partitions", acks_late=True, soft_time_limit=300, time_limit=360)
def ensure_partitions() -> list[str]:
    """Create the prediction log's partitions ahead of time (Postgres; a no-op on SQLite). Idempotent."""
    from serving.partitions import partitions_ensure

    return partitions_ensure()


@shared_task(name="serving.apply_retention", acks_late=True, soft_time_limit=3000, time_limit=3300)
def apply_retention() -> list[dict[str, Any]]:
    """Export (where a project asks) and drop the partitions past every owning project's retention."""
    from serving.retention import retention_apply

    return retention_apply()
