"""Alert notifications through channels: signed webhooks and Slack-compatible webhooks (both through core's
SSRF-guarded, retried webhook deliveries, visible in the delivery log) and e-mail (Django's e-mail backend)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.errors import ValidationFailed
from core.models import Project, User
from core.webhooks.models import WebhookDelivery, WebhookSubscription
from core.webhooks.services import validate_webhook_url, webhook_send
from monitoring.models import Alert, ChannelKind, NotificationChannel

logger = logging.getLogger(__name__)


def channel_config(*, project: Project, kind: str, config: dict[str, Any], user: User | None) -> dict[str, Any]:
    """Validate a channel's config; webhook and Slack channels get a private subscription for delivery logging."""
    if kind == ChannelKind.EMAIL:
        recipients = config.get("to")
        if not isinstance(recipients, list) or not recipients or not all("@" in str(r) for r in recipients):
            raise ValidationFailed.field("config.to", "a non-empty list of e-mail addresses")
        return {"to": [str(r) for r in recipients]}
    url = config.get("url")
    if not isinstance(url, str):
        raise ValidationFailed.field("config.url", "required")
    validate_webhook_url(url)
    subscription = WebhookSubscription.objects.create(
        project=project,
        url=url,
        secret=str(config.get("secret") or uuid.uuid4().hex),
        event_types=[],
        description=f"notification channel ({kind})",
        created_by=user,
    )
    return {"url": url, "subscription_id": subscription.pk}


def _text(alert: Alert, state: str) -> str:
    rule = alert.rule
    return (
        f"[{alert.severity.upper()}] {rule.name} {state}: {rule.metric} = "
        f"{alert.last_value if alert.last_value is not None else 'n/a'} ({rule.op} {rule.threshold}) on "
        f"deployment {rule.deployment.name} of project {rule.project.slug}. {alert.message}"
    )


def _payload(alert: Alert, state: str) -> dict[str, Any]:
    rule = alert.rule
    return {
        "alert_id": alert.pk,
        "state": state,
        "rule": rule.name,
        "metric": rule.metric,
        "op": rule.op,
        "threshold": rule.threshold,
        "value": alert.last_value,
        "severity": alert.severity,
        "deployment": rule.deployment.name,
        "started_at": alert.started_at.isoformat(),
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "message": alert.message,
    }


def _webhook(channel: NotificationChannel, alert: Alert, state: str) -> WebhookDelivery:
    """Slack gets its ``{"text": ...}`` body; a webhook channel gets the signed Keel envelope."""
    subscription = WebhookSubscription.objects.get(pk=channel.config["subscription_id"])
    if channel.kind == ChannelKind.SLACK:
        body = json.dumps({"text": _text(alert, state)})
        return webhook_send(subscription=subscription, event_type=f"alert.{state}", body=body)
    return webhook_send(subscription=subscription, event_type=f"alert.{state}", payload=_payload(alert, state))


def notify(alert: Alert, state: str) -> list[dict[str, Any]]:
    """Queue one notification per enabled channel of the rule; returns what was queued (stored on the alert)."""
    sent = []
    for channel in alert.rule.channels.filter(enabled=True):
        record = {"channel": channel.name, "kind": channel.kind, "state": state, "at": timezone.now().isoformat()}
        if channel.kind == ChannelKind.EMAIL:
            recipients: list[str] = list(channel.config["to"])
            transaction.on_commit(_email_sender(send_alert_email, alert.pk, state, recipients), robust=True)
        else:
            record["delivery"] = str(_webhook(channel, alert, state).uid)
        sent.append(record)
    return sent


def _email_sender(task: Any, alert_id: int, state: str, recipients: list[str]) -> Any:
    return lambda: task.delay(alert_id, state, recipients)


def email_subject_and_body(alert: Alert, state: str) -> tuple[str, str]:
    return f"[Keel] {alert.rule.name} {state}", _text(alert, state) + "\n\n" + json.dumps(
        _payload(alert, state), indent=2
    )


def alert_email_send(*, alert_id: int, state: str, recipients: list[str]) -> int:
    """Send the alert's e-mail now; 0 when the alert is gone. A mail server's OSError propagates (the task
    retries it)."""
    alert = Alert.objects.select_related("rule__deployment", "rule__project").filter(pk=alert_id).first()
    if alert is None:
        return 0
    subject, body = email_subject_and_body(alert, state)
    return send_mail(subject, body, None, recipients)


# The Celery task lives beside the notifier that queues it: monitoring.tasks imports the alert services (and so this
# module), so the task there could only be queued through an import cycle. The worker registers it on importing
# monitoring.tasks.
@shared_task(
    name="monitoring.send_alert_email", bind=True, acks_late=True, max_retries=5, soft_time_limit=60, time_limit=90
)
def send_alert_email(self: Any, alert_id: int, state: str, recipients: list[str]) -> int:
    try:
        return alert_email_send(alert_id=alert_id, state=state, recipients=recipients)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from None
