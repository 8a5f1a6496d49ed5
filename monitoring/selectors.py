"""Reads of the monitoring app, light enough for signal handlers (no services' imports).

``monitoring.services.retraining`` imports the model I/O stack (skops, scikit-learn): seconds in a fresh process.
The dataset-version signal runs after every upload's commit, so it asks here first whether anything waits.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.models import Project
from core.selectors import first_or_not_found
from core.webhooks.models import WebhookSubscription
from monitoring.models import Alert, AlertRule, DriftReport, NotificationChannel, RetrainingPolicy, RetrainingRun
from registry.models import DatasetVersion
from serving.models import Deployment


def _one(queryset: QuerySet[Any], **lookup: Any) -> Any:
    return first_or_not_found(queryset.filter(**lookup), "Not found.")


def drift_report_list(*, deployment: Deployment) -> QuerySet[DriftReport]:
    """The deployment's drift reports, latest window first."""
    return DriftReport.objects.filter(deployment=deployment).select_related("model_version").order_by("-window_end")


def drift_reports_per_variant(queryset: QuerySet[DriftReport], per_variant: bool) -> QuerySet[DriftReport]:
    """Only the per-variant reports (True) or only those over all live traffic (False)."""
    return queryset.exclude(variant="") if per_variant else queryset.filter(variant="")


def drift_report_get(*, deployment: Deployment, report_id: int) -> DriftReport:
    return _one(DriftReport.objects.all(), pk=report_id, deployment=deployment)


def channel_list(*, project: Project) -> QuerySet[NotificationChannel]:
    return NotificationChannel.objects.filter(project=project)


def channel_get(*, project: Project, channel_id: int) -> NotificationChannel:
    return _one(NotificationChannel.objects.all(), pk=channel_id, project=project)


def channel_subscriptions(channels: list[NotificationChannel]) -> dict[int, WebhookSubscription]:
    """The webhook subscriptions behind these channels, by id (webhook channels keep theirs in their config)."""
    wanted = [c.config["subscription_id"] for c in channels if c.config.get("subscription_id")]
    return WebhookSubscription.objects.in_bulk(wanted)


def alert_rule_list(*, project: Project) -> QuerySet[AlertRule]:
    return AlertRule.objects.filter(project=project).select_related("deployment").prefetch_related("channels")


def alert_rule_get(*, project: Project, rule_id: int) -> AlertRule:
    return _one(AlertRule.objects.select_related("deployment"), pk=rule_id, project=project)


def alert_list(*, project: Project) -> QuerySet[Alert]:
    """The project's alerts, latest first."""
    found = Alert.objects.filter(rule__project=project).select_related("rule__deployment", "acknowledged_by")
    return found.order_by("-started_at")


def alert_get(*, project: Project, alert_id: int) -> Alert:
    return _one(Alert.objects.all(), pk=alert_id, rule__project=project)


def retraining_policy_list(*, project: Project) -> QuerySet[RetrainingPolicy]:
    return RetrainingPolicy.objects.filter(project=project).select_related("deployment").prefetch_related("alert_rules")


def retraining_policy_get(*, project: Project, policy_id: int) -> RetrainingPolicy:
    queryset = RetrainingPolicy.objects.select_related("deployment").prefetch_related("alert_rules")
    return _one(queryset, pk=policy_id, project=project)


def retraining_run_list(*, project: Project) -> QuerySet[RetrainingRun]:
    """The project's retraining runs, newest first, with what the serializer reads."""
    return (
        RetrainingRun.objects.filter(policy__project=project)
        .select_related("policy", "training_job", "model_version", "champion_version", "dataset_version")
        .order_by("-created_at")
    )


def retraining_run_get(*, project: Project, run_id: int) -> RetrainingRun:
    return _one(RetrainingRun.objects.all(), pk=run_id, policy__project=project)


def policies_waiting_for(version_id: int) -> QuerySet[RetrainingPolicy]:
    """Enabled new-dataset policies of the version's dataset (same project, same name)."""
    version = DatasetVersion.objects.filter(pk=version_id).select_related("dataset").first()
    if version is None:
        return RetrainingPolicy.objects.none()
    return RetrainingPolicy.objects.filter(
        project_id=version.dataset.project_id,
        dataset=version.dataset.name,
        enabled=True,
        trigger=RetrainingPolicy.Trigger.NEW_DATASET,
    )
