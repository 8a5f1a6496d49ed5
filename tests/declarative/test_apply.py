"""Plan and apply: creates on an empty project, idempotence, updates and deletes, unmanaged kinds, atomicity, audit."""

from __future__ import annotations

import pytest

from core.models import AuditEvent, Membership, Project
from core.webhooks.models import WebhookSubscription
from monitoring.models import AlertRule, DriftConfig, NotificationChannel, RetrainingPolicy
from registry.models import Dataset, ModelVersion, ValidationRule
from registry.services.models import model_alias_set
from serving.models import Deployment, Revision
from tests.declarative.conftest import apply, full_document, plan, summary, team_document

pytestmark = pytest.mark.django_db


def _applied(team, document):
    response = apply(team.client("owner"), document)
    assert response.status_code == 200, response.json()
    assert response.json()["applied"] is True
    return response.json()


def test_plan_on_a_new_project_lists_creates_and_writes_nothing(team):
    users = {role: user.username for role, user in team.users.items()}
    document = {
        "apiVersion": "keel/v1",
        "project": {"slug": "fresh", "name": "Fresh"},
        "members": [{"username": users["owner"], "role": "owner"}, {"username": users["viewer"], "role": "viewer"}],
        "datasets": [{"name": "cancer", "rules": [{"kind": "row_count", "params": {"min": 10}}]}],
        "channels": [{"name": "mail", "kind": "email", "config": {"to": ["ops@example.com"]}}],
    }
    response = plan(team.client("owner"), document)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["project"] == "fresh"
    assert summary(body) == [
        ("create", "project", "fresh"),
        ("create", "member", users["viewer"]),  # the caller becomes the owner on create, as with POST /projects/
        ("create", "dataset", "cancer"),
        ("create", "dataset_rule", "cancer/row_count"),
        ("create", "channel", "mail"),
    ]
    assert body["changes"][0]["changes"]["name"] == {"from": None, "to": "Fresh"}
    assert "applied" not in body
    assert not Project.objects.filter(slug="fresh").exists()
    assert not AuditEvent.objects.filter(action__startswith="config.").exists()


def test_apply_creates_everything_through_the_services_and_is_idempotent(team, seeded):
    document = team_document(team)
    body = _applied(team, document)
    kinds = {(c["action"], c["kind"]) for c in body["changes"]}
    assert ("create", "retraining_policy") in kinds and ("delete", "member") in kinds  # the editor is not listed
    project = Project.objects.get(slug="alpha")
    assert project.description == "declared" and project.require_human_approval is False
    assert not Membership.objects.filter(project=project, user=team.users["editor"]).exists()
    assert Membership.objects.filter(project=project, user=team.users["predictor"]).exists()  # service accounts kept
    assert [r.kind for r in ValidationRule.objects.filter(dataset__project=project).order_by("id")] == [
        "not_null",
        "range",
        "row_count",
    ]
    deployment = Deployment.objects.get(project=project, name="api")
    variants = {
        v.name: (v.model_version.number, v.alias, v.weight, v.role) for v in deployment.current_revision.variants.all()
    }
    assert variants == {"primary": (1, "champion", 90.0, "primary"), "canary": (2, "", 10.0, "canary")}
    assert deployment.current_revision.strategy == "canary"
    config = DriftConfig.objects.get(deployment=deployment)
    assert (config.window_minutes, config.cadence_minutes, config.options) == (120, 30, {"share_threshold": 0.4})
    rule = AlertRule.objects.get(project=project, name="drifting")
    assert sorted(c.name for c in rule.channels.all()) == ["ops-hook", "ops-mail"]
    assert list(RetrainingPolicy.objects.get(name="retrain").alert_rules.values_list("name", flat=True)) == ["drifting"]
    hook = NotificationChannel.objects.get(project=project, name="ops-hook")
    subscription = WebhookSubscription.objects.get(pk=hook.config["subscription_id"])
    assert (subscription.url, subscription.secret) == ("https://hooks.example.com/keel", "s3cret-signing-key")
    # one audit event per change, secrets redacted
    events = AuditEvent.objects.filter(action__startswith="config.", project=project)
    assert events.count() == len(body["changes"])
    assert "s3cret" not in str(list(events.values_list("data", flat=True)))

    revisions = Revision.objects.filter(deployment=deployment).count()
    assert plan(team.client("owner"), document).json()["changes"] == []
    again = _applied(team, document)
    assert again["changes"] == []
    assert Revision.objects.filter(deployment=deployment).count() == revisions
    assert AuditEvent.objects.filter(action__startswith="config.", project=project).count() == len(body["changes"])


def test_updates_show_from_and_to_and_traffic_goes_through_a_new_revision(team, seeded):
    document = team_document(team)
    _applied(team, document)
    deployment = Deployment.objects.get(project=team.project, name="api")
    before = deployment.current_revision.number
    document["alert_rules"][1]["threshold"] = 300
    document["deployments"][0]["variants"][0]["weight"] = 50
    document["deployments"][0]["variants"][1]["weight"] = 50
    document["datasets"][0]["rules"][1]["params"] = {"min": 1, "max": 50}
    document["members"][2]["role"] = "editor"
    body = plan(team.client("owner"), document).json()
    assert summary(body) == [
        ("update", "member", team.users["viewer"].username),
        ("update", "dataset_rule", "cancer/range:mean_radius"),
        ("update", "deployment", "api"),
        ("update", "alert_rule", "slow"),
    ]
    changes = {c["name"]: c["changes"] for c in body["changes"]}
    assert changes["slow"] == {"threshold": {"from": 250.0, "to": 300.0}}
    assert changes[team.users["viewer"].username] == {"role": {"from": "viewer", "to": "editor"}}
    assert [v["weight"] for v in changes["api"]["variants"]["to"]] == [50.0, 50.0]
    _applied(team, document)
    deployment.refresh_from_db()
    assert deployment.current_revision.number == before + 1
    assert deployment.current_revision.created_by == team.users["owner"]
    assert AlertRule.objects.get(name="slow").threshold == 300
    assert plan(team.client("owner"), document).json()["changes"] == []


def test_an_alias_that_moved_is_an_update_of_the_deployment(team, seeded):
    document = team_document(team)
    _applied(team, document)
    v1, v2 = seeded
    model_alias_set(model=v1.registered_model, user=team.users["owner"], role="owner", alias="champion", version=v2)
    body = plan(team.client("owner"), document).json()
    assert summary(body) == [("update", "deployment", "api")]
    primary = next(v for v in body["changes"][0]["changes"]["variants"]["to"] if v["name"] == "primary")
    assert (primary["alias"], primary["version"]) == ("champion", 2)


def test_objects_missing_from_a_listed_kind_are_deleted_and_missing_kinds_are_unmanaged(team, seeded):
    document = team_document(team)
    _applied(team, document)
    document["alert_rules"] = document["alert_rules"][:1]
    document["datasets"][0]["rules"] = document["datasets"][0]["rules"][:1]
    del document["retraining_policies"]  # unmanaged from now on: kept as is
    del document["members"]
    body = plan(team.client("owner"), document).json()
    assert summary(body) == [
        ("delete", "alert_rule", "slow"),
        ("delete", "dataset_rule", "cancer/range:mean_radius"),
        ("delete", "dataset_rule", "cancer/row_count"),
    ]
    assert body["changes"][0]["changes"]["threshold"] == {"from": 250.0, "to": None}
    _applied(team, document)
    assert list(AlertRule.objects.filter(project=team.project).values_list("name", flat=True)) == ["drifting"]
    assert RetrainingPolicy.objects.filter(project=team.project, name="retrain").exists()
    assert ValidationRule.objects.filter(dataset__project=team.project).count() == 1

    document["deployments"] = []
    document["datasets"] = []
    body = plan(team.client("owner"), document).json()
    # deletes run in reverse dependency order; datasets are data, never deleted by configuration
    assert summary(body) == [("delete", "deployment", "api")]
    _applied(team, document)
    assert not Deployment.objects.filter(project=team.project).exists()
    assert Dataset.objects.filter(project=team.project, name="cancer").exists()


def test_a_failing_change_rolls_back_the_whole_apply(team, seeded):
    document = team_document(team)
    document["retraining_policies"][0]["spec"] = {"estimator": "no-such-estimator"}
    response = apply(team.client("owner"), document)
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["field"].startswith("retraining_policies[0].spec")
    team.project.refresh_from_db()
    assert team.project.description == ""
    assert not Deployment.objects.filter(project=team.project).exists()
    assert not NotificationChannel.objects.filter(project=team.project).exists()
    assert not AuditEvent.objects.filter(action__startswith="config.").exists()


def test_channel_secrets_are_kept_when_redacted_and_rotated_when_given(team, seeded):
    document = team_document(team)
    _applied(team, document)
    hook = NotificationChannel.objects.get(project=team.project, name="ops-hook")
    document["channels"][1]["config"] = {"url": "<redacted>", "secret": "<redacted>"}
    assert plan(team.client("owner"), document).json()["changes"] == []
    document["channels"][1]["config"] = {"url": "<redacted>"}  # a webhook secret left out is kept too
    assert plan(team.client("owner"), document).json()["changes"] == []
    document["channels"][1]["config"] = {"url": "<redacted>", "secret": "rotated-signing-key"}
    body = plan(team.client("owner"), document).json()
    assert body["changes"] == [
        {
            "action": "update",
            "kind": "channel",
            "name": "ops-hook",
            "changes": {"config.secret": {"from": "<redacted>", "to": "<redacted>"}},
        }
    ]
    _applied(team, document)
    hook.refresh_from_db()
    subscription = WebhookSubscription.objects.get(pk=hook.config["subscription_id"])
    assert (subscription.url, subscription.secret) == ("https://hooks.example.com/keel", "rotated-signing-key")
    assert AlertRule.objects.get(name="drifting").channels.filter(pk=hook.pk).exists()  # updated in place


def test_a_rollout_in_progress_blocks_a_traffic_change(team, seeded):
    document = team_document(team)
    _applied(team, document)
    Deployment.objects.filter(project=team.project, name="api").update(rollout={"kind": "canary", "step_index": 0})
    document["deployments"][0]["variants"][0]["weight"] = 80
    document["deployments"][0]["variants"][1]["weight"] = 20
    response = apply(team.client("owner"), document)
    assert response.status_code == 409, response.json()
    assert response.json()["detail"].startswith("deployments[0]:")


def test_variant_versions_come_from_the_project_registry(team, seeded, other_team):
    document = full_document("beta", {r: u.username for r, u in other_team.users.items()})
    document = {k: document[k] for k in ("apiVersion", "project", "deployments")}
    response = apply(other_team.client("owner"), document)  # alpha's model is not visible from beta
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "deployments[0].variants[0].model"
    ModelVersion.objects.filter(registered_model__project=team.project, number=2).update(approval="pending")
    document = team_document(team)
    response = apply(team.client("owner"), document)
    assert response.status_code == 409, response.json()
    assert response.json()["errors"][0]["field"] == "deployments[0].variants[1].version"
