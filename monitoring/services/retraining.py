"""Retraining policies: trigger -> training job -> registered candidate -> required checks (gate vs champion)
-> approval when the project requires a human -> canary rollout -> promoted (champion alias moved) or rolled back.
One retraining run records the whole chain. Guards: one active run per policy, a minimum interval between runs,
and no retraining loop when a model this policy just promoted drifts too.

Triggers: a firing alert, a schedule (``schedule_minutes``; slots aligned to the epoch and started by the 30 s
retraining task), a new valid version of the policy's dataset (the registry's ``dataset_version_created`` signal),
or a person. A schedule slot or a dataset version starts at most one run per policy: the run stores it as its
``trigger_key`` under a unique constraint, so two beat ticks, two workers or a redelivered message cannot start a
second one."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from core.models import User
from monitoring.models import Alert, RetrainingPolicy, RetrainingRun
from monitoring.selectors import policies_waiting_for
from registry.models import ApprovalState, Dataset, DatasetVersion, ModelAlias, VersionStatus
from registry.selectors.datasets import dataset_version_frame
from registry.services.approvals import approval_request_create, evaluate_checks, model_version_auto_approve
from registry.services.datasets import dataset_version_upload
from registry.services.models import model_alias_set
from serving.models import Feedback, PredictionLog
from serving.rollouts import rollout_start
from training.models import JobStatus
from training.services import training_job_submit

logger = logging.getLogger(__name__)
LOOP_GUARD_MINUTES = 60  # after a promotion, alerts do not retrain again for at least this long
DEFAULT_ROLLOUT = {"kind": "canary", "steps": [20, 50, 100], "interval_seconds": 300}


def _owner(policy: RetrainingPolicy) -> User:
    """The user retraining acts as (the policy's creator); its roles bound what the automation may do."""
    if policy.created_by is None:
        raise Conflict(f"Policy {policy.name!r} has no owner to act as; recreate it.")
    return policy.created_by


def _step(run: RetrainingRun, step: str, detail: str = "", **data: Any) -> None:
    run.steps = [*run.steps, {"at": timezone.now().isoformat(), "step": step, "detail": detail, **data}]


def on_alert_fired(alert_id: int) -> list[int]:
    alert = Alert.objects.select_related("rule").filter(pk=alert_id).first()
    if alert is None:
        return []
    started = []
    for policy in alert.rule.retraining_policies.filter(enabled=True, trigger=RetrainingPolicy.Trigger.ALERT):
        try:
            run = retraining_start(
                policy=policy, trigger={"kind": "alert", "alert_id": alert.pk, "rule": alert.rule.name}
            )
        except Conflict as exc:
            logger.warning("retraining policy %s not started: %s", policy.name, exc.detail)
            continue
        started.append(run.pk)
    return started


def _guard(policy: RetrainingPolicy) -> None:
    if policy.runs.filter(status__in=RetrainingRun.ACTIVE).exists():
        raise Conflict(f"Policy {policy.name!r} already has a retraining run in progress.")
    since = timezone.now() - timedelta(minutes=policy.min_interval_minutes)
    if policy.last_triggered_at and policy.last_triggered_at > since:
        raise Conflict(f"Policy {policy.name!r} ran less than {policy.min_interval_minutes} min ago.")
    guard_minutes = max(policy.min_interval_minutes, LOOP_GUARD_MINUTES)
    recent = timezone.now() - timedelta(minutes=guard_minutes)
    if policy.runs.filter(status=RetrainingRun.Status.PROMOTED, finished_at__gte=recent).exists():
        raise Conflict(
            f"Policy {policy.name!r} promoted a model within {guard_minutes} min; "
            "not retraining again while the new model settles (loop guard)."
        )


def _latest_valid(policy: RetrainingPolicy) -> DatasetVersion:
    dataset = Dataset.objects.filter(project=policy.project, name=policy.dataset).first()
    version = dataset.versions.filter(status=VersionStatus.VALID).order_by("-number").first() if dataset else None
    if version is None:
        raise ValidationFailed.field("dataset", f"no valid version of dataset {policy.dataset!r}")
    return version


def _with_feedback(policy: RetrainingPolicy, base: DatasetVersion, user: User) -> DatasetVersion:
    """Append labelled feedback rows (inputs + ground truth as the target) as a new dataset version."""
    target = policy.spec.get("target") or next((c["name"] for c in base.schema if c["role"] == "target"), None)
    truths = dict(
        Feedback.objects.filter(deployment_id=policy.deployment_id, is_current=True).values_list(
            "prediction_id", "value"
        )
    )
    if not truths or not target:
        return base
    logged = PredictionLog.objects.filter(prediction_id__in=list(truths), shadow=False).values_list(
        "prediction_id", "inputs"
    )
    extra = pd.DataFrame([{**inputs, target: truths[pid]} for pid, inputs in logged])
    frame = pd.concat([dataset_version_frame(version=base), extra], ignore_index=True)
    data = frame.to_csv(index=False).encode()
    return dataset_version_upload(
        project=policy.project,
        user=user,
        dataset_name=base.dataset.name,
        fileobj=io.BytesIO(data),
        filename="retraining.csv",
        parent_number=base.number,
        message=f"v{base.number} plus {len(extra)} labelled feedback rows",
    ).version


@transaction.atomic
def retraining_start(
    *,
    policy: RetrainingPolicy,
    trigger: dict[str, Any],
    user: User | None = None,
    dataset_version: DatasetVersion | None = None,
    key: str = "",
) -> RetrainingRun:
    """Start a run on ``dataset_version`` (default: the latest valid version of the policy's dataset). ``key``
    names the event that started it (a schedule slot, a dataset version): a second start for it is a Conflict."""
    if key and policy.runs.filter(trigger_key=key).exists():
        raise Conflict(f"Policy {policy.name!r} already started a run for {key}.")
    _guard(policy)
    actor = user or _owner(policy)
    version = dataset_version or _latest_valid(policy)
    base_number = version.number
    if policy.include_feedback:
        version = _with_feedback(policy, version, actor)
    # Feedback rows come from live traffic, which has drifted by design: the policy trains on them even when the
    # dataset's rules (fitted to the old data) reject the new version; the override is audited.
    allow_invalid = version.number != base_number
    if allow_invalid:
        trigger = {**trigger, "feedback_on": base_number}
    try:
        with transaction.atomic():
            run = RetrainingRun.objects.create(policy=policy, trigger=trigger, trigger_key=key, dataset_version=version)
            RetrainingPolicy.objects.filter(pk=policy.pk).update(last_triggered_at=timezone.now())
            job = training_job_submit(
                project=policy.project,
                user=actor,
                dataset_version=version,
                spec=policy.spec,
                experiment_name=f"retraining-{policy.name}",
                run_name=f"retraining-{run.pk}",
                register_model_name=policy.model_name,
                allow_invalid_data=allow_invalid,
            )
            run.training_job = job
            champion = ModelAlias.objects.filter(
                registered_model__project=policy.project, registered_model__name=policy.model_name, name="champion"
            ).first()
            run.champion_version = champion.version if champion else None
            _step(run, "triggered", f"{trigger.get('kind')} trigger", trigger=trigger)
            _step(run, "training", f"job {job.uid} on {version}")
            run.save()
            audit_record(action="retraining.start", actor=actor, project=policy.project, obj=run, data=trigger)
    except IntegrityError:
        if key and policy.runs.filter(trigger_key=key).exists():
            raise Conflict(f"Policy {policy.name!r} already started a run for {key}.") from None
        raise Conflict(f"Policy {policy.name!r} already has a retraining run in progress.") from None
    return run


def schedule_slot(now: datetime, minutes: int) -> datetime:
    """The start of the schedule slot holding ``now`` (aligned to the epoch, so every worker agrees)."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % (minutes * 60), tz=now.tzinfo)


def scheduled_policies_due(*, now: datetime | None = None) -> list[tuple[int, datetime]]:
    """(policy id, slot start) of every enabled scheduled policy not triggered since its current slot began.
    A policy created inside a slot first runs at the next one."""
    now = now or timezone.now()
    policies = RetrainingPolicy.objects.filter(
        enabled=True, trigger=RetrainingPolicy.Trigger.SCHEDULE, schedule_minutes__gte=1
    ).annotate(since=Coalesce("last_triggered_at", "created_at"))
    due = []
    for policy_id, minutes, since in policies.values_list("pk", "schedule_minutes", "since"):
        slot = schedule_slot(now, minutes or 1)
        if since < slot:
            due.append((policy_id, slot))
    return due


def retraining_start_scheduled(*, now: datetime | None = None) -> list[int]:
    """Start one run per due scheduled policy and slot; a slot another worker already started is skipped."""
    started = []
    for policy_id, slot in scheduled_policies_due(now=now):
        policy = RetrainingPolicy.objects.select_related("project", "created_by").get(pk=policy_id)
        trigger = {"kind": "schedule", "slot": slot.isoformat(), "every_minutes": policy.schedule_minutes}
        run = _start_quietly(policy, trigger, key=f"schedule:{slot.isoformat()}")
        if run is not None:
            started.append(run.pk)
    return started


def on_dataset_version_created(version_id: int) -> list[int]:
    """Start the policies waiting for a new version of this dataset, on that version, once per version. Invalid
    versions and versions a retraining run made itself (base data plus feedback) start nothing."""
    version = DatasetVersion.objects.select_related("dataset").filter(pk=version_id).first()
    if version is None or version.status != VersionStatus.VALID:
        return []
    if RetrainingRun.objects.filter(dataset_version=version, trigger__has_key="feedback_on").exists():
        return []
    started = []
    for policy in policies_waiting_for(version_id).select_related("project", "created_by"):
        trigger = {"kind": "new_dataset", "dataset": version.dataset.name, "version": version.number}
        run = _start_quietly(policy, trigger, key=f"dataset_version:{version.pk}", dataset_version=version)
        if run is not None:
            started.append(run.pk)
    return started


def _start_quietly(policy: RetrainingPolicy, trigger: dict[str, Any], **kwargs: Any) -> RetrainingRun | None:
    try:
        return retraining_start(policy=policy, trigger=trigger, **kwargs)
    except (Conflict, ValidationFailed) as exc:
        logger.info("retraining policy %s not started by %s: %s", policy.name, trigger["kind"], exc.detail)
        return None


def _finish(run: RetrainingRun, status: str, detail: str) -> None:
    run.status, run.finished_at = status, timezone.now()
    _step(run, status, detail)
    run.save()
    audit_record(
        action=f"retraining.{status}", actor=None, project=run.policy.project, obj=run, data={"detail": detail}
    )


def _after_training(run: RetrainingRun) -> None:
    job = run.training_job
    if job is None or job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED):
        return
    if job.status != JobStatus.SUCCEEDED:
        _finish(run, RetrainingRun.Status.FAILED, f"training job {job.status}: {job.error[:300]}")
    elif job.model_version is None:
        _finish(run, RetrainingRun.Status.REJECTED, "the candidate failed the project's acceptance criteria")
    else:
        run.model_version, run.status = job.model_version, RetrainingRun.Status.GATING
        _step(run, "registered", f"candidate {job.model_version}")
        run.save()
        _gate(run)


def _gate(run: RetrainingRun) -> None:
    version = run.model_version
    assert version is not None
    run.checks = evaluate_checks(version)
    failing = [c for c in run.checks if not c["passed"]]
    if failing:
        _finish(run, RetrainingRun.Status.REJECTED, "; ".join(f"{c['name']}: {c['detail']}" for c in failing))
        return
    if model_version_auto_approve(version=version, actor=run.policy.created_by, reason=f"retraining run {run.pk}"):
        _step(run, "approved", "every required check passed; the project allows automatic approval")
        _rollout(run)
        return
    approval_request_create(version=version, user=_owner(run.policy), comment=f"retraining run {run.pk}")
    run.status = RetrainingRun.Status.AWAITING_APPROVAL
    _step(run, "awaiting_approval", "the project requires a human approval")
    run.save()


def _rollout(run: RetrainingRun) -> None:
    policy, version = run.policy, run.model_version
    assert version is not None
    plan = {**DEFAULT_ROLLOUT, **(policy.rollout or {})}
    kind = plan.pop("kind", "canary")
    rollout_start(
        deployment=policy.deployment,
        user=_owner(policy),
        kind=kind,
        version=version,
        alias="",
        plan=plan,
        reason=f"retraining run {run.pk}",
    )
    run.status = RetrainingRun.Status.ROLLING_OUT
    _step(run, "rolling_out", f"{kind} {plan.get('steps')}")
    run.save()


def _after_rollout(run: RetrainingRun) -> None:
    deployment = run.policy.deployment
    deployment.refresh_from_db()
    if deployment.rollout:
        return
    primaries = (
        [v for v in deployment.current_revision.variants.all() if v.role == "primary"]
        if deployment.current_revision
        else []
    )
    version = run.model_version
    assert version is not None
    if primaries and primaries[0].model_version_id == version.pk:
        model_alias_set(
            model=version.registered_model,
            user=_owner(run.policy),
            role="owner",
            alias="champion",
            version=version,
            reason=f"promoted by retraining run {run.pk}",
        )
        _finish(run, RetrainingRun.Status.PROMOTED, f"{version} serves all traffic and is the champion")
    else:
        _finish(run, RetrainingRun.Status.ROLLED_BACK, "the canary was rolled back; the champion is unchanged")


def retraining_advance(*, run_id: int) -> str:
    """Move one run forward as far as it can go now; idempotent."""
    with transaction.atomic():
        run = (
            RetrainingRun.objects.select_for_update(of=("self",))
            .select_related("policy__deployment", "policy__project", "training_job__model_version", "model_version")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status not in RetrainingRun.ACTIVE:
            return run.status if run else "missing"
        if run.status == RetrainingRun.Status.TRAINING:
            _after_training(run)
        elif run.status == RetrainingRun.Status.AWAITING_APPROVAL and run.model_version is not None:
            run.model_version.refresh_from_db()
            if run.model_version.approval == ApprovalState.APPROVED:
                _rollout(run)
            elif run.model_version.approval == ApprovalState.REJECTED:
                _finish(run, RetrainingRun.Status.REJECTED, "rejected by a reviewer")
        elif run.status == RetrainingRun.Status.ROLLING_OUT:
            _after_rollout(run)
        return run.status


def active_runs() -> list[int]:
    return list(RetrainingRun.objects.filter(status__in=RetrainingRun.ACTIVE).values_list("pk", flat=True))
