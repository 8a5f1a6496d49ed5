"""Every deployment with a reference profile has a drift schedule by default; reading the config stores nothing;
every write of it is audited."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory
from django.utils import timezone

from core.models import AuditEvent
from monitoring import tasks
from monitoring.models import DriftConfig, DriftReport
from monitoring.services import drift
from registry.models import ModelVersion
from tests.monitoring.conftest import log_rows

pytestmark = pytest.mark.django_db


def _url(team, deployment) -> str:
    return f"/api/v1/projects/{team.project.slug}/deployments/{deployment.name}/drift-config/"


def test_get_drift_config_shows_the_default_and_stores_nothing(team, served, settings):
    deployment, _ = served
    settings.KEEL_DRIFT_CADENCE_MINUTES, settings.KEEL_DRIFT_WINDOW_MINUTES = 7, 45
    audited = AuditEvent.objects.count()
    response = team.client("viewer").get(_url(team, deployment))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_default"] is True and body["enabled"] is True and body["updated_at"] is None
    assert (body["cadence_minutes"], body["window_minutes"], body["options"]) == (7, 45, {})
    assert not DriftConfig.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_without_a_reference_profile_the_default_is_disabled(team, served):
    deployment, version = served
    ModelVersion.objects.filter(pk=version.pk).update(reference_profile_sha256="")
    body = team.client("viewer").get(_url(team, deployment)).json()
    assert body["is_default"] is True and body["enabled"] is False
    assert drift.drift_reports_due() == []


def test_put_stores_and_audits_then_get_shows_it(team, served):
    deployment, _ = served
    response = team.client("maintainer").put(_url(team, deployment), {"cadence_minutes": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_default"] is False and response.json()["enabled"] is True
    event = AuditEvent.objects.filter(action="drift_config.set").get()
    assert event.data == {"cadence_minutes": 2} and event.actor == team.users["maintainer"]
    assert team.client("viewer").get(_url(team, deployment)).json()["cadence_minutes"] == 2


def test_admin_edits_of_a_drift_config_are_audited(team, served, admin_user):
    deployment, _ = served
    client = Client()
    client.force_login(admin_user)
    url = "/admin/monitoring/driftconfig/add/"
    form = {"deployment": deployment.pk, "enabled": "on", "window_minutes": 30, "cadence_minutes": 3}
    response = client.post(url, {**form, "options": "{}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    config = DriftConfig.objects.get(deployment=deployment)
    assert AuditEvent.objects.filter(action="drift_config.set", object_id=str(config.pk)).count() == 1
    model_admin = site._registry[DriftConfig]
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin.delete_queryset(request, DriftConfig.objects.all())
    assert AuditEvent.objects.filter(action="drift_config.delete", object_id=str(config.pk)).count() == 1


def test_beat_reports_a_deployment_that_has_no_stored_config(team, served, settings):
    """The default schedule is what the beat fan-out reads: a deployment nobody configured still gets reports."""
    deployment, version = served
    settings.KEEL_DRIFT_CADENCE_MINUTES, settings.KEEL_DRIFT_WINDOW_MINUTES = 1, 30
    log_rows(deployment, version, 200, minutes_ago=3)
    assert tasks.run_due_drift_reports.delay().get() == 1
    report = DriftReport.objects.get(deployment=deployment)
    assert report.trigger == "schedule" and report.n_rows == 200
    assert report.window_end <= timezone.now() and report.status in ("ok", "warning", "drift")
    assert not DriftConfig.objects.exists()
    team.client("maintainer").put(_url(team, deployment), {"enabled": False}, format="json")
    assert drift.drift_reports_due() == []
