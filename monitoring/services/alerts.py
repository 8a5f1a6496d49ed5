"""Alert rules evaluated against monitored figures: firing -> resolved (automatically when the condition clears),
deduplicated while firing, acknowledged by a user, with a cooldown between firings and notifications on change."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict
from core.models import User
from monitoring.drift.status import STATUSES as DRIFT_STATUSES
from monitoring.models import COMPUTED_STATUSES, Alert, AlertRule, AlertStatus, DriftReport
from monitoring.services.notify import notify
from serving.traffic import traffic_windows

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _latest_report(rule: AlertRule, since: Any) -> DriftReport | None:
    return (
        DriftReport.objects.filter(
            deployment=rule.deployment, variant="", status__in=COMPUTED_STATUSES, window_end__gte=since
        )
        .order_by("-window_end")
        .first()
    )


DRIFT_METRICS = (AlertRule.Metric.DRIFT_STATUS, AlertRule.Metric.DRIFT_SHARE, AlertRule.Metric.FEATURE_DRIFT)


def _drift_value(rule: AlertRule, since: Any) -> float | None:
    report = _latest_report(rule, since)
    if report is None:
        return None
    if rule.metric == AlertRule.Metric.DRIFT_STATUS:
        return float(DRIFT_STATUSES.index(report.status))  # ok 0, warning 1, drift 2
    if rule.metric == AlertRule.Metric.DRIFT_SHARE:
        return report.share_drifted
    column = next((c for c in report.result.get("columns", []) if c["name"] == rule.feature), None)
    return None if column is None else float(bool(column.get("drifted")))


def _traffic_value(rule: AlertRule, since: Any) -> float | None:
    windows = traffic_windows(deployment_id=rule.deployment_id, since=since)
    requests = sum(w.requests for w in windows.values())
    if rule.metric == AlertRule.Metric.TRAFFIC:
        return float(requests)
    if not requests:
        return None
    if rule.metric == AlertRule.Metric.ERROR_RATE:
        return sum(w.errors for w in windows.values()) / requests
    if rule.metric == AlertRule.Metric.LATENCY_P95:
        values = [w.p95_ms for w in windows.values() if w.p95_ms is not None]
        return max(values) if values else None
    labelled = sum(w.labelled for w in windows.values())
    if not labelled:
        return None
    if rule.project.task_type == "classification":
        return sum(w.correct for w in windows.values()) / labelled  # accuracy
    return sum(w.abs_error_sum for w in windows.values()) / labelled  # mean absolute error


def rule_value(rule: AlertRule, *, now: Any = None) -> float | None:
    """The rule's figure over its window: the latest drift report's status (0 ok, 1 warning, 2 drift), drift share,
    one feature drifted (1/0), quality (accuracy or MAE from feedback), latency p95 (ms), error rate, or traffic
    (requests). None when there is nothing to judge yet."""
    now = now or timezone.now()
    since = now - timedelta(minutes=rule.window_minutes)
    if rule.metric in DRIFT_METRICS:
        return _drift_value(rule, since)
    return _traffic_value(rule, since)


def evaluate_rule(*, rule: AlertRule, now: Any = None) -> Alert | None:
    now = now or timezone.now()
    value = rule_value(rule, now=now)
    breached = value is not None and OPS[rule.op](value, rule.threshold)
    with transaction.atomic():
        firing = Alert.objects.select_for_update().filter(rule=rule, status=AlertStatus.FIRING).first()
        if breached and firing is not None:
            firing.last_value, firing.last_evaluated_at, firing.evaluations = value, now, firing.evaluations + 1
            firing.save(update_fields=["last_value", "last_evaluated_at", "evaluations"])
            return firing
        if breached:
            return _fire(rule, value, now)
        if firing is not None and value is not None:
            return _resolve(firing, value, now)
    return firing


def _fire(rule: AlertRule, value: float | None, now: Any) -> Alert | None:
    recent = Alert.objects.filter(rule=rule, started_at__gte=now - timedelta(minutes=rule.cooldown_minutes)).exists()
    if recent:
        return None  # cooldown: a new episode may not start yet
    message = f"{rule.metric} is {value:.4g}, {rule.op} {rule.threshold:g} over the last {rule.window_minutes} min"
    if rule.metric in DRIFT_METRICS and (report := _latest_report(rule, now - timedelta(minutes=rule.window_minutes))):
        message += f" (latest drift report: {report.status}, {report.summary})"
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule=rule,
                severity=rule.severity,
                value=value,
                last_value=value,
                message=message,
                started_at=now,
                last_evaluated_at=now,
            )
    except IntegrityError:  # another evaluator fired it first: deduplicated
        return Alert.objects.filter(rule=rule, status=AlertStatus.FIRING).first()
    alert.notifications = notify(alert, "firing")
    alert.save(update_fields=["notifications"])
    audit_record(action="alert.fire", actor=None, project=rule.project, obj=alert, data={"value": value})
    from monitoring.services.retraining import on_alert_fired

    transaction.on_commit(lambda: on_alert_fired(alert.pk))
    return alert


def _resolve(alert: Alert, value: float, now: Any) -> Alert:
    alert.status, alert.resolved_at, alert.last_value, alert.last_evaluated_at = AlertStatus.RESOLVED, now, value, now
    alert.save(update_fields=["status", "resolved_at", "last_value", "last_evaluated_at"])
    alert.notifications = [*alert.notifications, *notify(alert, "resolved")]
    alert.save(update_fields=["notifications"])
    audit_record(action="alert.resolve", actor=None, project=alert.rule.project, obj=alert, data={"value": value})
    return alert


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user: User) -> Alert:
    locked = Alert.objects.select_for_update().select_related("rule__project").get(pk=alert.pk)
    if locked.status != AlertStatus.FIRING:
        raise Conflict("Only a firing alert can be acknowledged.")
    if locked.acknowledged_at is None:
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit_record(action="alert.acknowledge", actor=user, project=locked.rule.project, obj=locked)
    return locked


def rules_to_evaluate() -> list[int]:
    return list(AlertRule.objects.filter(enabled=True).values_list("pk", flat=True))


def result_summary(alert: Alert | None) -> dict[str, Any]:
    return {"alert": alert.pk if alert else None, "status": alert.status if alert else None}
