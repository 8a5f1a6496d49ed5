"""Leaks and half-stored objects: what a role may not read, and what a failed or deleted write must not leave.

Each test is written from the caller's side (the REST API as a viewer, a non-member, a service account) and
checks the stored state afterwards.
"""

from __future__ import annotations

import io
import json

import pytest

from core.models import AuditEvent, Membership
from core.webhooks.models import WebhookSubscription
from monitoring.models import NotificationChannel
from registry.models import Dataset
from tests.registry.datasets_helpers import csv_bytes, upload
from tests.registry.models_helpers import cancer_frame, make_version
from tests.security.seed import PUBLIC_URL

pytestmark = pytest.mark.django_db

SLACK_URL = "https://93.184.216.34/services/T0KEEL/B0KEEL/slackSecretToken42"
SIGNING_SECRET = "whsec_signingSecretValue_0123456789"


def _channels(team) -> str:
    return f"/api/v1/projects/{team.project.slug}/channels/"


def _create_channels(team) -> tuple[dict, dict]:
    slack = team.client("owner").post(
        _channels(team), {"name": "ops", "kind": "slack", "config": {"url": SLACK_URL}}, format="json"
    )
    hook = team.client("owner").post(
        _channels(team),
        {"name": "hook", "kind": "webhook", "config": {"url": PUBLIC_URL, "secret": SIGNING_SECRET}},
        format="json",
    )
    assert slack.status_code == 201 and hook.status_code == 201, (slack.content, hook.content)
    return slack.json(), hook.json()


def _assert_no_secret(body: bytes) -> None:
    assert b"slackSecretToken42" not in body and b"signingSecretValue" not in body
    assert b"/services/T0KEEL" not in body and b"/keel/hooks" not in body


def test_channel_secrets_are_write_only_for_every_role(team):
    slack, hook = _create_channels(team)
    _assert_no_secret(json.dumps([slack, hook]).encode())
    for role in ("viewer", "editor", "maintainer", "owner"):
        listed = team.client(role).get(_channels(team))
        detail = team.client(role).get(f"{_channels(team)}{slack['id']}/")
        assert listed.status_code == 200 and detail.status_code == 200
        _assert_no_secret(listed.content)
        _assert_no_secret(detail.content)
    for role in ("maintainer", "owner"):  # the channels' subscriptions in the webhooks API
        _assert_no_secret(team.client(role).get(f"/api/v1/projects/{team.project.slug}/webhooks/").content)
    shown = {c["name"]: c["config"] for c in team.client("viewer").get(_channels(team)).json()["results"]}
    assert shown["ops"]["url"]["fingerprint"].startswith("sha256:") and len(shown["ops"]["url"]["fingerprint"]) == 19
    assert shown["ops"]["url"]["hint"] == "93.184.216.34"
    assert shown["hook"]["secret"]["fingerprint"].startswith("sha256:")
    assert shown["hook"]["url"]["fingerprint"] != shown["ops"]["url"]["fingerprint"]


def test_channel_update_without_the_secret_keeps_the_stored_one(team):
    from monitoring.services.config import channel_update

    _create_channels(team)
    ops = NotificationChannel.objects.get(project=team.project, name="ops")
    channel_update(channel=ops, user=team.users["owner"], config={}, enabled=False)
    hook = NotificationChannel.objects.get(project=team.project, name="hook")
    channel_update(channel=hook, user=team.users["owner"], config={"url": PUBLIC_URL + "/v2"})
    subscriptions = WebhookSubscription.objects.in_bulk([ops.config["subscription_id"], hook.config["subscription_id"]])
    assert subscriptions[ops.config["subscription_id"]].url == SLACK_URL
    assert subscriptions[hook.config["subscription_id"]].secret == SIGNING_SECRET
    assert subscriptions[hook.config["subscription_id"]].url == PUBLIC_URL + "/v2"
    for event in AuditEvent.objects.filter(action__startswith="channel."):
        _assert_no_secret(json.dumps(event.data).encode())


def test_exported_document_hides_channel_secrets_and_applying_it_keeps_them(team):
    _create_channels(team)
    exported = team.client("owner").get(f"/api/v1/projects/{team.project.slug}/config/export")
    assert exported.status_code == 200, exported.content
    _assert_no_secret(exported.content)
    document = {"document": exported.json()["document"]}
    applied = team.client("owner").post("/api/v1/config/apply", document, format="json")
    assert applied.status_code == 200, applied.content
    ops = NotificationChannel.objects.get(project=team.project, name="ops")
    hook = NotificationChannel.objects.get(project=team.project, name="hook")
    assert WebhookSubscription.objects.get(pk=ops.config["subscription_id"]).url == SLACK_URL
    assert WebhookSubscription.objects.get(pk=hook.config["subscription_id"]).secret == SIGNING_SECRET
    planned = team.client("owner").post("/api/v1/config/plan", document, format="json")
    assert planned.status_code == 200 and planned.json()["changes"] == [], planned.content


def test_deleting_a_channel_deletes_its_webhook_subscription(team):
    slack, _ = _create_channels(team)
    deleted = team.client("maintainer").delete(f"{_channels(team)}{slack['id']}/")
    assert deleted.status_code == 204
    hooks = team.client("maintainer").get(f"/api/v1/projects/{team.project.slug}/webhooks/").json()["results"]
    assert len(hooks) == 1 and WebhookSubscription.objects.filter(project=team.project).count() == 1
    assert not WebhookSubscription.objects.filter(url=SLACK_URL).exists()


def test_a_failed_first_upload_leaves_no_dataset_and_no_audit_row(team):
    garbage = upload(team.client("editor"), team.project.slug, "fresh", b"\x00\x01\x02 not a table", "data.bin")
    assert garbage.status_code == 400, garbage.content
    broken = upload(team.client("editor"), team.project.slug, "fresh", b'a,b\n1,"unterminated\n', "data.csv")
    assert broken.status_code == 400, broken.content
    assert not Dataset.objects.filter(project=team.project, name="fresh").exists()
    assert not AuditEvent.objects.filter(action="dataset.create").exists()
    good = upload(team.client("editor"), team.project.slug, "fresh", csv_bytes(cancer_frame().head(50)))
    assert good.status_code == 201, good.content
    assert AuditEvent.objects.filter(action="dataset.create", project_slug=team.project.slug).count() == 1


def _problem(response) -> dict:
    body = response.json()
    return {k: body.get(k) for k in ("status", "title", "detail", "errors")}


def test_a_non_member_cannot_tell_an_existing_project_from_a_reserved_slug(team):
    outsider = team.client("outsider")
    taken = outsider.post("/api/v1/projects/", {"slug": team.project.slug, "name": "x"}, format="json")
    reserved = outsider.post("/api/v1/projects/", {"slug": "admin", "name": "x"}, format="json")
    assert taken.status_code == reserved.status_code == 400, (taken.content, reserved.content)
    assert _problem(taken) == _problem(reserved) | {"detail": _problem(taken)["detail"]}
    assert taken.json()["detail"].replace(team.project.slug, "S") == reserved.json()["detail"].replace("admin", "S")
    assert "exist" not in taken.content.decode().lower()
    document = {"document": {"apiVersion": "keel/v1", "project": {"slug": team.project.slug, "name": "x"}}}
    for verb in ("plan", "apply"):
        answer = outsider.post(f"/api/v1/config/{verb}", document, format="json")
        assert answer.status_code == 400 and "exist" not in answer.content.decode().lower(), answer.content
    assert not Membership.objects.filter(user=team.users["outsider"]).exists()


def test_a_member_still_gets_the_precise_conflict(team):
    again = team.client("viewer").post("/api/v1/projects/", {"slug": team.project.slug, "name": "x"}, format="json")
    assert again.status_code == 409 and "already exists" in again.json()["detail"]


def test_a_service_account_cannot_list_projects(team):
    listed = team.client("predictor").get("/api/v1/projects/")
    assert listed.status_code == 403, listed.content
    assert team.project.slug not in listed.content.decode()


def test_deleting_an_alert_rule_is_audited_with_its_id(team):
    from serving.services import deployment_create

    version = make_version(team.project, team.users["editor"])
    version.approval = "approved"
    version.save(update_fields=["approval"])
    deployment_create(project=team.project, user=team.users["maintainer"], name="api", version=version)
    base = f"/api/v1/projects/{team.project.slug}/alert-rules/"
    rule = {"name": "slow", "deployment": "api", "metric": "latency_p95", "threshold": 100}
    created = team.client("maintainer").post(base, rule, format="json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert team.client("maintainer").delete(f"{base}{rule_id}/").status_code == 204
    event = AuditEvent.objects.get(action="alert_rule.delete")
    assert event.object_id == str(rule_id) and event.actor == team.users["maintainer"]


def _upload(client, team, name: str = "cancer"):
    from registry.model_io import save_pipeline
    from tests.registry.models_helpers import trained

    result = trained()
    body = {
        "file": io.BytesIO(save_pipeline(result.pipeline)),
        "format": "skops",
        "input_example": json.dumps(result.input_example),
    }
    return client.post(f"/api/v1/projects/{team.project.slug}/models/{name}/versions/upload/", body, format="multipart")


def test_the_author_of_a_version_cannot_approve_it_when_review_is_required(team):
    from tests.conftest import token_client
    from tests.factories import MembershipFactory, UserFactory

    assert team.project.require_human_approval
    uploaded = _upload(team.client("maintainer"), team)
    assert uploaded.status_code == 201 and uploaded.json()["approval"] == "pending", uploaded.content
    base = f"/api/v1/projects/{team.project.slug}/models/cancer/versions/1/approval-requests/"
    filed = team.client("editor").post(base, {"comment": "please"}, format="json")
    assert filed.status_code == 201, filed.content
    decide = f"{base}{filed.json()['id']}/decide/"
    by_author = team.client("maintainer").post(decide, {"decision": "approve"}, format="json")
    assert by_author.status_code == 403, by_author.content
    assert "author" in by_author.json()["detail"]
    reviewer = UserFactory(username="alpha-reviewer")
    MembershipFactory(project=team.project, user=reviewer, role="maintainer")
    by_reviewer = token_client(reviewer).post(decide, {"decision": "approve"}, format="json")
    assert by_reviewer.status_code == 200 and by_reviewer.json()["status"] == "approved", by_reviewer.content
