"""Experiments: services and API."""

from __future__ import annotations

import pytest

from core.errors import Conflict, ValidationFailed
from core.models import AuditEvent
from registry.models import Experiment, LifecycleStage
from registry.services.experiments import (
    experiment_create,
    experiment_delete,
    experiment_get_or_create,
    experiment_restore,
    experiment_update,
    run_create,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/alpha/experiments/"


@pytest.fixture
def editor(team):
    return team.users["editor"]


# --- services -----------------------------------------------------------------------------------------------------


def test_experiment_create_and_audit(team, editor):
    experiment = experiment_create(project=team.project, user=editor, name="churn", description="d", tags={"a": "b"})
    assert (experiment.name, experiment.tags, experiment.lifecycle_stage) == ("churn", {"a": "b"}, "active")
    assert AuditEvent.objects.filter(action="experiment.create", object_id=str(experiment.pk)).exists()


def test_experiment_names_are_unique_per_project(team, other_team, editor):
    experiment_create(project=team.project, user=editor, name="churn")
    with pytest.raises(Conflict) as info:
        experiment_create(project=team.project, user=editor, name="churn")
    assert info.value.errors[0]["field"] == "name"
    experiment_create(project=other_team.project, user=other_team.users["editor"], name="churn")


def test_experiment_name_taken_by_a_deleted_one_says_so(team, editor):
    experiment = experiment_create(project=team.project, user=editor, name="churn")
    experiment_delete(experiment=experiment, user=editor)
    with pytest.raises(Conflict) as info:
        experiment_create(project=team.project, user=editor, name="churn")
    assert "restore" in info.value.detail


@pytest.mark.parametrize("name", ["", "a/b", "x" * 129, "..", "tab\there"])
def test_experiment_names_are_validated(team, editor, name):
    with pytest.raises(ValidationFailed) as info:
        experiment_create(project=team.project, user=editor, name=name)
    assert info.value.errors[0]["field"] == "name"


def test_experiment_get_or_create_is_idempotent(team, editor):
    first = experiment_get_or_create(project=team.project, name="churn", user=editor)
    second = experiment_get_or_create(project=team.project, name="churn", user=editor)
    assert first.pk == second.pk
    assert AuditEvent.objects.filter(action="experiment.create").count() == 1


def test_experiment_get_or_create_refuses_a_deleted_experiment(team, editor):
    experiment = experiment_get_or_create(project=team.project, name="churn", user=editor)
    experiment_delete(experiment=experiment, user=editor)
    with pytest.raises(Conflict):
        experiment_get_or_create(project=team.project, name="churn", user=editor)


def test_experiment_update_renames_and_replaces_tags(team, editor):
    experiment = experiment_create(project=team.project, user=editor, name="churn", tags={"a": "1"})
    experiment_create(project=team.project, user=editor, name="taken")
    updated = experiment_update(experiment=experiment, user=editor, name="churn-v2", tags={"b": "2"})
    assert (updated.name, updated.tags) == ("churn-v2", {"b": "2"})
    event = AuditEvent.objects.get(action="experiment.update")
    assert event.data["before"] == {"name": "churn", "tags": {"a": "1"}}
    with pytest.raises(Conflict):
        experiment_update(experiment=experiment, user=editor, name="taken")


def test_experiment_delete_and_restore_are_idempotent(team, editor):
    experiment = experiment_create(project=team.project, user=editor, name="churn")
    run_create(experiment=experiment, user=editor)
    experiment_delete(experiment=experiment, user=editor)
    experiment_delete(experiment=experiment, user=editor)
    assert Experiment.objects.get(pk=experiment.pk).lifecycle_stage == LifecycleStage.DELETED
    assert AuditEvent.objects.get(action="experiment.delete").data == {"runs": 1}
    experiment_restore(experiment=experiment, user=editor)
    experiment_restore(experiment=experiment, user=editor)
    assert Experiment.objects.get(pk=experiment.pk).deleted_at is None
    assert AuditEvent.objects.get(action="experiment.restore").data == {"runs": 1}


def test_deleted_experiments_cannot_be_updated(team, editor):
    experiment = experiment_create(project=team.project, user=editor, name="churn")
    experiment_delete(experiment=experiment, user=editor)
    with pytest.raises(Conflict):
        experiment_update(experiment=experiment, user=editor, description="x")


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_experiment_create_list_retrieve(team):
    response = team.client("editor").post(BASE, {"name": "churn", "tags": {"team": "risk"}}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["tags"] == {"team": "risk"}
    listing = team.client("viewer").get(BASE).json()
    assert listing["count"] == 1 and listing["results"][0]["name"] == "churn"
    detail = team.client("viewer").get(f"{BASE}churn/").json()
    assert detail["lifecycle_stage"] == "active" and detail["run_count"] == 0 and detail["created_by"] == "alpha-editor"


def test_api_experiment_duplicate_is_409(team):
    team.client("editor").post(BASE, {"name": "churn"}, format="json")
    response = team.client("editor").post(BASE, {"name": "churn"}, format="json")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "name"


def test_api_experiment_roles(team):
    assert team.client("viewer").post(BASE, {"name": "churn"}, format="json").status_code == 403
    assert team.client("editor").post(BASE, {"name": "churn"}, format="json").status_code == 201
    assert team.client("editor").patch(f"{BASE}churn/", {"description": "x"}, format="json").status_code == 200
    assert team.client("editor").delete(f"{BASE}churn/").status_code == 403
    assert team.client("maintainer").delete(f"{BASE}churn/").status_code == 204
    assert team.client("editor").post(f"{BASE}churn/restore").status_code == 403
    assert team.client("maintainer").post(f"{BASE}churn/restore").status_code == 200
    assert team.client("predictor").get(BASE).status_code == 403
    assert team.client("outsider").get(BASE).status_code == 404
    assert team.client("anonymous").get(BASE).status_code == 401


def test_api_experiment_list_filters_lifecycle_and_name(team):
    client = team.client("maintainer")
    for name in ("churn", "fraud", "churn-v2"):
        client.post(BASE, {"name": name}, format="json")
    client.delete(f"{BASE}fraud/")
    assert [e["name"] for e in client.get(BASE).json()["results"]] == ["churn", "churn-v2"]
    assert [e["name"] for e in client.get(BASE, {"lifecycle": "deleted"}).json()["results"]] == ["fraud"]
    assert client.get(BASE, {"lifecycle": "all"}).json()["count"] == 3
    assert client.get(BASE, {"name": "V2"}).json()["count"] == 1
    assert client.get(BASE, {"lifecycle": "gone"}).status_code == 400


def test_api_experiment_rename_and_run_count(team, editor):
    experiment = experiment_create(project=team.project, user=editor, name="churn")
    run_create(experiment=experiment, user=editor)
    response = team.client("editor").patch(f"{BASE}churn/", {"name": "churn2"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "churn2"
    assert response.json()["run_count"] == 1
    assert team.client("viewer").get(f"{BASE}churn/").status_code == 404


def test_api_experiments_of_other_projects_are_not_found(team, other_team):
    experiment_create(project=other_team.project, user=other_team.users["editor"], name="secret")
    assert team.client("owner").get(f"{BASE}secret/").status_code == 404
    assert team.client("owner").get(BASE).json()["count"] == 0
    assert team.client("owner").delete(f"{BASE}secret/").status_code == 404


def test_api_experiment_invalid_input_is_problem_details(team):
    response = team.client("editor").post(BASE, {"name": "team/churn"}, format="json")
    body = response.json()
    assert response.status_code == 400 and body["type"] == "urn:keel:problem:validation"
    assert body["errors"][0]["field"] == "name"


# --- admin --------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(db):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_pages_render(team, editor, admin_client_):
    from registry.services.experiments import run_artifact_put, run_log_batch

    experiment = experiment_create(project=team.project, user=editor, name="churn")
    run = run_create(experiment=experiment, user=editor, name="rf")
    run_log_batch(run=run, user=editor, params={"lr": "0.1"}, metrics=[{"key": "f1", "value": 1}], tags={"a": "b"})
    run_artifact_put(run=run, user=editor, path="a.txt", fileobj_or_bytes=b"x")
    for url in (
        "/admin/registry/experiment/",
        f"/admin/registry/experiment/{experiment.pk}/change/",
        "/admin/registry/run/?status__exact=running",
        f"/admin/registry/run/{run.pk}/change/",
        "/admin/registry/runartifact/?q=a.txt",
        "/admin/registry/run/?q=rf",
    ):
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        assert b"rf" in response.content or b"churn" in response.content or b"a.txt" in response.content


def test_admin_soft_delete_action_goes_through_the_service(team, editor, admin_client_):
    experiment = experiment_create(project=team.project, user=editor, name="churn")
    data = {"action": "soft_delete", "_selected_action": [experiment.pk], "index": 0}
    response = admin_client_.post("/admin/registry/experiment/", data)
    assert response.status_code == 302
    assert Experiment.objects.get(pk=experiment.pk).lifecycle_stage == LifecycleStage.DELETED
    assert AuditEvent.objects.get(action="experiment.delete").actor_label == "root"
