"""The real ``mlflow`` client against a live Keel server: track, log a scikit-learn model, register it, set the
champion alias, load it back through ``models:/<name>@champion``, then approve and serve it with Keel."""

from __future__ import annotations

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from pytest_django.live_server_helper import LiveServer
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from core import services as core_services
from core.models import AuditEvent
from registry.models import ModelVersion, RunArtifact, VersionSource
from registry.services.approvals import approval_decide, approval_request_create
from serving import runtime
from tests.conftest import make_team


@pytest.fixture
def iris() -> tuple[pd.DataFrame, pd.Series]:
    data = load_iris(as_frame=True)
    frame = data.frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    return frame.drop(columns=["target"]), frame["target"]


@pytest.fixture
def keel_server(transactional_db, settings):
    """A live Keel server on a free loopback port, started after the test settings apply (pytest-django's
    session-wide ``live_server`` builds its middleware before them)."""
    from django.db import connections

    # each request thread closes its connection when the request ends (the client keeps sockets alive)
    previous = connections.settings["default"]["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    server = LiveServer("localhost:0")
    yield server
    server.stop()
    connections.settings["default"]["CONN_MAX_AGE"] = previous


@pytest.fixture
def tracking(keel_server, monkeypatch):
    """Point the MLflow client at the live server; returns a function selecting the caller's token."""
    live_server = keel_server
    monkeypatch.setenv("MLFLOW_TRACKING_URI", live_server.url)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    mlflow.set_tracking_uri(live_server.url)

    def use(user) -> None:
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", core_services.api_token_create(user=user, name="mlflow").secret)

    yield use
    mlflow.set_tracking_uri(None)
    runtime.models.clear()
    runtime.routes.forget()


def _train(x: pd.DataFrame, y: pd.Series) -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))]).fit(x, y)


@pytest.mark.django_db(transaction=True)
def test_mlflow_client_round_trip_registers_a_servable_keel_version(tracking, iris, tmp_path):
    team = make_team("mlflow-accept")
    tracking(team.users["maintainer"])
    x, y = iris
    pipeline = _train(x, y)

    mlflow.set_experiment("iris")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "plots").mkdir()
    (tmp_path / "plots" / "a.csv").write_text("a,b\n1,2\n")
    with mlflow.start_run(run_name="first") as active:
        mlflow.log_params({"C": 1.0, "max_iter": 500})
        for step, loss in enumerate([0.9, 0.5, 0.3]):
            mlflow.log_metric("loss", loss, step=step)
        mlflow.log_metric("accuracy", float((pipeline.predict(x) == y).mean()))
        mlflow.set_tag("team", "ml")
        mlflow.log_artifact(str(tmp_path / "notes.txt"))
        mlflow.log_artifacts(str(tmp_path / "plots"), artifact_path="plots")
        info = mlflow.sklearn.log_model(pipeline, name="model", input_example=x.head(5), registered_model_name="iris")
    run_id = active.info.run_id
    client = MlflowClient()

    # tracking data is Keel's own run
    run = client.get_run(run_id)
    assert run.data.params == {"C": "1.0", "max_iter": "500"}
    assert run.data.tags["team"] == "ml" and run.info.status == "FINISHED"
    assert [m.value for m in client.get_metric_history(run_id, "loss")] == [0.9, 0.5, 0.3]
    assert {f.path for f in client.list_artifacts(run_id)} >= {"notes.txt", "plots"}
    assert [f.path for f in client.list_artifacts(run_id, "plots")] == ["plots/a.csv"]
    assert RunArtifact.objects.filter(run__run_id=run_id, path="plots/a.csv").exists()
    found = mlflow.search_runs(filter_string="metrics.accuracy > 0.9", output_format="list")
    assert [r.info.run_id for r in found] == [run_id]
    assert mlflow.search_runs(filter_string="metrics.accuracy < 0.1", output_format="list") == []

    # the registered version is a first-class Keel version with lineage to the run
    version = ModelVersion.objects.get(registered_model__project=team.project, registered_model__name="iris")
    assert version.source == VersionSource.MLFLOW and version.run.run_id == run_id
    assert version.artifact_format == "skops" and {f["name"] for f in version.signature["inputs"]} == set(x.columns)
    assert str(info.registered_model_version) == "1"

    # champion is protected: approve (another maintainer decides), then move the alias through MLflow
    request = approval_request_create(version=version, user=team.users["maintainer"])
    approval_decide(request=request, user=team.users["owner"], approve=True)
    client.set_registered_model_alias("iris", "champion", "1")
    assert client.get_model_version_by_alias("iris", "champion").version == "1"

    loaded = mlflow.pyfunc.load_model("models:/iris@champion")
    np.testing.assert_array_equal(loaded.predict(x), pipeline.predict(x))

    # Keel's own serving deploys and predicts with it
    deployed = team.client("maintainer").post(
        f"/api/v1/projects/{team.project.slug}/deployments/",
        {"name": "iris-api", "model": "iris", "version": 1},
        format="json",
    )
    assert deployed.status_code == 201, deployed.json()
    rows = x.head(10).to_dict(orient="records")
    answer = team.client("predictor").post(
        f"/api/v1/projects/{team.project.slug}/deployments/iris-api/predict/", {"inputs": rows}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["predictions"] == pipeline.predict(x.head(10)).tolist()

    # every MLflow mutation left an audit row
    actions = set(AuditEvent.objects.filter(project=team.project).values_list("action", flat=True))
    assert {"experiment.create", "run.create", "run.log_batch", "run.artifact_put", "model_version.create"} <= actions
    assert {"mlflow.logged_model.create", "model_alias.move"} <= actions


@pytest.mark.django_db(transaction=True)
def test_mlflow_client_errors_and_permissions(tracking):
    team, other = make_team("mlflow-perm"), make_team("mlflow-other")
    tracking(team.users["editor"])
    client = MlflowClient()
    experiment_id = client.create_experiment("shared")

    with pytest.raises(MlflowException) as missing:
        client.get_experiment("999999")
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(MlflowException) as exists:
        client.create_experiment("shared")
    assert exists.value.error_code == "RESOURCE_ALREADY_EXISTS"

    tracking(team.users["viewer"])
    assert MlflowClient().get_experiment(experiment_id).name == "shared"
    with pytest.raises(MlflowException) as denied:
        MlflowClient().create_run(experiment_id)
    assert denied.value.error_code == "PERMISSION_DENIED"

    tracking(other.users["owner"])
    with pytest.raises(MlflowException) as hidden:
        MlflowClient().get_experiment(experiment_id)
    assert hidden.value.error_code == "RESOURCE_DOES_NOT_EXIST"
