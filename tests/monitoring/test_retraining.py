"""The closed loop, eager: drift -> alert -> retraining job -> gated version -> canary -> promoted; and a worse
candidate rejected by the gate with the champion unchanged."""

from __future__ import annotations

import time

import pytest
from django.test import TestCase

from monitoring.models import RetrainingRun
from monitoring.services import alerts, config, drift, retraining
from registry.models import ModelAlias, ModelVersion
from serving import rollouts
from serving.models import Deployment
from serving.services import deployment_create
from tests.monitoring.conftest import log_rows
from tests.registry.models_helpers import cancer_frame
from tests.training.conftest import upload_frame
from training.models import TrainingJob
from training.services import training_job_submit

pytestmark = pytest.mark.django_db

WEAK = {"estimator": "decision_tree", "params": {"max_depth": 1}, "cv_folds": 3, "n_jobs": 1, "seed": 3}
STRONG = {"estimator": "logistic_regression", "params": {"C": 1.0}, "cv_folds": 3, "n_jobs": 1, "seed": 3}


def _champion(team):
    team.project.require_human_approval = False
    team.project.acceptance_criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.8}]
    team.project.save()
    version = upload_frame(team, "cancer", cancer_frame().to_csv(index=False).encode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        training_job_submit(
            project=team.project,
            user=team.users["maintainer"],
            dataset_version=version,
            spec=WEAK,
            register_model_name="diagnosis",
        )
    champion = ModelVersion.objects.get(registered_model__name="diagnosis", number=1)
    ModelVersion.objects.filter(pk=champion.pk).update(approval="approved")
    champion.refresh_from_db()
    from registry.services.models import model_alias_set

    model_alias_set(
        model=champion.registered_model,
        user=team.users["maintainer"],
        role="maintainer",
        alias="champion",
        version=champion,
    )
    deployment = deployment_create(project=team.project, user=team.users["maintainer"], name="api", version=champion)
    return champion, deployment


def _policy(team, deployment, rule, **extra):
    values = {
        "name": "retrain",
        "deployment": deployment.name,
        "trigger": "alert",
        "alert_rules": [rule.name],
        "dataset": "cancer",
        "spec": STRONG,
        "model_name": "diagnosis",
        "min_interval_minutes": 0,
        "rollout": {
            "kind": "canary",
            "steps": [50, 100],
            "interval_seconds": 10,
            "guardrails": {"min_requests": 5, "max_p95_ratio": 100},
        },
    } | extra
    return config.retraining_policy_save(project=team.project, user=team.users["maintainer"], **values)


def _fire(team, deployment, version):
    rule = config.alert_rule_save(
        project=team.project,
        user=team.users["maintainer"],
        name="drift",
        deployment=deployment.name,
        metric="drift_share",
        op=">",
        threshold=0.3,
        window_minutes=60,
        cooldown_minutes=0,
        channels=[],
    )
    log_rows(deployment, version, 300, shift=1.0, minutes_ago=10, seed=1)
    from datetime import timedelta

    from django.utils import timezone

    end = timezone.now()
    drift.drift_report_create(deployment=deployment, window_start=end - timedelta(minutes=30), window_end=end)
    return rule


def _traffic(team, n, start=0):
    from tests.serving.conftest import predict, rows

    for i in range(n):
        assert (
            predict(
                team.client("predictor"),
                team,
                {"inputs": rows(1, start=(start + i) % 500), "routing_key": f"k{start + i}"},
            ).status_code
            == 200
        )


def test_drift_alert_retrains_gates_canaries_and_promotes(team):
    champion, deployment = _champion(team)
    rule = _fire(team, deployment, champion)
    _policy(team, deployment, rule)
    with TestCase.captureOnCommitCallbacks(execute=True):
        alert = alerts.evaluate_rule(rule=rule)
    assert alert is not None and alert.status == "firing"
    run = RetrainingRun.objects.get()
    assert run.trigger["kind"] == "alert" and run.champion_version == champion
    job = TrainingJob.objects.get(pk=run.training_job_id)
    if job.status == "queued":  # enqueued on commit of the callback itself
        from training.jobs import training_job_execute

        training_job_execute(job_id=job.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert retraining.retraining_advance(run_id=run.pk) == "rolling_out"
    run.refresh_from_db()
    candidate = run.model_version
    assert candidate.number == 2 and candidate.approval == "approved"
    assert {c["name"]: c["passed"] for c in run.checks} == {
        "acceptance_criteria": True,
        "validation_gate": True,
        "signature_compatibility": True,
    }
    _traffic(team, 40)
    deployment.refresh_from_db()
    started = deployment.rollout["step_started_at"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert rollouts.rollout_tick(deployment_id=deployment.pk, now=started + 11).action == "advance"
    _traffic(team, 20, start=100)
    started = Deployment.objects.get().rollout["step_started_at"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert (
            rollouts.rollout_tick(deployment_id=deployment.pk, now=max(started + 11, time.time())).action == "promote"
        )
    assert retraining.retraining_advance(run_id=run.pk) == "promoted"
    assert ModelAlias.objects.get(name="champion").version == candidate
    steps = [s["step"] for s in RetrainingRun.objects.get().steps]
    assert steps[:2] == ["triggered", "training"] and steps[-1] == "promoted"
    assert retraining.on_alert_fired(alert.pk) == []  # loop guard: just promoted


def test_worse_candidate_is_rejected_by_the_gate_and_champion_kept(team):
    champion, deployment = _champion(team)
    champion.registered_model.validation_gate = {"metric": "f1_macro", "min_absolute_change": 0.5}
    champion.registered_model.save()
    rule = _fire(team, deployment, champion)
    policy = _policy(team, deployment, rule, rollout={})
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = retraining.retraining_start(policy=policy, trigger={"kind": "manual"})
    job = TrainingJob.objects.get(pk=run.training_job_id)
    if job.status == "queued":
        from training.jobs import training_job_execute

        training_job_execute(job_id=job.pk)
    assert retraining.retraining_advance(run_id=run.pk) == "rejected"
    run.refresh_from_db()
    assert "validation_gate" in run.steps[-1]["detail"]
    assert ModelAlias.objects.get(name="champion").version == champion
    assert Deployment.objects.get().rollout == {}


def test_one_active_run_per_policy_and_min_interval(team):
    champion, deployment = _champion(team)
    rule = _fire(team, deployment, champion)
    policy = _policy(team, deployment, rule, min_interval_minutes=60)
    with TestCase.captureOnCommitCallbacks(execute=False):
        retraining.retraining_start(policy=policy, trigger={"kind": "manual"})
    from core.errors import Conflict

    with pytest.raises(Conflict, match="in progress"):
        retraining.retraining_start(policy=policy, trigger={"kind": "manual"})
    RetrainingRun.objects.update(status="failed")
    policy.refresh_from_db()
    with pytest.raises(Conflict, match="less than 60 min"):
        retraining.retraining_start(policy=policy, trigger={"kind": "manual"})
