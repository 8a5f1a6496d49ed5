"""The per-deployment readiness checklist, the load-test API and the backup record it relies on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from console import loadgen
from console.models import LoadTest
from core.backup import backup_create
from core.models import Backup
from monitoring.models import AlertRule, DriftConfig
from monitoring.services import config
from registry.models import ApprovalRequest
from serving import validation

pytestmark = pytest.mark.django_db


def _url(team, suffix: str = "") -> str:
    return f"/api/v1/projects/{team.project.slug}/deployments/api/{suffix}"


def _items(team) -> dict[str, dict]:
    response = team.client("viewer").get(_url(team, "readiness/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 6 and body["deployment"] == "api"
    return {item["key"]: item for item in body["items"]}


def _load_test(team, **body):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return team.client("maintainer").post(_url(team, "load-tests/"), body, format="json")


def _make_ready(team, deployment, version, tmp_path, settings) -> None:
    settings.KEEL_SDK_PACKAGE = "json"  # any importable package stands in for the client library here
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = team.client("maintainer").post(
            _url(team, "deploy/"),
            {"strategy": "single", "model": "cancer", "version": 1, "reason": "redeploy"},
            format="json",
        )
    assert again.status_code in (200, 201), again.content
    assert _load_test(team, max_requests=30, max_seconds=20).status_code == 202
    DriftConfig.objects.create(deployment=deployment, window_minutes=60, cadence_minutes=15)
    channel = config.channel_create(
        project=team.project, user=team.users["maintainer"], name="ops", kind="email", config={"to": ["a@b.c"]}
    )
    rule = AlertRule.objects.create(
        project=team.project, deployment=deployment, name="drift", metric="drift_share", threshold=0.5
    )
    rule.channels.add(channel)
    ApprovalRequest.objects.create(version=version, status="approved", requested_by=team.users["editor"])
    version.card = {"intended_use": "demo", "limitations": "demo data", "ethical_considerations": "none known"}
    version.save(update_fields=["card"])
    backup_create(out=tmp_path / "backup")


def test_readiness_of_a_fresh_deployment_fails_with_reasons(team, served):
    items = _items(team)
    assert items["rollback"]["passed"] is False and "No previous revision" in items["rollback"]["detail"]
    assert items["load_test"]["passed"] is False
    assert items["monitoring"]["passed"] is False and "alert rule" in items["monitoring"]["detail"]
    assert items["backup"]["passed"] is False and items["backup"]["evidence"]["max_age_hours"] == 24
    compliance = items["compliance"]
    assert compliance["passed"] is False and "model card incomplete" in compliance["detail"]
    assert compliance["evidence"]["versions"][0]["artifact_intact"] is True
    assert items["api_docs"]["evidence"]["schema_url"] == "/api/schema/"


def test_readiness_passes_when_every_item_is_in_place(team, served, tmp_path, settings):
    deployment, version = served
    _make_ready(team, deployment, version, tmp_path, settings)
    items = _items(team)
    assert {k: i["passed"] for k, i in items.items()} == dict.fromkeys(items, True), items
    assert items["rollback"]["evidence"]["rollback_revision"] == 1
    figures = items["load_test"]["evidence"]
    assert figures["requests"] == 30 and figures["error_rate"] == 0 and figures["p99_ms"] >= figures["p50_ms"] > 0
    assert items["monitoring"]["evidence"]["alert_rules"][0]["channels"] == ["ops"]
    assert items["backup"]["evidence"]["backup"] == Backup.objects.get().pk
    body = team.client("viewer").get(_url(team, "readiness/")).json()
    assert body["ready"] is True and body["passed"] == 6


def test_readiness_fails_on_a_stale_backup_and_a_tampered_artifact(team, served, tmp_path, settings):
    deployment, version = served
    _make_ready(team, deployment, version, tmp_path, settings)
    Backup.objects.update(created_at=timezone.now() - timedelta(hours=25))
    settings.KEEL_BACKUP_MAX_AGE_HOURS = 24
    items = _items(team)
    assert items["backup"]["passed"] is False and items["backup"]["evidence"]["age_hours"] >= 25
    settings.KEEL_BACKUP_MAX_AGE_HOURS = 48
    assert _items(team)["backup"]["passed"] is True
    root = settings.STORAGES["artifacts"]["OPTIONS"]["location"]
    sha = version.artifact_sha256
    path = f"{root}/blobs/{sha[:2]}/{sha[2:4]}/{sha}"
    with open(path, "r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"XXXX")
    compliance = _items(team)["compliance"]
    assert compliance["passed"] is False and "artifact hash mismatch" in compliance["detail"]


def test_load_test_api_records_figures_for_the_serving_revision(team, served):
    _, version = served
    created = _load_test(team, max_requests=20, max_seconds=30, batch_size=5)
    assert created.status_code == 202, created.content
    listed = team.client("viewer").get(_url(team, "load-tests/")).json()["results"]
    assert len(listed) == 1
    run = listed[0]
    assert run["status"] == "succeeded" and run["requests"] == 20 and run["errors"] == 0
    assert run["revision_number"] == 1 and run["model_versions"] == [version.pk]
    assert run["rps"] > 0 and run["p50_ms"] <= run["p95_ms"] <= run["p99_ms"]
    assert LoadTest.objects.get().created_by == team.users["maintainer"]


def test_load_test_api_validates_input_and_roles(team, served):
    bad = _load_test(team, max_requests=0, max_seconds=1000)
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"max_requests", "max_seconds"}
    denied = team.client("editor").post(_url(team, "load-tests/"), {}, format="json")
    assert denied.status_code == 403
    missing = team.client("maintainer").post(
        f"/api/v1/projects/{team.project.slug}/deployments/nope/load-tests/", {}, format="json"
    )
    assert missing.status_code == 404
    assert LoadTest.objects.count() == 0


def test_load_test_run_is_claimed_once(team, served):
    from console.services.loadrun import load_test_run

    _load_test(team, max_requests=5)
    test = LoadTest.objects.get()
    assert load_test_run(load_test_id=test.pk) is None  # a redelivered message finds it claimed
    assert LoadTest.objects.get().requests == 5


def test_generated_rows_pass_the_signature_checks(served):
    _, version = served
    rows = loadgen.rows_from_signature(version.signature, 50, seed=3)
    checked = validation.check_rows(rows, version.signature)
    assert len(rows) == 50 and checked.errors == [] and not any(checked.flags)


def test_summarize_counts_errors_and_orders_percentiles():
    figures = loadgen.summarize([1.0] * 98 + [50.0, 100.0], errors=2, duration_s=2.0)
    assert figures["requests"] == 100 and figures["rps"] == 50.0 and figures["error_rate"] == 0.02
    assert figures["p50_ms"] == 1.0 and figures["p99_ms"] > figures["p95_ms"]


def test_dashboard_deployment_page_shows_the_readiness_panel(team, served):
    from django.test import Client

    client = Client()
    client.force_login(team.users["viewer"])
    page = client.get(f"/dashboard/{team.project.slug}/deployments/api/")
    assert page.status_code == 200
    assert b"Production readiness: " in page.content and b"Disaster recovery" in page.content
