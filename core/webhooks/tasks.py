"""Celery tasks for webhooks (imported at the end of core/tasks.py so autodiscovery registers them)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from core.webhooks import delivery

__all__ = ["WEBHOOK_QUEUE", "deliver_webhook", "enqueue_delivery", "sweep_webhook_deliveries"]

# Named on every enqueue: Celery 5.5 deprecates the `queue` task attribute.
WEBHOOK_QUEUE = "default"


@shared_task(
    name="core.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=30,
    time_limit=45,
    ignore_result=True,
)
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at a webhook delivery; enqueues the next attempt at the time the attempt asks for."""
    outcome = delivery.webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_at is not None:
        enqueue_delivery(delivery_id, eta=outcome.retry_at)
    return outcome.status


def enqueue_delivery(delivery_id: int, *, eta: datetime | None = None) -> None:
    deliver_webhook.apply_async(args=[delivery_id], eta=eta, queue=WEBHOOK_QUEUE)


@shared_task(name="core.sweep_webhook_deliveries", acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_webhook_deliveries() -> int:
    """Re-enqueue overdue open deliveries whose message was lost; safe to run any time (attempts are claimed)."""
    overdue = delivery.webhook_deliveries_overdue_ids()
    for delivery_id in overdue:
        enqueue_delivery(delivery_id)
    return len(overdue)
