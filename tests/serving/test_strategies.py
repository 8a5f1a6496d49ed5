"""Each deployment strategy end to end (Celery eager; the rollout tick is called directly)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from core.models import AuditEvent
from registry.models import ModelVersion
from serving import inference, rollouts, runtime
from serving.models import Deployment, PredictionLog, Revision
from tests.serving.conftest import approved, deploy, labels, predict, rows, url

pytestmark = pytest.mark.django_db


def _deploy(team, body):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return team.client("maintainer").post(url(team, suffix="deploy/"), body, format="json")


def _weights(team) -> dict[str, tuple[int, float, str]]:
    revision = team.client("viewer").get(url(team)).json()["revision"]
    return {v["name"]: (v["version"], v["weight"], v["role"]) for v in revision["variants"]}


def test_single_then_rollback_and_revision_history(team, v1, v2):
    with TestCase.captureOnCommitCallbacks(execute=True):
        deploy(team)
    assert predict(team.client("editor"), team, {"inputs": rows(1)}).json()["model"]["version"] == 1
    assert _deploy(team, {"strategy": "single", "model": "cancer", "version": 2}).status_code == 200
    assert predict(team.client("editor"), team, {"inputs": rows(1)}).json()["model"]["version"] == 2
    assert team.client("editor").post(url(team, suffix="rollback/"), {}, format="json").status_code == 403
    with TestCase.captureOnCommitCallbacks(execute=True):
        rolled = team.client("maintainer").post(url(team, suffix="rollback/"), {"reason": "bad metrics"}, format="json")
    assert rolled.json()["revision"]["number"] == 3 and rolled.json()["revision"]["reason"] == "bad metrics"
    answer = predict(team.client("editor"), team, {"inputs": rows(1)}).json()
    assert answer["model"]["version"] == 1 and answer["revision"] == 3
    history = team.client("viewer").get(url(team, suffix="revisions/")).json()["results"]
    assert [r["number"] for r in history] == [3, 2, 1]
    Revision.objects.filter(number=1).update(created_at=timezone.now() - timedelta(hours=2))
    Revision.objects.filter(number=2).update(created_at=timezone.now() - timedelta(hours=1))
    at = (timezone.now() - timedelta(minutes=90)).isoformat()
    served = team.client("viewer").get(url(team, suffix="revisions/"), {"at": at}).json()["results"]
    assert [r["number"] for r in served] == [1]
    assert AuditEvent.objects.filter(action="deployment.rollback").count() == 1


def test_blue_green_smoke_tests_first_and_keeps_old_warm(team, v1, v2):
    deploy(team)
    ModelVersion.objects.filter(pk=v2.pk).update(input_example=[{"mean_radius": "not a number"}])
    failed = _deploy(team, {"strategy": "blue_green", "model": "cancer", "version": 2})
    assert failed.status_code == 409 and failed.json()["errors"][0]["code"] == "smoke_test_failed"
    assert _weights(team) == {"primary": (1, 100.0, "primary")}
    ModelVersion.objects.filter(pk=v2.pk).update(input_example=rows(2))
    switched = _deploy(team, {"strategy": "blue_green", "model": "cancer", "version": 2})
    assert switched.status_code == 200, switched.content
    assert _weights(team) == {"green": (2, 100.0, "primary"), "blue": (1, 0.0, "standby")}
    assert v1.pk in runtime.models.loaded() and v2.pk in runtime.models.loaded()
    answers = {
        predict(team.client("editor"), team, {"inputs": rows(1), "routing_key": str(i)}).json()["variant"]
        for i in range(20)
    }
    assert answers == {"green"}


def test_shadow_is_logged_off_the_response_and_compared(team, v1, v2):
    deploy(team)
    assert _deploy(team, {"strategy": "shadow", "model": "cancer", "version": 2, "fraction": 100}).status_code == 200
    response = predict(team.client("editor"), team, {"inputs": rows(4)}).json()
    assert response["variant"] == "primary"
    assert PredictionLog.objects.filter(shadow=True, variant="shadow").count() == 4
    assert PredictionLog.objects.filter(shadow=False).count() == 4
    report = team.client("viewer").get(url(team, suffix="shadow-report/")).json()
    assert report["pairs"] == 4 and 0 <= report["agreement_rate"] <= 1
    assert report["latency_ms"]["shadow_mean"] is not None


def test_ab_test_is_sticky_and_analysis_matches_feedback(team, v1, v2):
    deploy(team)
    body = {
        "strategy": "ab_test",
        "variants": [
            {"name": "a", "model": "cancer", "version": 1, "weight": 50},
            {"name": "b", "model": "cancer", "version": 2, "weight": 50},
        ],
    }
    assert _deploy(team, body).status_code == 200
    client = team.client("predictor")
    seen = {}
    for i in range(60):
        answer = predict(client, team, {"inputs": rows(1, start=i), "routing_key": f"user-{i % 20}"}).json()
        assert seen.setdefault(f"user-{i % 20}", answer["variant"]) == answer["variant"]  # sticky
        client.post(
            url(team, suffix="feedback/"),
            {"prediction_id": answer["prediction_ids"][0], "value": labels(1, start=i)[0]},
            format="json",
        )
    assert set(seen.values()) == {"a", "b"}
    analysis = team.client("viewer").get(url(team, suffix="ab-analysis/"), {"min_samples": 5}).json()
    assert analysis["control"] == "a" and analysis["metric"] == "rate"
    by_name = {v["name"]: v for v in analysis["variants"]}
    assert by_name["a"]["n"] + by_name["b"]["n"] == 60
    assert analysis["comparisons"][0]["test"] == "two_proportion_z"
    promoted = team.client("maintainer").post(url(team, suffix="promote/"), {"variant": "b"}, format="json")
    assert promoted.json()["revision"]["variants"][0]["version"] == 2


def test_unhealthy_version_gets_no_traffic(team, v1, v2):
    deploy(team)
    body = {
        "strategy": "ab_test",
        "variants": [
            {"name": "a", "model": "cancer", "version": 1, "weight": 50},
            {"name": "b", "model": "cancer", "version": 2, "weight": 50},
        ],
    }
    _deploy(team, body)
    ModelVersion.objects.filter(pk=v2.pk).update(health="unhealthy")
    with TestCase.captureOnCommitCallbacks(execute=True):
        from registry import hooks

        hooks.version_health_changed.send(sender=ModelVersion, version_id=v2.pk, health="unhealthy")
    variants = {
        predict(team.client("editor"), team, {"inputs": rows(1), "routing_key": str(i)}).json()["variant"]
        for i in range(40)
    }
    assert variants == {"a"}
    assert AuditEvent.objects.filter(action="deployment.variant_excluded").count() == 1


def test_version_in_a_live_deployment_cannot_be_archived(team, v1):
    deploy(team)
    refused = team.client("maintainer").post(f"/api/v1/projects/{team.project.slug}/models/cancer/versions/1/archive/")
    assert refused.status_code == 409 and "deployment 'api'" in refused.json()["detail"]


def _traffic(team, n: int, start: int = 0) -> None:
    client = team.client("predictor")
    for i in range(n):
        predict(client, team, {"inputs": rows(1, start=(start + i) % 500), "routing_key": f"k{start + i}"})


def test_canary_steps_up_and_promotes(team, v1, v2):
    deploy(team)
    plan = {
        "strategy": "canary",
        "model": "cancer",
        "version": 2,
        "steps": [20, 100],
        "interval_seconds": 10,
        "guardrails": {"min_requests": 5, "max_p95_ratio": 100},
    }
    assert _deploy(team, plan).status_code == 200
    assert _weights(team) == {"primary": (1, 80.0, "primary"), "canary": (2, 20.0, "canary")}
    _traffic(team, 60)
    deployment = Deployment.objects.get()
    started = deployment.rollout["step_started_at"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert rollouts.rollout_tick(deployment_id=deployment.pk, now=started + 1).action == "wait"
        assert rollouts.rollout_tick(deployment_id=deployment.pk, now=started + 11).action == "advance"
    assert _weights(team)["canary"] == (2, 100.0, "canary")
    _traffic(team, 10, start=100)
    started = Deployment.objects.get().rollout["step_started_at"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert rollouts.rollout_tick(deployment_id=deployment.pk, now=started + 11).action == "promote"
    assert _weights(team) == {"primary": (2, 100.0, "primary")}
    assert Deployment.objects.get().rollout == {}
    actions = set(AuditEvent.objects.filter(action__startswith="deployment.").values_list("action", flat=True))
    assert {
        "deployment.rollout_start",
        "deployment.rollout_step",
        "deployment.promote",
        "deployment.rollout_promote",
    } <= actions


def test_canary_rolls_back_automatically_on_error_rate_breach(team, v1, v2, monkeypatch):
    deploy(team)
    plan = {
        "strategy": "canary",
        "model": "cancer",
        "version": 2,
        "steps": [50, 100],
        "interval_seconds": 600,
        "guardrails": {"min_requests": 5},
    }
    _deploy(team, plan)
    real = inference.run_model

    def failing_canary(loaded, rows, signature):
        if loaded.pipeline is runtime.models.get(v2).pipeline:
            raise RuntimeError("injected failure")
        return real(loaded, rows, signature)

    monkeypatch.setattr(inference, "run_model", failing_canary)
    statuses = []
    for i in range(40):
        statuses.append(
            predict(team.client("predictor"), team, {"inputs": rows(1), "routing_key": f"k{i}"}).status_code
        )
    assert 500 in statuses and 200 in statuses
    deployment = Deployment.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        decision = rollouts.rollout_tick(deployment_id=deployment.pk, now=time.time())
    assert decision.action == "rollback"
    assert any("error" in r for r in decision.reasons)
    assert _weights(team) == {"primary": (1, 100.0, "primary")}
    assert AuditEvent.objects.filter(action="deployment.rollout_rollback").exists()
    assert all(
        predict(team.client("predictor"), team, {"inputs": rows(1), "routing_key": f"k{i}"}).status_code == 200
        for i in range(10)
    )


def test_invalid_rollout_plan_is_400(team, v1, v2):
    deploy(team)
    bad = _deploy(team, {"strategy": "canary", "model": "cancer", "version": 2, "steps": [50, 20]})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"].startswith("steps")


def test_second_approved_version_fixture_is_distinct(team, v1, v2):
    assert approved(team, c=0.5).number == 3
