"""Plan and apply a keel.yaml document: validate, authorize, diff against the project, execute through each app's
services in one transaction (all or nothing), one audit event per change.

A plan runs the same execution inside a transaction that is always rolled back, so a plan fails exactly where the
apply would (an unknown deployment, an unservable model version, a bad training spec) and names the path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from core import services as core_services
from core.audit import audit_record
from core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from core.models import Membership, Project, User
from core.roles import Action, Role, role_allows
from declarative.diff import CREATE, DELETE, Change, plan
from declarative.document import REDACTED, document_validate
from declarative.schema import document_check
from declarative.state import project_state
from monitoring.models import AlertRule, DriftConfig, NotificationChannel, RetrainingPolicy
from monitoring.services import config as monitoring_config
from registry.models import Dataset, ModelAlias, ModelVersion, ValidationRule
from registry.services import datasets as registry_datasets
from serving import services as serving_services
from serving.models import Deployment, Strategy, VariantRole
from serving.selectors import deployment_find


@dataclass
class Context:
    user: User
    project: Project | None
    ids: dict[tuple[str, str], int]
    versions: dict[tuple[str, int], ModelVersion] = field(default_factory=dict)
    variant_index: dict[tuple[str, str], int] = field(default_factory=dict)  # position in the document


@dataclass
class Result:
    project: str
    changes: list[Change]

    def as_dict(self) -> dict[str, Any]:
        return {"project": self.project, "changes": [c.as_dict() for c in self.changes]}


class _DryRun(Exception):
    pass


# --- entry points -------------------------------------------------------------------------------------------------


def config_plan(*, user: User, document: Any) -> Result:
    """What apply would change; nothing is written (the trial execution is rolled back)."""
    results: list[Result] = []
    try:
        with transaction.atomic():
            results.append(_run(user=user, document=document, action=Action.READ))
            raise _DryRun
    except _DryRun:
        pass
    return results[0]


def config_apply(*, user: User, document: Any) -> Result:
    """Make the project match the document, in one transaction; applying the same document again changes nothing."""
    with transaction.atomic():
        return _run(user=user, document=document, action=Action.OPERATE)


def _run(*, user: User, document: Any, action: str) -> Result:
    document_check(document)  # the JSON Schema first: unknown keys refused at every level, with their paths
    desired = document_validate(document)
    slug = desired["project"]["slug"]
    project = Project.objects.select_for_update().filter(slug=slug).first()
    role = _authorize(user=user, project=project, action=action)
    context = Context(user=user, project=project, ids={})
    if project is None:
        current: dict[str, Any] = {"project": None, "members": [{"username": user.username, "role": Role.OWNER}]}
    else:
        state = project_state(project=project)
        current, context.ids = state.document, state.ids
    _resolve_secrets(desired, current)
    _resolve_variants(desired, project, context)
    changes = plan(current, desired)
    if action == Action.OPERATE and role != Role.OWNER and any(c.kind == "member" for c in changes):
        raise Forbidden("Changing members needs the owner role in the project.")
    for change in changes:
        _execute(context, change)
    return Result(project=slug, changes=changes)


def _authorize(*, user: User, project: Project | None, action: str) -> str | None:
    """A new project: any person may create one (as POST /projects/). An existing one: the caller's role must allow
    ``action`` (plan: read; apply: operate, i.e. maintainer or owner). Non-members get the create API's answer
    (400 "not available", the same as for a reserved slug: see ``core.services.project_slug_refusal``)."""
    if user.is_service_account:
        raise Forbidden("Service accounts may only call inference and feedback.")
    if project is None:
        return Role.OWNER
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        refusal = core_services.project_slug_refusal(slug=project.slug, user=user, field="project.slug")
        raise refusal or Forbidden("Not a member.")
    if not role_allows(membership.role, action):
        raise Forbidden(
            f"Your role '{membership.role}' in project '{project.slug}' does not allow '{Action(action).label}'."
        )
    return membership.role


# --- resolving the desired document ------------------------------------------------------------------------------


def _resolve_secrets(desired: dict[str, Any], current: dict[str, Any]) -> None:
    """``<redacted>`` (and a webhook secret left out) keeps the stored value; without one, it is an error."""
    existing = {c["name"]: c for c in current.get("channels", [])}
    for index, channel in enumerate(desired.get("channels", [])):
        have = existing.get(channel["name"])
        stored = have["config"] if have and have["kind"] == channel["kind"] else {}
        config = channel["config"]
        if channel["kind"] == "webhook" and "secret" not in config and "secret" in stored:
            config["secret"] = stored["secret"]
        for key, value in list(config.items()):
            if value != REDACTED:
                continue
            if key not in stored:
                raise ValidationFailed.field(
                    f"channels[{index}].config.{key}",
                    "redacted: there is no stored value to keep, give the value",
                )
            config[key] = stored[key]


def _resolve_variants(desired: dict[str, Any], project: Project | None, context: Context) -> None:
    """Each variant's model version now (an alias is resolved at apply time, as the deploy API does)."""
    for d_index, deployment in enumerate(desired.get("deployments", [])):
        for v_index, variant in enumerate(deployment["variants"]):
            path = f"deployments[{d_index}].variants[{v_index}]"
            version = _version(project, variant, path)
            context.variant_index[(deployment["name"], variant["name"])] = v_index
            context.versions[(variant["model"], version.number)] = version
            deployment["variants"][v_index] = {
                "name": variant["name"],
                "model": variant["model"],
                "version": version.number,
                "alias": variant.get("alias", ""),
                "weight": variant["weight"],
                "role": variant["role"],
            }
        deployment["variants"] = sorted(deployment["variants"], key=lambda v: v["name"])


def _version(project: Project | None, variant: dict[str, Any], path: str) -> ModelVersion:
    versions = ModelVersion.objects.select_related("registered_model").filter(
        registered_model__project=project, registered_model__name=variant["model"]
    )
    if project is None or not versions.exists():
        raise ValidationFailed.field(f"{path}.model", f"no model {variant['model']!r} in this project")
    if variant.get("alias"):
        row = ModelAlias.objects.filter(
            registered_model__project=project, registered_model__name=variant["model"], name=variant["alias"]
        ).first()
        if row is None:
            raise ValidationFailed.field(
                f"{path}.alias", f"model {variant['model']!r} has no alias {variant['alias']!r}"
            )
        return versions.get(pk=row.version_id)
    found = versions.filter(number=variant["version"]).first()
    if found is None:
        raise ValidationFailed.field(
            f"{path}.version", f"model {variant['model']!r} has no version {variant['version']}"
        )
    return found


# --- execution ----------------------------------------------------------------------------------------------------


def _execute(context: Context, change: Change) -> None:
    handler = _HANDLERS[change.kind]
    try:
        handler(context, change)
    except DomainError as exc:
        raise _located(exc, change.path) from None
    audit_record(
        action=f"config.{change.action}",
        actor=context.user,
        project=context.project,
        data=change.as_dict(),
    )


def _located(exc: DomainError, path: str) -> DomainError:
    """The service's error, with its fields placed in the document (``alert_rules[2].deployment``)."""
    cls = ValidationFailed if isinstance(exc, NotFound) else type(exc)
    errors = [{**e, "field": f"{path}.{e['field']}" if e.get("field") else path} for e in exc.errors] or [
        {"field": path, "message": exc.detail, "code": exc.code}
    ]
    return cls(f"{path}: {exc.detail}", errors=errors, **exc.extra)


def _obj(context: Context, model: Any, kind: str, name: str) -> Any:
    return model.objects.get(pk=context.ids[(kind, name)])


def _changed(change: Change) -> dict[str, Any]:
    return {key: value["to"] for key, value in change.changes.items()}


def _project(context: Context, change: Change) -> None:
    values = {key: value for key, value in change.desired.items() if key in change.changes}
    if change.action == CREATE:
        context.project = core_services.project_create(user=context.user, slug=change.name, **values)
    else:
        assert context.project is not None
        core_services.project_update(project=context.project, user=context.user, **values)


def _member(context: Context, change: Change) -> None:
    assert context.project is not None
    if change.action == DELETE:
        core_services.membership_remove(project=context.project, actor=context.user, username=change.name)
    else:
        role = change.desired["role"]
        core_services.membership_set(project=context.project, actor=context.user, username=change.name, role=role)


def _dataset(context: Context, change: Change) -> None:
    assert context.project is not None
    values = {"description": change.desired["description"], "tags": change.desired["tags"]}
    if change.action == CREATE:
        dataset = registry_datasets.dataset_create(
            project=context.project, user=context.user, name=change.name, **values
        )
        context.ids[("dataset", change.name)] = dataset.pk
    else:
        dataset = _obj(context, Dataset, "dataset", change.name)
        registry_datasets.dataset_update(dataset=dataset, user=context.user, **_changed(change))


def _dataset_rule(context: Context, change: Change) -> None:
    want = change.desired
    if change.action == DELETE:
        rule = _obj(context, ValidationRule, "dataset_rule", change.name)
        registry_datasets.validation_rule_delete(rule=rule, user=context.user)
    elif change.action == CREATE:
        dataset = _obj(context, Dataset, "dataset", want["dataset"])
        values = {k: want[k] for k in ("kind", "column", "params", "description", "enabled")}
        registry_datasets.validation_rule_create(dataset=dataset, user=context.user, **values)
    else:
        rule = _obj(context, ValidationRule, "dataset_rule", change.name)
        registry_datasets.validation_rule_update(rule=rule, user=context.user, **_changed(change))


def _channel(context: Context, change: Change) -> None:
    assert context.project is not None
    want = change.desired
    if change.action == DELETE:
        channel = _obj(context, NotificationChannel, "channel", change.name)
        monitoring_config.channel_delete(channel=channel, user=context.user)
    elif change.action == CREATE:
        monitoring_config.channel_create(project=context.project, user=context.user, **want)
    else:
        channel = _obj(context, NotificationChannel, "channel", change.name)
        config_changed = any(key.startswith("config.") for key in change.changes)
        monitoring_config.channel_update(
            channel=channel,
            user=context.user,
            kind=want["kind"],
            config=want["config"] if config_changed or "kind" in change.changes else None,
            enabled=want["enabled"],
        )


def _specs(context: Context, want: dict[str, Any]) -> list[serving_services.VariantSpec]:
    return [
        serving_services.VariantSpec(
            v["name"], context.versions[(v["model"], v["version"])], float(v["weight"]), v["role"], v["alias"]
        )
        for v in want["variants"]
    ]


def _single(want: dict[str, Any]) -> bool:
    variants = want["variants"]
    only = variants[0]
    return (
        want["strategy"] == Strategy.SINGLE
        and len(variants) == 1
        and (only["name"], only["role"], only["weight"]) == ("primary", VariantRole.PRIMARY, 100)
    )


def _deployment(context: Context, change: Change) -> None:
    assert context.project is not None
    want, user = change.desired, context.user
    if change.action == DELETE:
        serving_services.deployment_delete(deployment=_obj(context, Deployment, "deployment", change.name), user=user)
        return
    specs = _specs(context, want)
    for spec in specs:
        if spec.role not in (VariantRole.SHADOW, VariantRole.STANDBY) and not spec.version.can_serve:
            index = context.variant_index[(change.name, spec.name)]
            raise Conflict(
                f"{spec.version} cannot serve (approval {spec.version.approval}, health {spec.version.health}).",
                errors=[{"field": f"variants[{index}].version", "message": "not servable", "code": "not_servable"}],
            )
    if change.action == CREATE:
        live = [s for s in specs if s.role not in (VariantRole.SHADOW, VariantRole.STANDBY)]
        first = max(live, key=lambda s: (s.role == VariantRole.PRIMARY, s.weight))
        deployment = serving_services.deployment_create(
            project=context.project,
            user=user,
            name=change.name,
            version=first.version,
            alias=first.alias,
            description=want["description"],
            policy=want["policy"],
        )
        context.ids[("deployment", change.name)] = deployment.pk
        traffic = not _single(want)
    else:
        deployment = _obj(context, Deployment, "deployment", change.name)
        if {"description", "policy"} & set(change.changes):
            serving_services.deployment_update(
                deployment=deployment, user=user, description=want["description"], policy=want["policy"]
            )
        traffic = bool({"strategy", "variants"} & set(change.changes))
    if traffic:
        serving_services.deployment_traffic_set(
            deployment=deployment, user=user, strategy=want["strategy"], variants=specs, reason="keel apply"
        )


def _deployment_named(context: Context, name: str) -> Deployment:
    deployment = deployment_find(project=context.project, name=name) if context.project else None
    if deployment is None:
        raise ValidationFailed.field("deployment", f"no deployment {name!r} in this project")
    return deployment


def _drift(context: Context, change: Change) -> None:
    if change.action == DELETE:
        config = _obj(context, DriftConfig, "drift", change.name)
        monitoring_config.drift_config_delete(config=config, user=context.user)
        return
    want = change.desired
    monitoring_config.drift_config_set(
        deployment=_deployment_named(context, change.name),
        user=context.user,
        enabled=want["enabled"],
        window_minutes=want["window"],
        cadence_minutes=want["cadence"],
        options=want["options"],
        per_variant=want["per_variant"],
    )


def _alert_rule(context: Context, change: Change) -> None:
    assert context.project is not None
    if change.action == DELETE:
        monitoring_config.alert_rule_delete(rule=_obj(context, AlertRule, "alert_rule", change.name), user=context.user)
        return
    rule = None if change.action == CREATE else _obj(context, AlertRule, "alert_rule", change.name)
    monitoring_config.alert_rule_save(project=context.project, user=context.user, rule=rule, **dict(change.desired))


def _retraining_policy(context: Context, change: Change) -> None:
    assert context.project is not None
    if change.action == DELETE:
        policy = _obj(context, RetrainingPolicy, "retraining_policy", change.name)
        monitoring_config.retraining_policy_delete(policy=policy, user=context.user)
        return
    policy = None if change.action == CREATE else _obj(context, RetrainingPolicy, "retraining_policy", change.name)
    monitoring_config.retraining_policy_save(
        project=context.project, user=context.user, policy=policy, **dict(change.desired)
    )


_HANDLERS: dict[str, Callable[[Context, Change], None]] = {
    "project": _project,
    "member": _member,
    "dataset": _dataset,
    "dataset_rule": _dataset_rule,
    "channel": _channel,
    "deployment": _deployment,
    "drift": _drift,
    "alert_rule": _alert_rule,
    "retraining_policy": _retraining_policy,
}
