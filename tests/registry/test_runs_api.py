"""Runs over HTTP: status codes, roles, tenancy, response shapes, batch errors, audit."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from registry.models import Dataset, DatasetVersion, RunMetric, RunParam
from registry.services.experiments import experiment_get_or_create, run_create, run_log_batch

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/projects/alpha/runs/"


@pytest.fixture
def experiment(team):
    return experiment_get_or_create(project=team.project, name="churn", user=team.users["editor"])


@pytest.fixture
def run(experiment, team):
    return run_create(experiment=experiment, user=team.users["editor"], name="first")


def _batch(team, run, body, role="editor"):
    return team.client(role).post(f"{RUNS}{run.run_id}/log-batch", body, format="json")


# --- create, retrieve, update -----------------------------------------------------------------------------------


def test_api_run_create_returns_the_detail_shape(team, experiment):
    body = {"experiment": "churn", "name": "rf", "tags": {"team": "risk"}, "code_version": "abc123", "source": "manual"}
    response = team.client("editor").post(RUNS, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["run_id"]) == 32
    assert {k: data[k] for k in ("name", "experiment", "status", "user", "tags", "lifecycle_stage")} == {
        "name": "rf",
        "experiment": "churn",
        "status": "running",
        "user": "alpha-editor",
        "tags": {"team": "risk"},
        "lifecycle_stage": "active",
    }
    assert data["params"] == {} and data["metrics"] == {} and data["inputs"] == [] and data["artifact_count"] == 0


def test_api_run_create_needs_an_existing_experiment(team):
    response = team.client("editor").post(RUNS, {"experiment": "nope"}, format="json")
    assert response.status_code == 404


def test_api_run_retrieve_shows_params_metrics_summaries_and_tags(team, run):
    run_log_batch(
        run=run,
        user=team.users["editor"],
        params={"lr": "0.1"},
        metrics=[{"key": "f1", "value": 0.7, "step": 0}, {"key": "f1", "value": 0.9, "step": 1}],
        tags={"team": "risk"},
    )
    data = team.client("viewer").get(f"{RUNS}{run.run_id}/").json()
    assert data["params"] == {"lr": "0.1"} and data["tags"] == {"team": "risk"} and data["metrics"] == {"f1": 0.9}
    summary = data["metric_summaries"][0]
    assert {k: summary[k] for k in ("key", "latest", "latest_step", "min", "max", "count")} == {
        "key": "f1",
        "latest": 0.9,
        "latest_step": 1,
        "min": 0.7,
        "max": 0.9,
        "count": 2,
    }


def test_api_run_update(team, run):
    response = team.client("editor").patch(f"{RUNS}{run.run_id}/", {"description": "notes"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "notes"


# --- roles and tenancy ------------------------------------------------------------------------------------------


def test_api_viewer_reads_but_cannot_log(team, run):
    assert team.client("viewer").get(f"{RUNS}{run.run_id}/").status_code == 200
    assert _batch(team, run, {"params": [{"key": "lr", "value": "0.1"}]}, role="viewer").status_code == 403
    assert team.client("viewer").post(RUNS, {"experiment": "churn"}, format="json").status_code == 403
    assert not RunParam.objects.exists()


def test_api_editor_logs_but_maintainer_deletes(team, run):
    assert _batch(team, run, {"params": [{"key": "lr", "value": "0.1"}]}).status_code == 204
    assert team.client("editor").delete(f"{RUNS}{run.run_id}/").status_code == 403
    assert team.client("maintainer").delete(f"{RUNS}{run.run_id}/").status_code == 204
    assert team.client("editor").post(f"{RUNS}{run.run_id}/restore").status_code == 403
    restored = team.client("maintainer").post(f"{RUNS}{run.run_id}/restore")
    assert restored.status_code == 200 and restored.json()["lifecycle_stage"] == "active"


def test_api_predictor_and_outsiders_see_nothing(team, run):
    assert team.client("predictor").get(f"{RUNS}{run.run_id}/").status_code == 403
    assert team.client("outsider").get(f"{RUNS}{run.run_id}/").status_code == 404
    assert team.client("anonymous").get(f"{RUNS}{run.run_id}/").status_code == 401


def test_api_other_projects_runs_answer_404(team, other_team, run):
    other = f"/api/v1/projects/beta/runs/{run.run_id}"
    owner = other_team.client("owner")
    assert owner.get(f"{other}/").status_code == 404
    assert owner.post(f"{other}/log-batch", {"params": [{"key": "a", "value": "b"}]}, format="json").status_code == 404
    assert owner.delete(f"{other}/").status_code == 404
    assert owner.get(f"{other}/artifacts/").status_code == 404
    assert owner.get("/api/v1/projects/beta/runs/").json()["count"] == 0
    assert (
        owner.get("/api/v1/projects/beta/runs/compare", {"run_ids": f"{run.run_id},{run.run_id[::-1]}"}).status_code
        == 404
    )


def test_api_unknown_run_ids_are_404(team):
    assert team.client("viewer").get(f"{RUNS}{'0' * 32}/").status_code == 404
    assert team.client("viewer").get(f"{RUNS}not-a-run-id/").status_code == 404


# --- log-batch --------------------------------------------------------------------------------------------------


def test_api_log_batch_writes_everything(team, run):
    body = {
        "params": [{"key": "lr", "value": "0.1"}, {"key": "depth", "value": "5"}],
        "metrics": [
            {"key": "loss", "value": 1.5, "step": 0, "timestamp": 1704164645000},
            {"key": "loss", "value": "NaN", "step": 1},
            {"key": "loss", "value": 0.5, "step": 2, "timestamp": "2024-01-02T03:04:05Z"},
        ],
        "tags": [{"key": "team", "value": "risk"}],
    }
    assert _batch(team, run, body).status_code == 204
    data = team.client("viewer").get(f"{RUNS}{run.run_id}/").json()
    assert data["params"] == {"lr": "0.1", "depth": "5"} and data["metrics"] == {"loss": 0.5}
    history = team.client("viewer").get(f"{RUNS}{run.run_id}/metrics/history", {"key": "loss"}).json()
    assert [(p["step"], p["value"]) for p in history["results"]] == [(0, 1.5), (1, None), (2, 0.5)]
    assert AuditEvent.objects.filter(action="run.log_batch", object_id=str(run.pk)).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"metrics": [{"key": "ok", "value": 1}, {"key": "loss", "value": "high"}]}, "metrics[1].value"),
        ({"metrics": [{"key": "ok", "value": 1}, {"key": "bad key!", "value": 1}]}, "metrics[1].key"),
        ({"metrics": [{"key": "ok", "value": 1}, {"value": 1}]}, "metrics[1].key"),
        ({"metrics": [{"key": "ok", "value": 1, "step": "two"}]}, "metrics[0].step"),
        ({"params": [{"key": "a", "value": "1"}, {"key": "", "value": "1"}]}, "params[1].key"),
        ({"params": [{"key": "a", "value": "x" * 6001}]}, "params[0].value"),
        ({"params": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}, "params[1].key"),
        ({"tags": [{"key": "t", "value": "x" * 8001}]}, "tags[0].value"),
        ({"metrics": [{"key": "m", "value": 1}] * 1001}, "metrics"),
        ({"params": [{"key": f"p{i}", "value": "1"} for i in range(101)]}, "params"),
        ({"tags": [{"key": f"t{i}", "value": "1"} for i in range(101)]}, "tags"),
    ],
)
def test_api_log_batch_invalid_item_is_400_naming_index_and_field(team, run, body, field):
    body = {"params": [{"key": "fine", "value": "1"}], **body}
    response = _batch(team, run, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not RunParam.objects.exists() and not RunMetric.objects.exists()


def test_api_log_batch_param_conflict_is_409_and_writes_nothing(team, run):
    assert _batch(team, run, {"params": [{"key": "lr", "value": "0.1"}]}).status_code == 204
    body = {"params": [{"key": "lr", "value": "0.2"}], "metrics": [{"key": "f1", "value": 0.8}]}
    response = _batch(team, run, body)
    assert response.status_code == 409
    assert "'lr'" in response.json()["detail"]
    assert not RunMetric.objects.exists()
    assert _batch(team, run, {"params": [{"key": "lr", "value": "0.1"}]}).status_code == 204


def test_api_log_batch_to_a_deleted_run_is_409(team, run):
    team.client("maintainer").delete(f"{RUNS}{run.run_id}/")
    assert _batch(team, run, {"params": [{"key": "lr", "value": "0.1"}]}).status_code == 409


# --- status, tags, inputs ---------------------------------------------------------------------------------------


def test_api_status_transitions(team, run):
    url = f"{RUNS}{run.run_id}/status"
    response = team.client("editor").post(url, {"status": "finished"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "finished" and response.json()["end_time"]
    again = team.client("editor").post(url, {"status": "running"}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "status"
    assert team.client("editor").post(url, {"status": "paused"}, format="json").status_code == 400
    assert team.client("viewer").post(url, {"status": "killed"}, format="json").status_code == 403


def test_api_tags_set_and_delete(team, run):
    url = f"{RUNS}{run.run_id}/tags"
    response = team.client("editor").post(url, {"key": "team", "value": "risk"}, format="json")
    assert response.status_code == 200 and response.json() == {"key": "team", "value": "risk"}
    team.client("editor").post(url, {"key": "team", "value": "fraud"}, format="json")
    assert team.client("viewer").get(f"{RUNS}{run.run_id}/").json()["tags"] == {"team": "fraud"}
    assert team.client("viewer").delete(f"{url}?key=team").status_code == 403
    assert team.client("editor").delete(f"{url}?key=team").status_code == 204
    assert team.client("editor").delete(f"{url}?key=team").status_code == 404
    assert team.client("viewer").get(f"{RUNS}{run.run_id}/").json()["tags"] == {}


def _version(project, number=1):
    dataset, _ = Dataset.objects.get_or_create(project=project, name="customers")
    return DatasetVersion.objects.create(
        dataset=dataset, number=number, sha256=f"{number:064x}", size=1, format="csv", row_count=1, column_count=1
    )


def test_api_inputs(team, other_team, run):
    _version(team.project)
    _version(other_team.project, number=7)
    url = f"{RUNS}{run.run_id}/inputs"
    response = team.client("editor").post(url, {"dataset": "customers", "version": 1}, format="json")
    assert response.status_code == 201
    assert response.json() | {"created_at": None} == {
        "dataset": "customers",
        "version": 1,
        "sha256": f"{1:064x}",
        "role": "training",
        "created_at": None,
    }
    assert team.client("editor").post(url, {"dataset": "customers", "version": 7}, format="json").status_code == 404
    assert (
        team.client("editor").post(url, {"dataset": "customers", "version": 1, "role": "x"}, format="json").status_code
        == 400
    )
    assert team.client("viewer").get(url).json()["count"] == 1
    detail = team.client("viewer").get(f"{RUNS}{run.run_id}/").json()
    assert [i["dataset"] for i in detail["inputs"]] == ["customers"]


def test_api_metric_history_requires_a_key(team, run):
    response = team.client("viewer").get(f"{RUNS}{run.run_id}/metrics/history")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "key"


def test_api_mutations_leave_audit_rows(team, run):
    client = team.client("maintainer")
    client.post(f"{RUNS}{run.run_id}/tags", {"key": "a", "value": "b"}, format="json")
    client.patch(f"{RUNS}{run.run_id}/", {"name": "renamed"}, format="json")
    client.post(f"{RUNS}{run.run_id}/status", {"status": "killed"}, format="json")
    client.delete(f"{RUNS}{run.run_id}/")
    actions = set(AuditEvent.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert {"run.log_batch", "run.update", "run.set_status", "run.delete"} <= actions
    assert not AuditEvent.objects.filter(action__startswith="api.").exists()  # services recorded rich events
