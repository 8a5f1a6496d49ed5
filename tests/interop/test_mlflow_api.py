"""MLflow REST endpoints through Django's test client: project selection, permissions, error shapes and codes,
limits, audit rows, search, artifacts and the registry mapping."""

from __future__ import annotations

import json
import zipfile

import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from core.models import AuditEvent
from registry.models import Run, RunArtifact, RunInput
from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

M = "/api/2.0/mlflow/"
A = "/api/2.0/mlflow-artifacts/artifacts/"


def post(client, endpoint: str, body: dict, **headers):
    return client.post(M + endpoint, body, format="json", **headers)


def error_code(response) -> str:
    return response.json()["error_code"]


@pytest.fixture
def editor(team):
    return team.client("editor")


def _experiment(client, name: str = "exp") -> str:
    response = post(client, "experiments/create", {"name": name})
    assert response.status_code == 200, response.json()
    return response.json()["experiment_id"]


def _run(client, experiment_id: str, **extra) -> str:
    response = post(client, "runs/create", {"experiment_id": experiment_id, "start_time": 1_700_000_000_000, **extra})
    assert response.status_code == 200, response.json()
    return response.json()["run"]["info"]["run_id"]


# --- project selection, authentication, permissions -----------------------------------------------------------------


def test_calls_land_in_the_callers_project_or_the_header_project(team, other_team, editor):
    experiment_id = _experiment(editor)
    exp = team.project.experiments.get()
    assert str(exp.pk) == experiment_id
    # an owner of another project does not see it, even by id
    outsider = other_team.client("owner")
    response = outsider.get(M + "experiments/get", {"experiment_id": experiment_id})
    assert response.status_code == 404 and error_code(response) == "RESOURCE_DOES_NOT_EXIST"
    # naming a project the caller is not a member of is a 404 too
    response = outsider.get(M + "experiments/get", {"experiment_id": experiment_id}, HTTP_X_KEEL_PROJECT="alpha")
    assert response.status_code == 404 and error_code(response) == "RESOURCE_DOES_NOT_EXIST"


def test_project_from_header_setting_token_default_or_first_membership(team, other_team, settings):
    """The owner of beta is also a viewer of alpha: where a write lands decides whether it is allowed."""
    from rest_framework.test import APIClient

    from core import services as core_services
    from core.models import Membership
    from tests.conftest import token_client

    user = other_team.users["owner"]
    Membership.objects.create(project=team.project, user=user, role="viewer")
    client = token_client(user)
    assert post(client, "experiments/create", {"name": "x"}).status_code == 403  # first membership by slug: alpha
    assert post(client, "experiments/create", {"name": "x"}, HTTP_X_KEEL_PROJECT="beta").status_code == 200
    settings.KEEL_MLFLOW_DEFAULT_PROJECT = "beta"
    assert post(client, "experiments/create", {"name": "y"}).status_code == 200
    settings.KEEL_MLFLOW_DEFAULT_PROJECT = ""
    scoped = APIClient()
    secret = core_services.api_token_create(user=user, name="beta", default_project=other_team.project).secret
    scoped.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert post(scoped, "experiments/create", {"name": "z"}).status_code == 200
    assert set(other_team.project.experiments.values_list("name", flat=True)) == {"x", "y", "z"}
    assert not team.project.experiments.exists()


def test_anonymous_callers_get_unauthenticated(team):
    from rest_framework.test import APIClient

    response = APIClient().get(M + "experiments/get", {"experiment_id": "1"})
    assert response.status_code == 401 and error_code(response) == "UNAUTHENTICATED"


def test_viewer_reads_but_cannot_log(team, editor):
    run_id = _run(editor, _experiment(editor))
    viewer = team.client("viewer")
    assert viewer.get(M + "runs/get", {"run_id": run_id}).status_code == 200
    response = post(viewer, "runs/log-metric", {"run_id": run_id, "key": "m", "value": 1.0, "timestamp": 1, "step": 0})
    assert response.status_code == 403 and error_code(response) == "PERMISSION_DENIED"
    assert not Run.objects.get(run_id=run_id).metric_points.exists()


def test_unknown_endpoints_answer_endpoint_not_found_json(editor):
    for response in (editor.get(M + "no/such/thing"), post(editor, "no-such/thing", {})):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert error_code(response) == "ENDPOINT_NOT_FOUND"
    for response in (post(editor, "model-versions/transition-stage", {}), editor.get(M + "traces")):
        assert response.status_code == 501 and error_code(response) == "NOT_IMPLEMENTED"
    assert error_code(post(editor, "registered-models/rename", {"name": "nope", "new_name": "x"})) == (
        "RESOURCE_DOES_NOT_EXIST"
    )


def test_rename_moves_the_model_and_every_reference_by_name(team, editor):
    from registry.models import RegisteredModel
    from training.models import TrainingJob

    assert post(editor, "registered-models/create", {"name": "churn"}).status_code == 200
    assert post(editor, "registered-models/create", {"name": "taken"}).status_code == 200
    from registry.models import DatasetVersion

    assert upload(team.client("editor"), team.project.slug, "iris", csv_bytes(iris_like())).status_code == 201
    version = DatasetVersion.objects.get()
    job = TrainingJob.objects.create(
        project=team.project,
        dataset_version=version,
        spec={},
        register_model_name="churn",
        status="succeeded",
        time_limit=60,
    )
    clash = post(editor, "registered-models/rename", {"name": "churn", "new_name": "taken"})
    assert clash.status_code == 400 and error_code(clash) == "RESOURCE_ALREADY_EXISTS"
    renamed = post(editor, "registered-models/rename", {"name": "churn", "new_name": "churn-v2"})
    assert renamed.status_code == 200 and renamed.json()["registered_model"]["name"] == "churn-v2"
    assert set(RegisteredModel.objects.filter(project=team.project).values_list("name", flat=True)) == {
        "churn-v2",
        "taken",
    }
    job.refresh_from_db()
    assert job.register_model_name == "churn-v2"
    assert AuditEvent.objects.filter(action="model.rename", data__to="churn-v2").exists()
    assert error_code(editor.get(M + "registered-models/get", {"name": "churn"})) == "RESOURCE_DOES_NOT_EXIST"


def test_experiment_tags_set_and_delete(team, editor):
    experiment_id = _experiment(editor)
    body = {"experiment_id": experiment_id, "key": "owner", "value": "ml"}
    assert post(editor, "experiments/set-experiment-tag", body).status_code == 200
    tags = editor.get(M + "experiments/get", {"experiment_id": experiment_id}).json()["experiment"]["tags"]
    assert tags == [{"key": "owner", "value": "ml"}]
    delete = {"experiment_id": experiment_id, "key": "owner"}
    assert post(editor, "experiments/delete-experiment-tag", delete).status_code == 200
    assert error_code(post(editor, "experiments/delete-experiment-tag", delete)) == "RESOURCE_DOES_NOT_EXIST"
    assert team.project.experiments.get().tags == {}


# --- runs: logging, limits, errors, audit ----------------------------------------------------------------------------


def test_logging_writes_through_keel_services_with_audit_rows(team, editor):
    run_id = _run(
        editor, _experiment(editor), run_name="r1", tags=[{"key": "mlflow.source.git.commit", "value": "abc"}]
    )
    assert post(editor, "runs/log-parameter", {"run_id": run_id, "key": "alpha", "value": "0.1"}).status_code == 200
    for step, value in enumerate([3.0, 2.0, 1.0]):
        body = {"run_id": run_id, "key": "loss", "value": value, "timestamp": 1_700_000_000_000 + step, "step": step}
        assert post(editor, "runs/log-metric", body).status_code == 200
    assert post(editor, "runs/set-tag", {"run_id": run_id, "key": "k", "value": "v"}).status_code == 200
    assert post(editor, "runs/delete-tag", {"run_id": run_id, "key": "k"}).status_code == 200
    update = post(editor, "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": 1_700_000_100_000})
    assert update.json()["run_info"]["status"] == "FINISHED"

    run = editor.get(M + "runs/get", {"run_id": run_id}).json()["run"]
    assert run["info"]["run_name"] == "r1" and run["data"]["params"] == [{"key": "alpha", "value": "0.1"}]
    assert run["data"]["metrics"][0]["value"] == 1.0 and run["data"]["metrics"][0]["step"] == 2
    assert Run.objects.get(run_id=run_id).code_version == "abc"
    history = editor.get(M + "metrics/get-history", {"run_id": run_id, "metric_key": "loss", "max_results": 2}).json()
    assert [m["value"] for m in history["metrics"]] == [3.0, 2.0] and history["next_page_token"]
    more = editor.get(
        M + "metrics/get-history", {"run_id": run_id, "metric_key": "loss", "page_token": history["next_page_token"]}
    ).json()
    assert [m["value"] for m in more["metrics"]] == [1.0]

    actions = list(AuditEvent.objects.filter(project=team.project).values_list("action", flat=True))
    assert {"experiment.create", "run.create", "run.log_batch", "run.delete_tag", "run.set_status"} <= set(actions)
    assert actions.count("run.log_batch") == 5


def test_log_batch_limits_and_immutable_params_use_mlflow_codes(editor):
    run_id = _run(editor, _experiment(editor))
    too_many = [{"key": f"m{i}", "value": 1.0, "timestamp": 1, "step": 0} for i in range(1001)]
    response = post(editor, "runs/log-batch", {"run_id": run_id, "metrics": too_many})
    assert response.status_code == 400 and error_code(response) == "INVALID_PARAMETER_VALUE"
    assert "at most 1000 metrics" in response.json()["message"]
    params = [{"key": f"p{i}", "value": "1"} for i in range(101)]
    assert error_code(post(editor, "runs/log-batch", {"run_id": run_id, "params": params})) == "INVALID_PARAMETER_VALUE"
    mixed = {"run_id": run_id, "metrics": too_many[:950], "params": params[:60]}
    assert "in total" in post(editor, "runs/log-batch", mixed).json()["message"]
    assert not Run.objects.get(run_id=run_id).metric_points.exists()

    assert post(editor, "runs/log-batch", {"run_id": run_id, "params": [{"key": "a", "value": "1"}]}).status_code == 200
    changed = post(editor, "runs/log-parameter", {"run_id": run_id, "key": "a", "value": "2"})
    assert changed.status_code == 400 and error_code(changed) == "INVALID_PARAMETER_VALUE"
    bad_key = post(editor, "runs/log-batch", {"run_id": run_id, "tags": [{"key": "../x", "value": "1"}]})
    assert error_code(bad_key) == "INVALID_PARAMETER_VALUE"
    missing = post(editor, "runs/log-metric", {"run_id": "0" * 32, "key": "m", "value": 1})
    assert missing.status_code == 404 and error_code(missing) == "RESOURCE_DOES_NOT_EXIST"


def test_search_runs_with_mlflow_filter_and_order_by(editor):
    experiment_id = _experiment(editor)
    ids = []
    for index, accuracy in enumerate([0.7, 0.9, 0.8]):
        run_id = _run(editor, experiment_id, run_name=f"r{index}")
        post(
            editor, "runs/log-batch", {"run_id": run_id, "metrics": [{"key": "acc", "value": accuracy, "timestamp": 1}]}
        )
        ids.append(run_id)
    body = {
        "experiment_ids": [experiment_id],
        "filter": "metrics.acc > 0.75 and attributes.status = 'RUNNING'",
        "order_by": ["metrics.acc DESC"],
    }
    found = post(editor, "runs/search", body).json()["runs"]
    assert [r["info"]["run_id"] for r in found] == [ids[1], ids[2]]
    page = post(editor, "runs/search", {"experiment_ids": [experiment_id], "max_results": 2}).json()
    assert len(page["runs"]) == 2 and page["next_page_token"]
    bad = post(editor, "runs/search", {"experiment_ids": [experiment_id], "filter": "metrics.acc >"})
    assert bad.status_code == 400 and error_code(bad) == "INVALID_PARAMETER_VALUE"


def test_experiment_lifecycle_and_search(editor):
    experiment_id = _experiment(editor, "first")
    _experiment(editor, "second")
    assert error_code(post(editor, "experiments/create", {"name": "first"})) == "RESOURCE_ALREADY_EXISTS"
    by_name = editor.get(M + "experiments/get-by-name", {"experiment_name": "first"}).json()["experiment"]
    assert by_name["experiment_id"] == experiment_id
    assert by_name["artifact_location"] == f"mlflow-artifacts:/{experiment_id}"
    assert (
        post(editor, "experiments/update", {"experiment_id": experiment_id, "new_name": "renamed"}).status_code == 200
    )
    assert post(editor, "experiments/delete", {"experiment_id": experiment_id}).status_code == 200
    active = editor.get(M + "experiments/search", {"max_results": 10}).json()["experiments"]
    assert [e["name"] for e in active] == ["second"]
    deleted = post(editor, "experiments/search", {"view_type": "DELETED_ONLY"}).json()["experiments"]
    assert [e["name"] for e in deleted] == ["renamed"]
    assert post(editor, "experiments/restore", {"experiment_id": experiment_id}).status_code == 200
    liked = post(editor, "experiments/search", {"filter": "name LIKE 'ren%'"}).json()["experiments"]
    assert [e["experiment_id"] for e in liked] == [experiment_id]
    for unknown in ("424242", "9" * 40, "abc"):
        assert editor.get(M + "experiments/get", {"experiment_id": unknown}).status_code == 404
    assert error_code(editor.get(M + "experiments/search", {"page_token": "bad"})) == "INVALID_PARAMETER_VALUE"


def test_experiment_names_are_what_mlflow_accepts_and_keel_urls_still_address_them(editor):
    """MLflow's quickstart names its experiment "MLflow Quickstart"; Keel's own API finds it by that name."""
    set_experiment = editor.get(M + "experiments/get-by-name", {"experiment_name": "MLflow Quickstart"})
    assert error_code(set_experiment) == "RESOURCE_DOES_NOT_EXIST"
    experiment_id = _experiment(editor, "MLflow Quickstart")
    for name in ("Équipe: churn (v2) #1", "a.b c", "..."):
        _experiment(editor, name)
    by_name = editor.get(M + "experiments/get-by-name", {"experiment_name": "MLflow Quickstart"}).json()
    assert by_name["experiment"]["experiment_id"] == experiment_id
    own = editor.get("/api/v1/projects/alpha/experiments/MLflow%20Quickstart/")
    assert own.status_code == 200 and own.json()["name"] == "MLflow Quickstart"
    renamed = editor.patch("/api/v1/projects/alpha/experiments/MLflow%20Quickstart/", {"name": "Quick start 2"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Quick start 2"
    # a name must fit one URL path segment
    for bad in ("team/exp", "..", "tab\there", "x" * 129):
        response = post(editor, "experiments/create", {"name": bad})
        assert response.status_code == 400 and error_code(response) == "INVALID_PARAMETER_VALUE", bad
        api = editor.post("/api/v1/projects/alpha/experiments/", {"name": bad}, format="json")
        assert api.status_code == 400 and "name" in str(api.json()), bad


def test_log_inputs_links_keel_datasets(team, editor):
    assert upload(editor, "alpha", "iris", csv_bytes(iris_like())).status_code == 201
    run_id = _run(editor, _experiment(editor))
    datasets = [
        {"tags": [{"key": "mlflow.data.context", "value": "training"}], "dataset": {"name": "iris", "digest": "d"}},
        {"dataset": {"name": "elsewhere", "digest": "abc"}},
    ]
    assert post(editor, "runs/log-inputs", {"run_id": run_id, "datasets": datasets}).status_code == 200
    linked = RunInput.objects.get(run__run_id=run_id)
    assert (linked.dataset_name, linked.version_number, linked.role) == ("iris", 1, "training")
    inputs = editor.get(M + "runs/get", {"run_id": run_id}).json()["run"]["inputs"]["dataset_inputs"]
    assert [(i["dataset"]["name"], i["dataset"]["digest"]) for i in inputs] == [("iris", "d"), ("elsewhere", "abc")]


# --- artifacts -------------------------------------------------------------------------------------------------------


def test_artifact_proxy_stores_content_addressed_and_refuses_unsafe_paths(editor):
    experiment_id = _experiment(editor)
    run_id = _run(editor, experiment_id)
    root = f"{A}{experiment_id}/{run_id}/artifacts/"
    put = editor.put(root + "dir/a.txt", b"hello", content_type="application/octet-stream")
    assert put.status_code == 200, put.content
    artifact = RunArtifact.objects.get(run__run_id=run_id)
    assert artifact.path == "dir/a.txt" and artifact.size == 5
    got = editor.get(root + "dir/a.txt")
    assert b"".join(got.streaming_content) == b"hello"
    listing = editor.get(A.rstrip("/"), {"path": f"{experiment_id}/{run_id}/artifacts"}).json()["files"]
    assert listing == [{"path": "dir", "is_dir": True}]
    listing = editor.get(A.rstrip("/"), {"path": f"{experiment_id}/{run_id}/artifacts/dir"}).json()["files"]
    assert listing == [{"path": "a.txt", "is_dir": False, "file_size": 5}]
    tracking_list = editor.get(M + "artifacts/list", {"run_id": run_id, "path": "dir"}).json()
    assert tracking_list["files"] == [{"path": "dir/a.txt", "is_dir": False, "file_size": 5}]
    for bad in ("dir/../../x", "a\x00b"):
        response = editor.put(root + bad, b"x", content_type="application/octet-stream")
        assert response.status_code == 400 and error_code(response) == "INVALID_PARAMETER_VALUE", bad
    response = editor.get(A.rstrip("/"), {"path": f"{experiment_id}/{run_id}/artifacts/../../etc"})
    assert error_code(response) == "INVALID_PARAMETER_VALUE"
    other = editor.put(f"{A}{experiment_id}/{'0' * 32}/artifacts/x", b"x", content_type="application/octet-stream")
    assert other.status_code == 404 and error_code(other) == "RESOURCE_DOES_NOT_EXIST"
    assert RunArtifact.objects.count() == 1


# --- registry --------------------------------------------------------------------------------------------------------


def _mlflow_model_run(client, *, serialization: str = "skops", bare: bool = False) -> tuple[str, str]:
    """A run holding an MLflow sklearn model folder 'model/' (MLmodel, model file, input example)."""
    import pandas as pd

    experiment_id = _experiment(client)
    run_id = _run(client, experiment_id)
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    model = LogisticRegression() if bare else Pipeline([("clf", LogisticRegression())])
    model.fit(frame, [0, 0, 1, 1])
    model_file = "model.skops" if serialization == "skops" else "model.pkl"
    mlmodel = {
        "flavors": {"sklearn": {"pickled_model": model_file, "serialization_format": serialization}},
        "saved_input_example_info": {"artifact_path": "input_example.json", "type": "dataframe"},
        "signature": {"inputs": json.dumps([{"type": "double", "name": "a"}, {"type": "double", "name": "b"}])},
    }
    example = {"columns": ["a", "b"], "data": [[0.0, 1.0], [3.0, 0.0]]}
    import yaml

    root = f"{A}{experiment_id}/{run_id}/artifacts/model/"
    files = {
        "MLmodel": yaml.safe_dump(mlmodel).encode(),
        model_file: sio.dumps(model, compression=zipfile.ZIP_DEFLATED) if serialization == "skops" else b"pickle",
        "input_example.json": json.dumps(example).encode(),
    }
    for name, data in files.items():
        assert client.put(root + name, data, content_type="application/octet-stream").status_code == 200
    return experiment_id, run_id


def test_model_version_from_a_run_with_aliases_tags_and_download_uri(team, editor):
    experiment_id, run_id = _mlflow_model_run(editor)
    created = post(
        editor, "model-versions/create", {"name": "clf", "source": f"runs:/{run_id}/model", "run_id": run_id}
    )
    assert created.status_code == 200, created.json()
    version = created.json()["model_version"]
    assert (version["version"], version["run_id"], version["status"]) == ("1", run_id, "READY")
    uri = editor.get(M + "model-versions/get-download-uri", {"name": "clf", "version": "1"}).json()["artifact_uri"]
    assert uri == f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts/model"

    # the unprotected alias can be set by an editor; champion needs an approved version and a maintainer
    assert (
        post(editor, "registered-models/alias", {"name": "clf", "alias": "staging", "version": "1"}).status_code == 200
    )
    got = editor.get(M + "registered-models/alias", {"name": "clf", "alias": "staging"}).json()["model_version"]
    assert got["aliases"] == ["staging"]
    champion = post(editor, "registered-models/alias", {"name": "clf", "alias": "champion", "version": "1"})
    assert champion.status_code == 403 and error_code(champion) == "PERMISSION_DENIED"
    unapproved = post(
        team.client("maintainer"), "registered-models/alias", {"name": "clf", "alias": "champion", "version": "1"}
    )
    assert unapproved.status_code == 409 and error_code(unapproved) == "RESOURCE_CONFLICT"
    deleted = editor.delete(M + "registered-models/alias?name=clf&alias=staging")
    assert deleted.status_code == 200

    assert (
        post(editor, "model-versions/set-tag", {"name": "clf", "version": "1", "key": "k", "value": "v"}).status_code
        == 200
    )
    assert post(editor, "registered-models/set-tag", {"name": "clf", "key": "team", "value": "ml"}).status_code == 200
    model = editor.get(M + "registered-models/get", {"name": "clf"}).json()["registered_model"]
    assert {"key": "team", "value": "ml"} in model["tags"] and model["latest_versions"][0]["version"] == "1"
    assert {"key": "k", "value": "v"} in model["latest_versions"][0]["tags"]
    found = editor.get(M + "model-versions/search", {"filter": "name = 'clf'"}).json()["model_versions"]
    assert [v["version"] for v in found] == ["1"]
    assert editor.get(M + "registered-models/search", {"filter": "name LIKE 'c%'"}).json()["registered_models"]
    huge = editor.get(M + "model-versions/get", {"name": "clf", "version": "9" * 30})
    assert error_code(huge) == "RESOURCE_DOES_NOT_EXIST"
    missing = editor.get(M + "model-versions/get", {"name": "clf", "version": "9"})
    assert missing.status_code == 404 and error_code(missing) == "RESOURCE_DOES_NOT_EXIST"
    by_run = editor.get(M + "model-versions/search", {"filter": f"run_id = '{run_id}'"}).json()["model_versions"]
    assert [v["name"] for v in by_run] == ["clf"]

    # deletes carry a JSON body, need a maintainer and are audited
    body = {"name": "clf", "version": "1"}
    assert editor.delete(M + "model-versions/delete", body, format="json").status_code == 403
    assert team.client("maintainer").delete(M + "model-versions/delete", body, format="json").status_code == 200
    assert (
        team.client("maintainer").delete(M + "registered-models/delete", {"name": "clf"}, format="json").status_code
        == 200
    )
    assert editor.get(M + "registered-models/get", {"name": "clf"}).status_code == 404
    actions = set(AuditEvent.objects.filter(project=team.project).values_list("action", flat=True))
    assert {"model_version.create", "model_alias.move", "mlflow.model_version.set_tag", "model.update"} <= actions
    assert {"model_version.delete", "model.delete"} <= actions


def test_bare_estimators_are_served_wrapped_in_a_pipeline(editor):
    import pandas as pd

    from registry.models import ModelVersion
    from registry.services.models import model_version_load

    _, run_id = _mlflow_model_run(editor, bare=True)
    assert post(editor, "model-versions/create", {"name": "bare", "source": f"runs:/{run_id}/model"}).status_code == 200
    version = ModelVersion.objects.get(registered_model__name="bare")
    original = RunArtifact.objects.get(run__run_id=run_id, path="model/model.skops")
    assert version.artifact_sha256 != original.sha256  # the wrapped pipeline is its own blob
    pipeline = model_version_load(version)
    assert isinstance(pipeline, Pipeline)
    assert pipeline.predict(pd.DataFrame({"a": [0.0, 3.0], "b": [1.0, 0.0]})).tolist() == [0, 1]


def test_pickled_mlflow_models_are_refused(editor):
    _, run_id = _mlflow_model_run(editor, serialization="cloudpickle")
    response = post(editor, "model-versions/create", {"name": "clf", "source": f"runs:/{run_id}/model"})
    assert response.status_code == 400 and error_code(response) == "INVALID_PARAMETER_VALUE"
    assert "skops" in response.json()["message"]


def test_logged_models_live_in_a_run_folder(team, editor):
    experiment_id = _experiment(editor)
    run_id = _run(editor, experiment_id)
    created = post(editor, "logged-models", {"experiment_id": experiment_id, "name": "m", "source_run_id": run_id})
    info = created.json()["model"]["info"]
    assert (
        info["artifact_uri"] == f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts/logged_models/{info['model_id']}"
    )
    model_url = M + f"logged-models/{info['model_id']}"
    finalized = editor.patch(model_url, {"model_id": info["model_id"], "status": "LOGGED_MODEL_READY"}, format="json")
    assert finalized.json()["model"]["info"]["status"] == "LOGGED_MODEL_READY"
    assert editor.patch(model_url + "/tags", {"tags": [{"key": "a", "value": "b"}]}, format="json").status_code == 200
    found = post(editor, "logged-models/search", {"experiment_ids": [experiment_id], "filter": "name = 'm'"}).json()
    assert [m["info"]["tags"] for m in found["models"]] == [[{"key": "a", "value": "b"}]]
    assert team.client("viewer").delete(model_url).status_code == 403
    assert AuditEvent.objects.filter(action="mlflow.logged_model.create", project=team.project).exists()
