"""Drift reports, alert lifecycle and notifications, with real database rows."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from monitoring.models import Alert, AlertRule, DriftConfig, DriftReport
from monitoring.services import alerts, config, drift
from tests.monitoring.conftest import log_rows

pytestmark = pytest.mark.django_db


def _window():
    end = timezone.now()
    return end - timedelta(minutes=30), end


def test_unshifted_window_is_not_drifted_and_shifted_one_is(team, served):
    deployment, version = served
    log_rows(deployment, version, 400)
    start, end = _window()
    clean, created = drift.drift_report_create(deployment=deployment, window_start=start, window_end=end)
    assert created and clean.n_rows == 400
    assert clean.dataset_drift is False, clean.share_drifted
    assert clean.status == ("warning" if clean.n_drifted or clean.prediction_drift else "ok"), clean.summary
    log_rows(deployment, version, 400, shift=1.0, minutes_ago=65, seed=1)
    shifted, _ = drift.drift_report_create(
        deployment=deployment, window_start=end - timedelta(minutes=90), window_end=end - timedelta(minutes=40)
    )
    assert shifted.dataset_drift is True and shifted.share_drifted > 0.5
    columns = {c["name"]: c for c in shifted.result["columns"]}
    assert columns["mean_radius"]["drifted"] is True and columns["mean_radius"]["severity"] == "drift"
    assert columns["smoothness_error"]["drifted"] is False  # not shifted
    assert "prediction" in shifted.result


def test_reports_are_exactly_once_per_window(team, served):
    deployment, version = served
    log_rows(deployment, version, 100)
    start, end = _window()
    first, created = drift.drift_report_create(deployment=deployment, window_start=start, window_end=end)
    again, created_again = drift.drift_report_create(deployment=deployment, window_start=start, window_end=end)
    assert created and not created_again and first.pk == again.pk
    assert DriftReport.objects.count() == 1


def test_aligned_windows_and_due_schedule(team, served):
    deployment, _ = served
    DriftConfig.objects.create(deployment=deployment, window_minutes=60, cadence_minutes=15)
    now = timezone.now()
    start, end = drift.aligned_window(now, 15, 60)
    assert end <= now and (end - start) == timedelta(minutes=60) and int(end.timestamp()) % 900 == 0
    due = drift.drift_reports_due(now=now)
    assert due == [(deployment.pk, start.isoformat(), end.isoformat())]
    drift.drift_report_create(deployment=deployment, window_start=start, window_end=end)
    assert drift.drift_reports_due(now=now) == []


def test_too_few_rows_says_so(team, served):
    deployment, version = served
    log_rows(deployment, version, 10)
    report, _ = drift.drift_report_create(deployment=deployment, window_start=_window()[0], window_end=_window()[1])
    assert report.status == "insufficient_data" and "at least" in report.detail


def test_drift_api_on_demand_and_config(team, served):
    deployment, version = served
    log_rows(deployment, version, 200)
    base = f"/api/v1/projects/{team.project.slug}/deployments/api/"
    bad = team.client("maintainer").put(
        base + "drift-config/",
        {"enabled": True, "window_minutes": 60, "cadence_minutes": 60, "options": {"correction": "vibes"}},
        format="json",
    )
    assert bad.status_code == 400
    ok = team.client("maintainer").put(
        base + "drift-config/",
        {"enabled": True, "window_minutes": 60, "cadence_minutes": 60, "options": {"correction": "bh"}},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    created = team.client("editor").post(base + "drift-reports/", {"window_minutes": 30}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["result"]["dataset"]["correction"] == "bh"
    listing = team.client("viewer").get(base + "drift-reports/").json()
    assert listing["count"] == 1
    performance = team.client("viewer").get(base + "performance/", {"window_minutes": 30}).json()
    assert performance["variants"]["primary"]["requests"] == 200


def _rule(team, deployment, **extra):
    values = {
        "name": "drift",
        "deployment": deployment.name,
        "metric": "drift_share",
        "op": ">",
        "threshold": 0.3,
        "window_minutes": 180,
        "cooldown_minutes": 60,
        "channels": [],
    } | extra
    return config.alert_rule_save(project=team.project, user=team.users["maintainer"], **values)


def _report(deployment, version, *, shift: float, minutes_ago: float, seed: int):
    log_rows(deployment, version, 300, shift=shift, minutes_ago=minutes_ago, seed=seed)
    end = timezone.now() - timedelta(minutes=minutes_ago - 1)
    return drift.drift_report_create(deployment=deployment, window_start=end - timedelta(minutes=2), window_end=end)[0]


def test_alert_lifecycle_dedupe_resolve_and_cooldown(team, served):
    deployment, version = served
    rule = _rule(team, deployment)
    assert alerts.evaluate_rule(rule=rule) is None  # no report yet: nothing to judge
    _report(deployment, version, shift=1.0, minutes_ago=50, seed=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        fired = alerts.evaluate_rule(rule=rule)
    assert fired.status == "firing" and fired.value > 0.3
    again = alerts.evaluate_rule(rule=rule)
    assert again.pk == fired.pk and again.evaluations == 2 and Alert.objects.count() == 1
    _report(deployment, version, shift=0.0, minutes_ago=20, seed=2)
    resolved = alerts.evaluate_rule(rule=rule)
    assert resolved.pk == fired.pk and resolved.status == "resolved" and resolved.resolved_at is not None
    _report(deployment, version, shift=1.0, minutes_ago=5, seed=3)
    assert alerts.evaluate_rule(rule=rule) is None  # cooldown: no second episode within 60 minutes
    later = timezone.now() + timedelta(minutes=61)
    AlertRule.objects.filter(pk=rule.pk).update(window_minutes=240)
    rule.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = alerts.evaluate_rule(rule=rule, now=later)
    assert second is not None and second.pk != fired.pk


def test_acknowledge_and_alert_api(team, served):
    deployment, version = served
    rule = _rule(team, deployment)
    _report(deployment, version, shift=1.0, minutes_ago=10, seed=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        alert = alerts.evaluate_rule(rule=rule)
    url = f"/api/v1/projects/{team.project.slug}/alerts/"
    listing = team.client("viewer").get(url, {"status": "firing"}).json()
    assert [a["id"] for a in listing["results"]] == [alert.pk]
    assert team.client("editor").post(f"{url}{alert.pk}/acknowledge/").status_code == 403
    acked = team.client("maintainer").post(f"{url}{alert.pk}/acknowledge/")
    assert acked.json()["acknowledged_by"] == team.users["maintainer"].username


class _Listener:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                listener.requests.append((dict(self.headers), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_webhook_slack_and_email_notifications(team, served, settings):
    settings.KEEL_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    listener = _Listener()
    deployment, version = served
    user = team.users["maintainer"]
    hook = config.channel_create(
        project=team.project,
        user=user,
        name="ops-hook",
        kind="webhook",
        config={"url": listener.url, "secret": "s3cret"},
    )
    slack = config.channel_create(
        project=team.project, user=user, name="ops-slack", kind="slack", config={"url": listener.url}
    )
    email = config.channel_create(
        project=team.project, user=user, name="ops-mail", kind="email", config={"to": ["oncall@example.org"]}
    )
    rule = _rule(team, deployment, channels=[hook.name, slack.name, email.name])
    _report(deployment, version, shift=1.0, minutes_ago=10, seed=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        alert = alerts.evaluate_rule(rule=rule)
    listener.server.shutdown()
    assert {n["kind"] for n in alert.notifications} == {"webhook", "slack", "email"}
    bodies = [json.loads(body) for _, body in listener.requests]
    signed = [h for h, b in listener.requests if "X-Keel-Signature" in h]
    assert any(b.get("type") == "alert.firing" and b["data"]["rule"] == "drift" for b in bodies)
    assert any("text" in b and "drift firing" in b["text"] for b in bodies)
    from core.webhooks.signing import verify_signature

    header, raw = next((h, b) for h, b in listener.requests if "X-Keel-Signature" in h and b"alert.firing" in b)
    assert signed and verify_signature("s3cret", header["X-Keel-Timestamp"], raw, header["X-Keel-Signature"])
    assert len(mail.outbox) == 1 and "drift firing" in mail.outbox[0].subject


def test_channel_refuses_private_targets_by_default(team, served):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        config.channel_create(
            project=team.project,
            user=team.users["maintainer"],
            name="bad",
            kind="email",
            config={"to": ["not-an-address"]},
        )
