"""One status per drift report, by one rule, the same in the API, the dashboard, alerts and /metrics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from monitoring.drift.status import column_status, report_status
from monitoring.services import alerts, config, drift
from tests.monitoring.conftest import log_rows

KEPT = ("mean_radius", "mean_texture", "mean_smoothness")


def _column(name: str, drifted: bool, severity: str = "none", reason: str | None = None) -> dict:
    return {"name": name, "drifted": drifted, "severity": "drift" if drifted else severity, "reason": reason}


def _result(columns: list[dict], share_threshold: float = 0.5, **dataset) -> dict:
    evaluated = [c for c in columns if not c["reason"]]
    n_drifted = sum(c["drifted"] for c in evaluated)
    share = n_drifted / len(evaluated) if evaluated else 0.0
    return {
        "columns": columns,
        "dataset": {"drifted": share >= share_threshold, "share_drifted": share, **dataset},
    }


def test_column_status_drifted_possible_ok_skipped():
    assert column_status(_column("a", True)) == "drifted"
    assert column_status(_column("a", False, "possible")) == "possible"
    assert column_status(_column("a", False)) == "ok"
    assert column_status(_column("a", False, reason="too few rows")) == "skipped"


def test_report_status_drift_warning_ok():
    one_of_three = _result([_column("a", True), _column("b", False, "possible"), _column("c", False)])
    verdict = report_status(one_of_three)
    assert (verdict.status, verdict.n_drifted, verdict.n_features, verdict.n_possible) == ("warning", 1, 3, 1)
    assert verdict.summary == "1 of 3 features drifted" and verdict.dataset_drift is False
    two_of_three = report_status(_result([_column("a", True), _column("b", True), _column("c", False)]))
    assert two_of_three.status == "drift" and two_of_three.summary == "2 of 3 features drifted"
    calm = report_status(_result([_column("a", False, "possible"), _column("b", False)]))
    assert calm.status == "ok"
    skipped = report_status(_result([_column("a", False), _column("b", False, reason="no rows")]))
    assert (skipped.status, skipped.n_features, skipped.n_skipped) == ("ok", 1, 1)


def test_prediction_drift_alone_is_a_warning():
    result = _result([_column("a", False)]) | {"prediction": {"drifted": True, "reason": None}}
    verdict = report_status(result)
    assert verdict.status == "warning" and verdict.prediction_drift is True
    assert verdict.summary == "0 of 1 feature drifted; the prediction drifted"


def test_the_configured_dataset_verdict_decides():
    """With a correction (or weights), the corrected (weighted) verdict is the share rule that counts."""
    columns = [_column("a", True), _column("b", True), _column("c", False)]
    corrected = report_status(_result(columns, corrected_drifted=False))
    assert corrected.status == "warning" and corrected.dataset_drift is False
    weighted = report_status(_result([_column("a", True), _column("b", False)], 0.9, weighted_drifted=True))
    assert weighted.status == "drift"


# --- The same report through every surface ---------------------------------------------------------------------


def _scrape() -> dict[tuple[str, frozenset], float]:
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200, response.content
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.content.decode())
        for s in family.samples
    }


@pytest.mark.django_db
def test_one_of_three_features_drifted_is_a_warning_everywhere(team, served):
    """1 of 3 features drifted, below the 50 % dataset threshold: the API, the dashboard (overview, card,
    heatmap), an alert on the status and /metrics all say warning and "1 of 3 features drifted"."""
    deployment, version = served
    profile_columns = [f["name"] for f in version.signature["inputs"]]
    excluded = [name for name in profile_columns if name not in KEPT]
    config.drift_config_set(deployment=deployment, user=team.users["maintainer"], options={"exclude": excluded})
    log_rows(deployment, version, 400, shift=2.0, features=("mean_radius",))
    end = timezone.now()
    report, _ = drift.drift_report_create(
        deployment=deployment, window_start=end - timedelta(minutes=30), window_end=end
    )
    drifted = [c["name"] for c in report.result["columns"] if c["drifted"]]
    assert drifted == ["mean_radius"], report.result["columns"]
    summary = report.summary
    assert summary.startswith("1 of 3 features drifted")

    base = f"/api/v1/projects/{team.project.slug}/deployments/{deployment.name}/drift-reports/"
    shown = team.client("viewer").get(f"{base}{report.pk}/").json()
    assert (shown["status"], shown["dataset_drift"], shown["n_drifted"], shown["n_features"]) == (
        "warning",
        False,
        1,
        3,
    )
    assert shown["summary"] == summary
    listed = team.client("viewer").get(base, {"status": "warning"}).json()
    assert [r["id"] for r in listed["results"]] == [report.pk]

    browser = Client()
    browser.force_login(team.users["viewer"])
    page = browser.get(f"/dashboard/{team.project.slug}/deployments/{deployment.name}/").content.decode()
    assert 'id="c-drift">warning<' in page and summary in page
    assert "△ warning" in page  # the heatmap's column badge
    overview = browser.get("/dashboard/").content.decode()
    assert "△ warning" in overview and summary in overview
    polled = browser.get(f"/dashboard/{team.project.slug}/deployments/{deployment.name}/data.json").json()
    assert polled["drift"] == {"verdict": "warning", "summary": summary, "share_drifted": 1 / 3, "report": report.pk}

    samples = _scrape()
    labels = {"project": team.project.slug, "deployment": deployment.name}
    status = {
        s: samples.get(("keel_drift_status", frozenset((labels | {"status": s}).items())))
        for s in ("ok", "warning", "drift")
    }
    assert status == {"ok": 0.0, "warning": 1.0, "drift": 0.0}
    assert samples[("keel_drifted_features", frozenset(labels.items()))] == 1
    assert samples[("keel_dataset_drift", frozenset(labels.items()))] == 0

    rule = config.alert_rule_save(
        project=team.project,
        user=team.users["maintainer"],
        name="any-drift",
        deployment=deployment.name,
        metric="drift_status",
        op=">=",
        threshold=1,
        window_minutes=60,
        channels=[],
    )
    alert = alerts.evaluate_rule(rule=rule)
    assert alert is not None and alert.value == 1.0
    assert f"latest drift report: warning, {summary}" in alert.message
