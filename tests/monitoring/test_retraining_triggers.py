"""Retraining started by a schedule and by a new dataset version: once per slot or version, never twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import TestCase

from core.errors import Conflict
from monitoring import tasks
from monitoring.models import RetrainingPolicy, RetrainingRun
from monitoring.services import config, retraining
from registry.models import Dataset, VersionStatus
from registry.services.datasets import validation_rule_create
from tests.monitoring.test_retraining import STRONG, _champion
from tests.registry.models_helpers import cancer_frame
from tests.training.conftest import upload_frame

pytestmark = pytest.mark.django_db

# A fixed minute of a day after today: runs' real creation times (timezone.now()) are always before it, so the
# minimum-interval guard, which compares them with the tick's time, behaves the same whenever the tests run.
NOW = (datetime.now(UTC) + timedelta(days=2)).replace(hour=6, minute=10, second=0, microsecond=0)
SLOT_KEY = f"schedule:{NOW.replace(minute=0).isoformat()}"


def _policy(team, deployment, **extra) -> RetrainingPolicy:
    values = {
        "name": "retrain",
        "deployment": deployment.name,
        "dataset": "cancer",
        "spec": STRONG,
        "model_name": "diagnosis",
        "min_interval_minutes": 0,
    } | extra
    return config.retraining_policy_save(project=team.project, user=team.users["maintainer"], **values)


def _scheduled(team, deployment, minutes: int = 60) -> RetrainingPolicy:
    policy = _policy(team, deployment, trigger="schedule", schedule_minutes=minutes)
    RetrainingPolicy.objects.filter(pk=policy.pk).update(created_at=NOW - timedelta(days=1))
    return policy


def test_schedule_trigger_starts_one_run_per_slot(team):
    _, deployment = _champion(team)
    policy = _scheduled(team, deployment)
    with TestCase.captureOnCommitCallbacks(execute=False):
        first = retraining.retraining_start_scheduled(now=NOW)
        again = retraining.retraining_start_scheduled(now=NOW + timedelta(minutes=20))
    assert len(first) == 1 and again == []
    run = RetrainingRun.objects.get()
    assert run.trigger["kind"] == "schedule"
    assert run.trigger_key == SLOT_KEY
    RetrainingRun.objects.update(status="failed")  # the next slot starts a new run once the first has ended
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert len(retraining.retraining_start_scheduled(now=NOW + timedelta(minutes=55))) == 1
    assert RetrainingRun.objects.filter(policy=policy).count() == 2


def test_schedule_slot_started_twice_is_a_conflict_even_after_the_run_ended(team):
    _, deployment = _champion(team)
    policy = _scheduled(team, deployment)
    key = SLOT_KEY
    with TestCase.captureOnCommitCallbacks(execute=False):
        retraining.retraining_start(policy=policy, trigger={"kind": "schedule"}, key=key)
    RetrainingRun.objects.update(status="failed")
    with pytest.raises(Conflict, match="already started a run for schedule"):
        retraining.retraining_start(policy=policy, trigger={"kind": "schedule"}, key=key)
    assert RetrainingRun.objects.count() == 1


def test_schedule_is_not_due_before_the_first_slot_after_creation_nor_when_disabled(team):
    _, deployment = _champion(team)
    policy = _policy(team, deployment, trigger="schedule", schedule_minutes=60)
    RetrainingPolicy.objects.filter(pk=policy.pk).update(created_at=NOW)
    assert retraining.scheduled_policies_due(now=NOW + timedelta(minutes=30)) == []
    assert [p for p, _ in retraining.scheduled_policies_due(now=NOW + timedelta(minutes=60))] == [policy.pk]
    RetrainingPolicy.objects.filter(pk=policy.pk).update(enabled=False)
    assert retraining.scheduled_policies_due(now=NOW + timedelta(minutes=60)) == []


def test_two_beat_ticks_of_the_retraining_task_start_one_run(team):
    _, deployment = _champion(team)
    policy = _scheduled(team, deployment, minutes=5)
    RetrainingPolicy.objects.filter(pk=policy.pk).update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    with TestCase.captureOnCommitCallbacks(execute=False):
        tasks.advance_retraining_runs.delay()
        tasks.advance_retraining_runs.delay()
    assert RetrainingRun.objects.filter(policy=policy).count() == 1


def test_schedule_trigger_needs_a_cadence(team):
    _, deployment = _champion(team)
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        _policy(team, deployment, trigger="schedule", schedule_minutes=None)
    assert caught.value.errors[0]["field"] == "schedule_minutes"


def test_new_valid_dataset_version_starts_a_run_on_that_version_once(team):
    _, deployment = _champion(team)
    policy = _policy(team, deployment, trigger="new_dataset")
    frame = cancer_frame()
    with TestCase.captureOnCommitCallbacks(execute=True):
        version = upload_frame(team, "cancer", frame.iloc[:500].to_csv(index=False).encode())
    assert version.status == VersionStatus.VALID
    run = RetrainingRun.objects.get(policy=policy)
    assert run.dataset_version == version
    assert run.trigger == {"kind": "new_dataset", "dataset": "cancer", "version": version.number}
    assert run.trigger_key == f"dataset_version:{version.pk}"
    RetrainingRun.objects.update(status="failed")
    assert retraining.on_dataset_version_created(version.pk) == []  # a redelivered message starts nothing
    assert RetrainingRun.objects.count() == 1


def test_invalid_dataset_version_does_not_trigger(team):
    _, deployment = _champion(team)
    policy = _policy(team, deployment, trigger="new_dataset")
    validation_rule_create(
        dataset=Dataset.objects.get(name="cancer"),
        user=team.users["maintainer"],
        kind="row_count",
        params={"min": 10**6},
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        version = upload_frame(team, "cancer", cancer_frame().iloc[:400].to_csv(index=False).encode())
    assert version.status == VersionStatus.INVALID
    assert retraining.on_dataset_version_created(version.pk) == []
    assert not RetrainingRun.objects.filter(policy=policy).exists()


def test_new_dataset_version_of_another_dataset_or_for_other_triggers_starts_nothing(team):
    _, deployment = _champion(team)
    _policy(team, deployment, trigger="alert")
    _policy(team, deployment, name="other", trigger="new_dataset", dataset="cancer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        upload_frame(team, "cancer-copy", cancer_frame().iloc[:450].to_csv(index=False).encode())
    assert not RetrainingRun.objects.exists()


def test_retraining_policy_api_round_trip_with_schedule(team):
    _, deployment = _champion(team)
    client = team.client("maintainer")
    base = f"/api/v1/projects/{team.project.slug}/retraining-policies/"
    body = {
        "name": "nightly",
        "deployment": deployment.name,
        "trigger": "schedule",
        "dataset": "cancer",
        "spec": STRONG,
        "model_name": "diagnosis",
    }
    missing = client.post(base, body, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "schedule_minutes"
    created = client.post(base, body | {"schedule_minutes": 1440}, format="json")
    assert created.status_code == 201, created.json()
    detail = f"{base}{created.json()['id']}/"
    changed = client.put(detail, body | {"trigger": "new_dataset", "schedule_minutes": 60}, format="json")
    assert changed.status_code == 200
    assert changed.json()["trigger"] == "new_dataset" and changed.json()["schedule_minutes"] is None
    assert team.client("viewer").delete(detail).status_code == 403
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_workers_starting_the_same_slot_start_one_run(team):
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres row locks")
    _, deployment = _champion(team)
    policy = _scheduled(team, deployment)
    started: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def worker() -> None:
        try:
            barrier.wait()
            started.append(retraining.retraining_start_scheduled(now=NOW))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(len(s) for s in started) == [0, 0, 1]
    assert RetrainingRun.objects.filter(policy=policy).count() == 1
