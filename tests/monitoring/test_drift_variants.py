"""Drift reports per live variant: scheduled once per (deployment, variant, window), listed and filtered by variant."""

from __future__ import annotations

import pytest
from django.utils import timezone

from monitoring import tasks
from monitoring.models import DriftConfig, DriftReport
from monitoring.services import drift
from serving.services import VariantSpec, deploy_shadow, set_split
from tests.monitoring.conftest import log_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def canaried(team, served):
    """primary 80 % with unshifted traffic, canary 20 % whose traffic is shifted by one std, and a shadow."""
    deployment, version = served
    user = team.users["maintainer"]
    set_split(
        deployment=deployment,
        user=user,
        new=VariantSpec("canary", version, 0.0),
        new_weight=20,
        strategy="canary",
        reason="test",
    )
    deployment.refresh_from_db()
    deploy_shadow(deployment=deployment, user=user, version=version, fraction=10)
    deployment.refresh_from_db()
    log_rows(deployment, version, 300, minutes_ago=20)
    log_rows(deployment, version, 300, shift=1.0, minutes_ago=20, seed=1, variant="canary")
    return deployment, version


def _config(deployment, per_variant: bool) -> DriftConfig:
    return DriftConfig.objects.create(
        deployment=deployment, window_minutes=60, cadence_minutes=15, per_variant=per_variant
    )


def test_per_variant_config_schedules_one_report_per_live_variant_once(team, canaried):
    deployment, _ = canaried
    _config(deployment, per_variant=True)
    due = drift.drift_variant_reports_due()
    assert sorted(v for *_, v in due) == ["canary", "primary"]  # not the shadow
    assert tasks.run_due_drift_reports.delay().get() == 3
    assert tasks.run_due_drift_reports.delay().get() == 0  # the next beat tick finds every window done
    reports = {r.variant: r for r in DriftReport.objects.filter(deployment=deployment)}
    assert sorted(reports) == ["", "canary", "primary"]
    assert len({(r.window_start, r.window_end) for r in reports.values()}) == 1
    assert reports["primary"].n_rows == 300 and reports["canary"].n_rows == 300 and reports[""].n_rows == 600
    assert reports["canary"].dataset_drift is True
    assert reports["primary"].dataset_drift is False


def test_without_per_variant_only_the_deployment_report_is_scheduled(team, canaried):
    deployment, _ = canaried
    _config(deployment, per_variant=False)
    assert drift.drift_variant_reports_due() == []
    assert tasks.run_due_drift_reports.delay().get() == 1
    assert list(DriftReport.objects.values_list("variant", flat=True)) == [""]


def test_a_variant_window_is_stored_once(team, canaried):
    deployment, _ = canaried
    config = _config(deployment, per_variant=True)
    start, end = drift.aligned_window(timezone.now(), config.cadence_minutes, config.window_minutes)
    first, created = drift.drift_report_create(
        deployment=deployment, window_start=start, window_end=end, variant="canary"
    )
    again = tasks.drift_report.delay(deployment.pk, start.isoformat(), end.isoformat(), "canary").get()
    assert created and again == {"report": first.pk, "created": False, "status": "drift", "variant": "canary"}
    assert [v for *_, v in drift.drift_variant_reports_due()] == ["primary"]
    assert DriftReport.objects.filter(variant="canary").count() == 1


def test_api_lists_and_filters_reports_by_variant(team, canaried):
    deployment, _ = canaried
    _config(deployment, per_variant=True)
    tasks.run_due_drift_reports.delay()
    client = team.client("viewer")
    url = f"/api/v1/projects/{team.project.slug}/deployments/{deployment.name}/drift-reports/"

    def variants(query: str) -> list[str]:
        response = client.get(url + query)
        assert response.status_code == 200, response.json()
        return sorted(r["variant"] for r in response.json()["results"])

    assert variants("") == ["", "canary", "primary"]
    assert variants("?variant=canary") == ["canary"]
    assert variants("?per_variant=true") == ["canary", "primary"]
    assert variants("?per_variant=false") == [""]
    manual = team.client("maintainer").post(url, {"window_minutes": 60, "variant": "x" * 65}, format="json")
    assert manual.status_code == 400 and manual.json()["errors"][0]["field"] == "variant"
