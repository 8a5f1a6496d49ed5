from __future__ import annotations

from celery import shared_task

from serving import rollouts


@shared_task(name="serving.advance_rollouts", acks_late=True, soft_time_limit=60, time_limit=90)
def advance_rollouts() -> int:
    """Beat fan-out: one small task per deployment with a rollout in progress."""
    ids = rollouts.rollouts_active()
    for deployment_id in ids:
        rollout_tick.delay(deployment_id)
    return len(ids)


@shared_task(name="serving.rollout_tick", acks_late=True, soft_time_limit=60, time_limit=90)
def rollout_tick(deployment_id: int) -> str:
    decision = rollouts.rollout_tick(deployment_id=deployment_id)
    return decision.action if decision else "none"
