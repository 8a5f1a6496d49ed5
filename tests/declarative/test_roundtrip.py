"""export -> apply -> export reproduces the configuration: onto a new project, and onto a fresh database state."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest

from core import services as core_services
from core.models import Project
from tests.declarative.conftest import apply, export, plan, seed_artifacts, team_document
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db
SECRETS = {"ops-hook": {"url": "https://hooks.example.com/keel", "secret": "s3cret-signing-key"}}


def _fill_secrets(document: dict) -> dict:
    """What an operator does with an exported document for another server: give the redacted secrets."""
    document = copy.deepcopy(document)
    for channel in document["channels"]:
        if channel["name"] in SECRETS:
            channel["config"] = dict(SECRETS[channel["name"]])
    return document


def test_export_redacts_secrets_and_applies_back_without_changes(team, seeded):
    client = team.client("owner")
    assert apply(client, team_document(team)).status_code == 200
    document = export(client, "alpha").json()["document"]
    assert document["apiVersion"] == "keel/v1"
    hook = next(c for c in document["channels"] if c["name"] == "ops-hook")
    assert hook["config"] == {"url": "<redacted>", "secret": "<redacted>"}
    primary = next(v for v in document["deployments"][0]["variants"] if v["name"] == "primary")
    assert primary == {"name": "primary", "model": "cancer", "alias": "champion", "weight": 90.0, "role": "primary"}
    assert document["drift"][0]["window"] == 120
    assert plan(client, document).json()["changes"] == []


def test_round_trip_onto_a_new_project(team, seeded):
    client = team.client("owner")
    assert apply(client, team_document(team)).status_code == 200
    exported = export(client, "alpha").json()["document"]

    target = ProjectFactory(slug="alpha-copy")
    MembershipFactory(project=target, user=team.users["owner"], role="owner")
    seed_artifacts(SimpleNamespace(project=target, users=team.users))  # models and data are not configuration
    document = _fill_secrets(exported)
    document["project"]["slug"] = "alpha-copy"
    response = apply(client, document)
    assert response.status_code == 200, response.json()

    again = export(client, "alpha-copy").json()["document"]
    assert again == exported | {"project": exported["project"] | {"slug": "alpha-copy"}}
    assert apply(client, document).json()["changes"] == []


def test_round_trip_onto_a_fresh_database_state(team):
    """Kinds that need no artifacts: the project is deleted and rebuilt from its export alone."""
    client = team.client("owner")
    document = team_document(team)
    for kind in ("deployments", "drift", "alert_rules", "retraining_policies"):
        del document[kind]
    document["datasets"][0]["rules"][0]["column"] = "mean_radius"
    assert apply(client, document).status_code == 200, apply(client, document).json()
    exported = export(client, "alpha").json()["document"]

    core_services.project_delete(project=Project.objects.get(slug="alpha"), user=team.users["owner"])
    assert not Project.objects.filter(slug="alpha").exists()
    response = apply(client, _fill_secrets(exported))
    assert response.status_code == 200, response.json()
    assert export(client, "alpha").json()["document"] == exported
