"""Progressive delivery (canary and rolling): start a rollout, and a scheduled tick that compares the new version
with the primary over the current step's window and steps up, promotes or rolls back. Every step is audited."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.models import User
from registry.models import ModelVersion
from serving import services
from serving.models import Deployment, Strategy
from serving.rollout_gates import Decision, WindowStats, decide, validate_plan
from serving.stats import VariantWindow, variant_windows

logger = logging.getLogger(__name__)


def _plan(kind: str, raw: dict[str, Any]) -> Any:
    plan, errors = validate_plan({**raw, "kind": kind})
    if errors or plan is None:
        raise ValidationFailed(errors[0]["message"] if errors else "invalid plan", errors=errors)
    return plan


def rollout_start(
    *,
    deployment: Deployment,
    user: User,
    kind: str,
    version: ModelVersion,
    alias: str,
    plan: dict[str, Any],
    reason: str = "",
) -> Deployment:
    validated = _plan(kind, plan)
    services.require_servable(version)
    services.smoke_test(version)
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
        if locked.rollout:
            raise Conflict(f"A {locked.rollout['kind']} rollout is already in progress; roll back or wait.")
        primary = services.primary_variant(locked)
        if primary.version.pk == version.pk:
            raise Conflict(f"{version} is already the primary.")
        weight = float(validated.steps[0])
        revision = services.set_split(
            deployment=locked,
            user=user,
            new=services.VariantSpec("canary", version, 0, alias=alias),
            new_weight=weight,
            strategy=kind,
            reason=reason or f"{kind} step 1: {weight:g}%",
            action="deployment.rollout_start",
        )
        locked.rollout = {
            "kind": kind,
            "plan": validated.to_dict(),
            "step_index": 0,
            "step_started_at": time.time(),
            "step_revision": revision.number,
            "version_id": version.pk,
            "alias": alias,
            "started_by": user.username,
            "history": [],
        }
        locked.save(update_fields=["rollout"])
    return locked


def _window_stats(window: VariantWindow | None, task_type: str) -> WindowStats:
    if window is None:
        return WindowStats(requests=0, errors=0, p95_ms=None)
    return WindowStats(
        requests=window.requests,
        errors=window.errors,
        p95_ms=window.p95_ms,
        quality=window.quality(task_type),
        labelled=window.labelled,
    )


def rollout_tick(*, deployment_id: int, now: float | None = None) -> Decision | None:
    """Evaluate the rollout of one deployment once; idempotent (it acts on the step recorded in the row)."""
    now = time.time() if now is None else now
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().select_related("project").filter(pk=deployment_id).first()
        if deployment is None or not deployment.rollout:
            return None
        state = deployment.rollout
        plan = _plan(state["kind"], state["plan"])
        since = datetime.fromtimestamp(state["step_started_at"], tz=UTC)
        windows = variant_windows(deployment_id=deployment.pk, since=since, revision_numbers=[state["step_revision"]])
        task = deployment.project.task_type
        decision = decide(
            plan,
            step_index=state["step_index"],
            step_started_at=state["step_started_at"],
            now=now,
            new=_window_stats(windows.get("canary"), task),
            primary=_window_stats(windows.get("primary"), task) if "primary" in windows else None,
        )
        _act(deployment, decision, now)
    return decision


def _act(deployment: Deployment, decision: Decision, now: float) -> None:
    state = dict(deployment.rollout)
    if decision.action == "wait":
        return
    entry = {"at": now, "action": decision.action, "step_index": state["step_index"], "reasons": decision.reasons}
    reason = f"{state['kind']} {decision.action}: " + "; ".join(decision.reasons)[:400]
    if decision.action == "rollback":
        primary = services.primary_variant(deployment)
        services.revision_create(
            deployment=deployment,
            user=None,
            strategy="single",
            reason=reason,
            variants=[services.VariantSpec("primary", primary.version, 100.0, alias=primary.alias)],
            action="deployment.rollout_rollback",
            data={"checks": decision.checks},
            end_rollout=True,
        )
        return
    if decision.action == "promote":
        services.deployment_promote(deployment=deployment, user=None, variant="canary", reason=reason)
        audit_record(
            action="deployment.rollout_promote",
            actor=None,
            project=deployment.project,
            obj=deployment,
            data={"checks": decision.checks},
        )
        return
    version = ModelVersion.objects.select_related("registered_model").get(pk=state["version_id"])
    revision = services.set_split(
        deployment=deployment,
        user=None,
        new=services.VariantSpec("canary", version, 0, alias=state.get("alias", "")),
        new_weight=decision.next_weight,
        strategy=state["kind"],
        reason=reason,
    )
    state.update(
        step_index=decision.next_step_index,
        step_started_at=time.time(),  # the step starts when its revision exists
        step_revision=revision.number,
        history=[*state.get("history", []), entry][-50:],
    )
    deployment.rollout = state
    deployment.save(update_fields=["rollout"])


def rollouts_active() -> list[int]:
    return list(Deployment.objects.exclude(rollout={}).values_list("pk", flat=True))


def deployment_deploy(*, deployment: Deployment, user: User, data: dict[str, Any]) -> None:
    """Change the deployment's traffic with ``data["strategy"]`` (the deploy request's validated fields): the
    immediate strategies through ``serving.services``, canary and rolling as a progressive rollout."""
    strategy, project = data["strategy"], deployment.project
    if strategy == Strategy.AB_TEST:
        variants = []
        for item in data["variants"]:
            version, alias = services.resolve_version(
                project=project, model=item["model"], version=item["version"], alias=item["alias"]
            )
            variants.append(services.VariantSpec(item["name"], version, item["weight"], alias=alias))
        services.deploy_ab_test(deployment=deployment, user=user, variants=variants, reason=data["reason"])
        return
    version, alias = services.resolve_version(
        project=project, model=data["model"], version=data["version"], alias=data["alias"]
    )
    chosen = {"deployment": deployment, "user": user, "version": version, "alias": alias, "reason": data["reason"]}
    if strategy == Strategy.SINGLE:
        services.deploy_single(**chosen)
    elif strategy == Strategy.BLUE_GREEN:
        services.deploy_blue_green(**chosen)
    elif strategy == Strategy.SHADOW:
        services.deploy_shadow(**chosen, fraction=data["fraction"])
    else:
        plan: dict[str, Any] = {k: data[k] for k in ("steps", "interval_seconds", "guardrails") if k in data}
        rollout_start(**chosen, kind=strategy, plan=plan)
