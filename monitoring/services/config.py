"""Writes for monitoring configuration: drift configs, channels, alert rules, retraining policies."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.models import Project, User
from core.webhooks.models import WebhookSubscription
from core.webhooks.services import validate_webhook_url
from monitoring.models import AlertRule, ChannelKind, DriftConfig, NotificationChannel, RetrainingPolicy
from monitoring.services.drift import default_config, drift_options
from monitoring.services.notify import channel_config
from serving.models import Deployment
from serving.selectors import deployment_find
from training.services import training_spec_validate


def _deployment(project: Project, name: str, field: str = "deployment") -> Deployment:
    deployment = deployment_find(project=project, name=name)
    if deployment is None:
        raise ValidationFailed.field(field, f"no deployment {name!r} in this project")
    return deployment


def _unique(name: str) -> Conflict:
    return Conflict.taken(f"{name!r} already exists.")


@transaction.atomic
def drift_config_set(*, deployment: Deployment, user: User, **values: Any) -> DriftConfig:
    """Store the deployment's drift config; values not given keep the stored (or else the default) ones. Audited."""
    base = default_config(deployment)
    defaults = {"enabled": base.enabled, "window_minutes": base.window_minutes, "cadence_minutes": base.cadence_minutes}
    config, _ = DriftConfig.objects.select_for_update().get_or_create(deployment=deployment, defaults=defaults)
    for key, value in values.items():
        setattr(config, key, value)
    drift_options(config)  # validates the options (methods, thresholds, corrections)
    config.save()
    audit_record(action="drift_config.set", actor=user, project=deployment.project, obj=config, data=values)
    return config


@transaction.atomic
def channel_create(
    *, project: Project, user: User, name: str, kind: str, config: dict[str, Any], enabled: bool = True
) -> NotificationChannel:
    if NotificationChannel.objects.filter(project=project, name=name).exists():
        raise _unique(name)
    clean = channel_config(project=project, kind=kind, config=config, user=user)
    channel = NotificationChannel.objects.create(project=project, name=name, kind=kind, config=clean, enabled=enabled)
    audit_record(action="channel.create", actor=user, project=project, obj=channel)
    return channel


@transaction.atomic
def channel_update(
    *,
    channel: NotificationChannel,
    user: User,
    kind: str | None = None,
    config: dict[str, Any] | None = None,
    enabled: bool | None = None,
) -> NotificationChannel:
    """Change a channel in place (alert rules keep their link). A webhook/Slack channel keeps its subscription and
    delivery log; its URL and signing secret are updated there. Audited without the secrets."""
    kind = kind or channel.kind
    if config is not None or kind != channel.kind:
        channel.config = _channel_reconfigure(channel, kind, channel.config if config is None else config, user)
        channel.kind = kind
    if enabled is not None:
        channel.enabled = enabled
    channel.save()
    audit_record(
        action="channel.update",
        actor=user,
        project=channel.project,
        obj=channel,
        data={"kind": channel.kind, "enabled": channel.enabled, "config_changed": config is not None},
    )
    return channel


def _channel_reconfigure(channel: NotificationChannel, kind: str, config: dict[str, Any], user: User) -> dict[str, Any]:
    """URLs and secrets are write-only: a config without them keeps the stored ones."""
    subscription = WebhookSubscription.objects.filter(pk=channel.config.get("subscription_id")).first()
    if kind == ChannelKind.EMAIL and subscription is not None:
        subscription.delete()
    if kind == ChannelKind.EMAIL or subscription is None:
        return channel_config(project=channel.project, kind=kind, config=config, user=user)
    url = config.get("url", subscription.url)
    if not isinstance(url, str):
        raise ValidationFailed.field("config.url", "must be a URL")
    subscription.url = validate_webhook_url(url)
    if config.get("secret"):
        subscription.secret = str(config["secret"])
    subscription.save(update_fields=["url", "secret", "updated_at"])
    return {"url": url, "subscription_id": subscription.pk}


@transaction.atomic
def channel_delete(*, channel: NotificationChannel, user: User) -> None:
    """Delete the channel and the webhook subscription that delivered its notifications (with its delivery log)."""
    audit_record(action="channel.delete", actor=user, project=channel.project, obj=channel)
    subscription_id = channel.config.get("subscription_id")
    channel.delete()
    if subscription_id:
        WebhookSubscription.objects.filter(pk=subscription_id, project=channel.project).delete()


@transaction.atomic
def drift_config_delete(*, config: DriftConfig, user: User) -> None:
    """Stop scheduled drift reports for the deployment (its reports stay)."""
    audit_record(action="drift_config.delete", actor=user, project=config.deployment.project, obj=config)
    config.delete()


@transaction.atomic
def alert_rule_delete(*, rule: AlertRule, user: User) -> None:
    audit_record(action="alert_rule.delete", actor=user, project=rule.project, obj=rule)
    rule.delete()


@transaction.atomic
def retraining_policy_delete(*, policy: RetrainingPolicy, user: User) -> None:
    audit_record(action="retraining_policy.delete", actor=user, project=policy.project, obj=policy)
    policy.delete()


def _channels(project: Project, names: list[str]) -> list[NotificationChannel]:
    found = {c.name: c for c in NotificationChannel.objects.filter(project=project, name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationFailed.field("channels", f"no channel {missing[0]!r} in this project")
    return [found[n] for n in names]


@transaction.atomic
def alert_rule_save(*, project: Project, user: User, rule: AlertRule | None = None, **values: Any) -> AlertRule:
    channels = _channels(project, values.pop("channels", []))
    values["deployment"] = _deployment(project, values.pop("deployment"))
    if rule is None:
        if AlertRule.objects.filter(project=project, name=values["name"]).exists():
            raise _unique(values["name"])
        rule = AlertRule(project=project)
    for key, value in values.items():
        setattr(rule, key, value)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise _unique(rule.name) from None
    rule.channels.set(channels)
    audit_record(action="alert_rule.save", actor=user, project=project, obj=rule)
    return rule


@transaction.atomic
def retraining_policy_save(
    *, project: Project, user: User, policy: RetrainingPolicy | None = None, **values: Any
) -> RetrainingPolicy:
    rules = list(AlertRule.objects.filter(project=project, name__in=values.get("alert_rules", [])))
    if len(rules) != len(set(values.pop("alert_rules", []))):
        raise ValidationFailed.field("alert_rules", "every rule must exist in this project")
    values["deployment"] = _deployment(project, values.pop("deployment"))
    _check_spec(project, values["dataset"], values["spec"])
    _check_trigger(values)
    if policy is None:
        if RetrainingPolicy.objects.filter(project=project, name=values["name"]).exists():
            raise _unique(values["name"])
        policy = RetrainingPolicy(project=project, created_by=user)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.save()
    policy.alert_rules.set(rules)
    audit_record(action="retraining_policy.save", actor=user, project=project, obj=policy)
    return policy


def _check_trigger(values: dict[str, Any]) -> None:
    trigger = values.get("trigger", RetrainingPolicy.Trigger.ALERT)
    if trigger == RetrainingPolicy.Trigger.SCHEDULE and not values.get("schedule_minutes"):
        raise ValidationFailed.field("schedule_minutes", "required for the schedule trigger")
    if trigger != RetrainingPolicy.Trigger.SCHEDULE:
        values["schedule_minutes"] = None


def _check_spec(project: Project, dataset: str, spec: dict[str, Any]) -> None:
    from registry.models import Dataset

    found = Dataset.objects.filter(project=project, name=dataset).first()
    latest = found.versions.order_by("-number").first() if found else None
    if latest is None:
        raise ValidationFailed.field("dataset", f"no dataset {dataset!r} with versions in this project")
    training_spec_validate(project=project, version=latest, raw=spec)
