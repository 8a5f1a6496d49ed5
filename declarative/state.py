"""Reads: a project's current configuration in the document's normalized form, and the export rendering of it.

The state holds what the diff needs (a deployment variant's resolved version next to its alias, channel secrets in
clear); :func:`export_document` turns it into the document a user sees (aliases instead of versions, secrets
redacted). Object ids are kept aside, keyed by (kind, name), for the executor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from core.models import Membership, Project
from core.webhooks.models import WebhookSubscription
from declarative.document import API_VERSION, REDACTED
from monitoring.models import AlertRule, ChannelKind, DriftConfig, NotificationChannel, RetrainingPolicy
from registry.models import Dataset, ValidationRule
from serving.models import Deployment

SECRET_KEYS = ("url", "secret")


@dataclass
class State:
    document: dict[str, Any]
    ids: dict[tuple[str, str], int] = field(default_factory=dict)


def rule_names(dataset: str, rules: list[dict[str, Any]]) -> list[str]:
    """A rule's identity inside its dataset: kind and column, numbered when several share them."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    names = []
    for rule in rules:
        key = (rule["kind"], rule["column"])
        counts[key] += 1
        base = f"{dataset}/{rule['kind']}" + (f":{rule['column']}" if rule["column"] else "")
        names.append(base if counts[key] == 1 else f"{base}#{counts[key]}")
    return names


def _project(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "name": project.name,
        "description": project.description,
        "task_type": project.task_type,
        "acceptance_criteria": [dict(c) for c in project.acceptance_criteria],
        "require_human_approval": project.require_human_approval,
    }


def _members(project: Project) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(project=project, user__is_service_account=False).select_related("user")
    return sorted(({"username": m.user.username, "role": m.role} for m in rows), key=lambda m: m["username"])


def _datasets(project: Project, ids: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    out = []
    for dataset in Dataset.objects.filter(project=project).order_by("name"):
        rules = list(ValidationRule.objects.filter(dataset=dataset).order_by("id"))
        entries = [
            {"kind": r.kind, "column": r.column, "params": r.params, "description": r.description, "enabled": r.enabled}
            for r in rules
        ]
        for name, rule in zip(rule_names(dataset.name, entries), rules, strict=True):
            ids[("dataset_rule", name)] = rule.pk
        ids[("dataset", dataset.name)] = dataset.pk
        out.append({"name": dataset.name, "description": dataset.description, "tags": dataset.tags, "rules": entries})
    return out


def _channel_config(channel: NotificationChannel, subscriptions: dict[int, WebhookSubscription]) -> dict[str, Any]:
    if channel.kind == ChannelKind.EMAIL:
        return {"to": list(channel.config.get("to", []))}
    subscription = subscriptions.get(channel.config.get("subscription_id", 0))
    url = subscription.url if subscription else channel.config.get("url", "")
    if channel.kind == ChannelKind.WEBHOOK:
        return {"url": url, "secret": subscription.secret if subscription else ""}
    return {"url": url}


def _channels(project: Project, ids: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    channels = list(NotificationChannel.objects.filter(project=project).order_by("name"))
    wanted = [c.config.get("subscription_id") for c in channels if c.config.get("subscription_id")]
    subscriptions = WebhookSubscription.objects.in_bulk(wanted)
    out = []
    for channel in channels:
        ids[("channel", channel.name)] = channel.pk
        config = _channel_config(channel, subscriptions)
        out.append({"name": channel.name, "kind": channel.kind, "config": config, "enabled": channel.enabled})
    return out


def _deployments(project: Project, ids: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    out = []
    deployments = Deployment.objects.filter(project=project).select_related("current_revision").order_by("name")
    for deployment in deployments:
        ids[("deployment", deployment.name)] = deployment.pk
        revision = deployment.current_revision
        variants = (
            revision.variants.select_related("model_version__registered_model").order_by("name") if revision else []
        )
        out.append(
            {
                "name": deployment.name,
                "description": deployment.description,
                "policy": dict(deployment.policy),
                "strategy": revision.strategy if revision else "single",
                "variants": [
                    {
                        "name": v.name,
                        "model": v.model_version.registered_model.name,
                        "version": v.model_version.number,
                        "alias": v.alias,
                        "weight": v.weight,
                        "role": v.role,
                    }
                    for v in variants
                ],
            }
        )
    return out


def _drift(project: Project, ids: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    out = []
    configs = DriftConfig.objects.filter(deployment__project=project).select_related("deployment")
    for config in sorted(configs, key=lambda c: c.deployment.name):
        ids[("drift", config.deployment.name)] = config.pk
        out.append(
            {
                "deployment": config.deployment.name,
                "enabled": config.enabled,
                "window": config.window_minutes,
                "cadence": config.cadence_minutes,
                "options": dict(config.options),
                "per_variant": config.per_variant,
            }
        )
    return out


def _alert_rules(project: Project, ids: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    out = []
    rules = AlertRule.objects.filter(project=project).select_related("deployment").prefetch_related("channels")
    for rule in rules.order_by("name"):
        ids[("alert_rule", rule.name)] = rule.pk
        out.append(
            {
                "name": rule.name,
                "deployment": rule.deployment.name,
                "metric": rule.metric,
                "feature": rule.feature,
                "op": rule.op,
                "threshold": rule.threshold,
                "window_minutes": rule.window_minutes,
                "severity": rule.severity,
                "cooldown_minutes": rule.cooldown_minutes,
                "enabled": rule.enabled,
                "channels": sorted(c.name for c in rule.channels.all()),
            }
        )
    return out


def _retraining_policies(project: Project, ids: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    out = []
    policies = RetrainingPolicy.objects.filter(project=project).select_related("deployment")
    for policy in policies.prefetch_related("alert_rules").order_by("name"):
        ids[("retraining_policy", policy.name)] = policy.pk
        out.append(
            {
                "name": policy.name,
                "deployment": policy.deployment.name,
                "enabled": policy.enabled,
                "trigger": policy.trigger,
                "alert_rules": sorted(r.name for r in policy.alert_rules.all()),
                "schedule_minutes": policy.schedule_minutes,
                "dataset": policy.dataset,
                "include_feedback": policy.include_feedback,
                "spec": dict(policy.spec),
                "model_name": policy.model_name,
                "rollout": dict(policy.rollout),
                "min_interval_minutes": policy.min_interval_minutes,
            }
        )
    return out


def project_state(*, project: Project) -> State:
    """Every managed kind of ``project`` as it is now."""
    ids: dict[tuple[str, str], int] = {}
    document = {
        "apiVersion": API_VERSION,
        "project": _project(project),
        "members": _members(project),
        "datasets": _datasets(project, ids),
        "channels": _channels(project, ids),
        "deployments": _deployments(project, ids),
        "drift": _drift(project, ids),
        "alert_rules": _alert_rules(project, ids),
        "retraining_policies": _retraining_policies(project, ids),
    }
    return State(document=document, ids=ids)


def _export_variant(variant: dict[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in variant.items() if key not in ("version", "alias")}
    return out | ({"alias": variant["alias"]} if variant["alias"] else {"version": variant["version"]})


def _export_channel(channel: dict[str, Any]) -> dict[str, Any]:
    config = {key: (REDACTED if key in SECRET_KEYS else value) for key, value in channel["config"].items()}
    return channel | {"config": config}


def export_document(*, project: Project) -> dict[str, Any]:
    """The project's configuration as a document: variants by alias when they were deployed from one, and channel
    URLs and signing secrets redacted (applying the redacted value keeps the stored secret)."""
    document = project_state(project=project).document
    for deployment in document["deployments"]:
        deployment["variants"] = [_export_variant(v) for v in deployment["variants"]]
    document["channels"] = [_export_channel(c) for c in document["channels"]]
    return document
