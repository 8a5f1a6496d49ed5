"""Beat restarted (the fan-out task run again and concurrently) still yields one drift report per window, and a
model version whose artifact fails its hash check stops getting traffic."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase

from monitoring.models import DriftConfig, DriftReport
from monitoring.services import drift
from monitoring.tasks import run_due_drift_reports
from registry.models import ModelVersion
from serving import runtime
from serving.services import deployment_create
from tests.monitoring.conftest import log_rows, with_reference
from tests.registry.models_helpers import make_version
from tests.serving.conftest import approved, deploy, predict, rows, url


def test_beat_fan_out_run_repeatedly_and_concurrently_makes_one_report_per_window(team, transactional_db):
    version = with_reference(make_version(team.project, team.users["editor"]))
    deployment = deployment_create(project=team.project, user=team.users["maintainer"], name="api", version=version)
    DriftConfig.objects.create(deployment=deployment, window_minutes=60, cadence_minutes=15)
    log_rows(deployment, version, 120, minutes_ago=20)
    errors: list[BaseException] = []

    def beat(times: int) -> None:  # one beat process (or a restarted one) firing the fan-out
        try:
            for _ in range(times):
                run_due_drift_reports.delay()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat, args=(3,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    beat(2)  # and once more after the others: beat restarted twice
    assert not errors, errors[0]
    start, end = drift.aligned_window(DriftReport.objects.get().created_at, 15, 60)
    reports = DriftReport.objects.filter(deployment=deployment)
    assert reports.count() == 1
    assert (reports[0].window_start, reports[0].window_end) == (start, end)
    assert drift.drift_reports_due() == []


@pytest.mark.django_db
def test_a_version_failing_its_hash_check_gets_no_more_traffic(team):
    v1, v2 = approved(team), approved(team, c=0.05)
    runtime.models.clear()
    runtime.routes.forget()
    assert deploy(team).status_code == 201
    body = {
        "strategy": "ab_test",
        "variants": [
            {"name": "a", "model": "cancer", "version": 1, "weight": 50},
            {"name": "b", "model": "cancer", "version": 2, "weight": 50},
        ],
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert team.client("maintainer").post(url(team, suffix="deploy/"), body, format="json").status_code == 200
    sha = v2.artifact_sha256
    blob = Path(settings.STORAGES["artifacts"]["OPTIONS"]["location"]) / "blobs" / sha[:2] / sha[2:4] / sha
    blob.write_bytes(blob.read_bytes()[:-8] + b"tampered")
    statuses: dict[str, int] = {}
    client = team.client("editor")
    with TestCase.captureOnCommitCallbacks(execute=True):
        for i in range(40):  # until a request routed to b loads the tampered artifact
            answer = predict(client, team, {"inputs": rows(1), "routing_key": str(i)})
            statuses[str(i)] = answer.status_code
            if answer.status_code != 200:
                break
    assert set(statuses.values()) - {200} <= {409, 503}, statuses  # the integrity conflict, never a 500
    assert ModelVersion.objects.get(pk=v2.pk).health == "unhealthy"
    variants = {predict(client, team, {"inputs": rows(1), "routing_key": str(i)}).json()["variant"] for i in range(40)}
    assert variants == {"a"}
    assert ModelVersion.objects.get(pk=v1.pk).health == "healthy"
