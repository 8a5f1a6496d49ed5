"""MLflow's search grammar for registered models, model versions and experiments; MLflow dataset inputs; the
champion alias error naming the missing approval; MLflow-style links on ``/`` -- through Django's test client."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from registry.models import RunInput
from tests.interop.test_mlflow_api import M, _experiment, _mlflow_model_run, _run, error_code, post
from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

IS_PROMPT = "tags.`mlflow.prompt.is_prompt` != 'true'"


@pytest.fixture
def editor(team):
    return team.client("editor")


def _models(client, **params) -> list[str]:
    response = client.get(M + "registered-models/search", params)
    assert response.status_code == 200, response.json()
    return [m["name"] for m in response.json()["registered_models"]]


def _model(client, name: str, **tags: str) -> None:
    body = {"name": name, "tags": [{"key": k, "value": v} for k, v in tags.items()]}
    assert post(client, "registered-models/create", body).status_code == 200


def test_registered_model_search_follows_mlflows_grammar(editor):
    _model(editor, "alpha-clf", team="ml")
    _model(editor, "beta-reg", team="ops")
    _model(editor, "gamma")
    # the filter the MLflow client adds to every registry search
    assert _models(editor, filter=IS_PROMPT) == ["alpha-clf", "beta-reg", "gamma"]
    assert _models(editor, filter=f"name = 'beta-reg' AND {IS_PROMPT}") == ["beta-reg"]
    assert _models(editor, filter="tag.`mlflow.prompt.is_prompt` = 'true'") == []
    assert _models(editor, filter="name LIKE 'a%'") == ["alpha-clf"]
    assert _models(editor, filter="name LIKE 'A%'") == []
    assert _models(editor, filter="name ILIKE 'A%'") == ["alpha-clf"]
    assert _models(editor, filter="name != 'gamma'") == ["alpha-clf", "beta-reg"]
    assert _models(editor, filter="name IN ('gamma', 'alpha-clf')") == ["alpha-clf", "gamma"]
    assert _models(editor, filter="tags.team = 'ml'") == ["alpha-clf"]
    assert _models(editor, filter="tags.`team` != 'ml'") == ["beta-reg"]  # a model without the tag never matches
    assert _models(editor, filter="tags.team LIKE '%s'") == ["beta-reg"]
    assert _models(editor, order_by="name DESC") == ["gamma", "beta-reg", "alpha-clf"]
    first = editor.get(M + "registered-models/search", {"max_results": 2, "order_by": "name ASC"}).json()
    assert [m["name"] for m in first["registered_models"]] == ["alpha-clf", "beta-reg"]
    rest = editor.get(M + "registered-models/search", {"max_results": 2, "page_token": first["next_page_token"]})
    assert [m["name"] for m in rest.json()["registered_models"]] == ["gamma"]
    for bad in ("owner = 'x'", "name > 'a'", "name = 'x' AND", "params.a = '1'"):
        response = editor.get(M + "registered-models/search", {"filter": bad})
        assert response.status_code == 400 and error_code(response) == "INVALID_PARAMETER_VALUE", bad
    bad_order = editor.get(M + "registered-models/search", {"order_by": "owner"})
    assert error_code(bad_order) == "INVALID_PARAMETER_VALUE" and "owner" in bad_order.json()["message"]


def _versions(client, **params) -> list[tuple[str, str]]:
    response = client.get(M + "model-versions/search", params)
    assert response.status_code == 200, response.json()
    return [(v["name"], v["version"]) for v in response.json()["model_versions"]]


def test_model_version_search_follows_mlflows_grammar(editor):
    first_experiment, run_a = _mlflow_model_run(editor)
    post(editor, "experiments/update", {"experiment_id": first_experiment, "new_name": "first"})
    _, run_b = _mlflow_model_run(editor)
    for name, run_id in (("clf", run_a), ("clf", run_b), ("other", run_b)):
        body = {"name": name, "source": f"runs:/{run_id}/model", "run_id": run_id}
        assert post(editor, "model-versions/create", body).status_code == 200
    body = {"name": "clf", "version": "2", "key": "stage", "value": "candidate"}
    assert post(editor, "model-versions/set-tag", body).status_code == 200
    ordered = {"order_by": ["name ASC", "version_number ASC"]}
    assert _versions(editor, filter=IS_PROMPT, **ordered) == [("clf", "1"), ("clf", "2"), ("other", "1")]
    assert _versions(editor, filter=f"name = 'clf' AND {IS_PROMPT}", **ordered) == [("clf", "1"), ("clf", "2")]
    assert _versions(editor, filter="name = 'clf' AND version_number > 1") == [("clf", "2")]
    assert _versions(editor, filter=f"run_id = '{run_b}'", **ordered) == [("clf", "2"), ("other", "1")]
    assert _versions(editor, filter=f"run_id IN ('{run_a}')") == [("clf", "1")]
    assert _versions(editor, filter="tags.stage = 'candidate'") == [("clf", "2")]
    assert _versions(editor, filter="name LIKE 'o%'") == [("other", "1")]
    assert _versions(editor, filter=f"source_path = 'runs:/{run_a}/model'") == [("clf", "1")]
    assert _versions(editor, filter="name = 'clf'", order_by="version_number DESC") == [("clf", "2"), ("clf", "1")]
    page = editor.get(M + "model-versions/search", {"max_results": 1, **ordered}).json()
    assert len(page["model_versions"]) == 1 and page["next_page_token"]
    response = editor.get(M + "model-versions/search", {"filter": "version_number = 'x'"})
    assert error_code(response) == "INVALID_PARAMETER_VALUE"


def _experiments(client, **body) -> list[str]:
    response = post(client, "experiments/search", body)
    assert response.status_code == 200, response.json()
    return [e["name"] for e in response.json()["experiments"]]


def test_experiment_search_filters_on_tags_and_attributes(editor):
    ids = {}
    for name, team in (("a", "x"), ("b", "y"), ("c", None)):
        tags = [{"key": "team", "value": team}] if team else []
        ids[name] = post(editor, "experiments/create", {"name": name, "tags": tags}).json()["experiment_id"]
    by_name = {"order_by": ["name ASC"]}
    assert _experiments(editor, filter="tags.`team` = 'x'") == ["a"]
    assert _experiments(editor, filter="tag.team != 'x'") == ["b"]
    assert _experiments(editor, filter="tags.team LIKE '%'", **by_name) == ["a", "b"]
    assert _experiments(editor, filter="name = 'a' AND tags.team = 'y'") == []
    assert _experiments(editor, filter=f"experiment_id IN ('{ids['a']}', '{ids['c']}')", **by_name) == ["a", "c"]
    assert _experiments(editor, filter="creation_time > 0", **by_name) == ["a", "b", "c"]
    assert _experiments(editor, order_by=["experiment_id DESC"]) == ["c", "b", "a"]
    assert _experiments(editor) == ["c", "b", "a"]  # newest first, as MLflow
    for bad in ("tags.team > 'x'", "owner = 'x'", "metrics.a > 1"):
        response = post(editor, "experiments/search", {"filter": bad})
        assert error_code(response) == "INVALID_PARAMETER_VALUE", bad


def test_log_inputs_stores_mlflow_datasets_and_links_keel_ones(team, editor):
    assert upload(editor, "alpha", "iris", csv_bytes(iris_like())).status_code == 201
    run_id = _run(editor, _experiment(editor))
    toy = {
        "name": "toy",
        "digest": "1a2b3c4d",
        "source_type": "code",
        "source": '{"tags": {"mlflow.user": "me"}}',
        "schema": '{"mlflow_colspec": [{"type": "double", "name": "a"}]}',
        "profile": '{"num_rows": 3, "num_elements": 3}',
    }
    datasets = [
        {"tags": [{"key": "mlflow.data.context", "value": "training"}], "dataset": toy},
        {"tags": [{"key": "mlflow.data.context", "value": "eval"}], "dataset": {"name": "iris", "digest": "d"}},
    ]
    assert post(editor, "runs/log-inputs", {"run_id": run_id, "datasets": datasets}).status_code == 200
    # logging the same dataset again is not a second input
    assert post(editor, "runs/log-inputs", {"run_id": run_id, "datasets": datasets[:1]}).status_code == 200
    inputs = editor.get(M + "runs/get", {"run_id": run_id}).json()["run"]["inputs"]["dataset_inputs"]
    assert inputs[0] == {"tags": [{"key": "mlflow.data.context", "value": "training"}], "dataset": toy}
    assert len(inputs) == 2 and inputs[1]["dataset"]["name"] == "iris"
    assert {"key": "mlflow.data.context", "value": "eval"} in inputs[1]["tags"]
    linked = RunInput.objects.get(run__run_id=run_id)  # the Keel dataset of that name has lineage
    assert (linked.dataset_name, linked.version_number, linked.role) == ("iris", 1, "evaluation")
    found = post(editor, "runs/search", {"filter": f"attributes.run_id = '{run_id}'"}).json()["runs"]
    assert found[0]["inputs"]["dataset_inputs"] == inputs
    tags = {t["key"] for t in found[0]["data"]["tags"]}
    assert "mlflow.unlinked_datasets" not in tags
    response = post(editor, "runs/log-inputs", {"run_id": run_id, "datasets": [{"dataset": {"name": "x"}}]})
    assert error_code(response) == "INVALID_PARAMETER_VALUE" and "digest" in response.json()["message"]


def test_champion_on_a_pending_version_names_the_missing_approval(team):
    maintainer = team.client("maintainer")
    _, run_id = _mlflow_model_run(maintainer)
    body = {"name": "clf", "source": f"runs:/{run_id}/model", "run_id": run_id}
    assert post(maintainer, "model-versions/create", body).status_code == 200
    team.project.require_human_approval = True
    team.project.save(update_fields=["require_human_approval"])
    response = post(maintainer, "registered-models/alias", {"name": "clf", "alias": "champion", "version": "1"})
    assert response.status_code == 409 and error_code(response) == "RESOURCE_CONFLICT"
    message = response.json()["message"]
    assert "clf" in message and "version 1" in message and "pending" in message
    assert "/api/v1/projects/alpha/models/clf/versions/1/approval-requests" in message


def test_root_serves_a_link_page_and_mlflow_links_resolve(team, editor, client):
    page = client.get("/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert re.search(r'<script src="/static/interop/mlflow-links[.\w]*\.js"></script>', html)
    assert "<script>" not in html  # no inline script: the page works under a strict Content-Security-Policy
    experiment_id = _experiment(editor)
    run_id = _run(editor, experiment_id)
    client.force_login(team.users["viewer"])
    run = client.get(f"/mlflow/experiments/{experiment_id}/runs/{run_id}")
    assert run.status_code == 302 and run["Location"] == f"/api/v1/projects/alpha/runs/{run_id}/"
    exp = client.get(f"/mlflow/experiments/{experiment_id}")
    assert exp.status_code == 302 and exp["Location"] == "/api/v1/projects/alpha/experiments/exp/"
    _model(editor, "clf")
    model = client.get("/mlflow/models/clf/versions/1")
    assert model.status_code == 302 and model["Location"] == "/dashboard/alpha/models/clf/"
    client.force_login(team.users["outsider"])
    assert client.get(f"/mlflow/experiments/{experiment_id}/runs/{run_id}").status_code == 404
    client.logout()
    anonymous = client.get(f"/mlflow/experiments/{experiment_id}/runs/{run_id}")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_link_script_maps_mlflow_fragments_to_keel_paths():
    script = Path(__file__).resolve().parents[2] / "static" / "interop" / "mlflow-links.js"
    run_id = "0123456789abcdef0123456789abcdef"
    cases = {
        f"#/experiments/5/runs/{run_id}": f"/mlflow/experiments/5/runs/{run_id}",
        "#/experiments/5": "/mlflow/experiments/5",
        "#/experiments/5/runs": "/mlflow/experiments/5",
        "#/models/my%20model/versions/3": "/mlflow/models/my%20model/versions/3",
        "#/models/clf": "/mlflow/models/clf",
        "#/models/%E0%A4%A": "/dashboard/",
        "": "/dashboard/",
        "#/somewhere/else": "/dashboard/",
    }
    program = (
        f"const t = require({json.dumps(str(script))}).target; "
        + "console.log(JSON.stringify("
        + (json.dumps(list(cases)) + ".map(t)))")
    )
    out = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True, timeout=30).stdout
    assert json.loads(out) == list(cases.values())


def test_unsupported_mlflow_features_answer_not_implemented(editor):
    prompt = {"name": "greeting", "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]}
    calls = [
        ("post", M + "registered-models/create", prompt),  # mlflow.genai.register_prompt
        ("post", "/api/3.0/mlflow/traces", {}),  # trace export
        ("get", "/api/3.0/mlflow/traces/search", {}),
        ("post", M + "traces", {}),
        ("post", M + "logged-models/search", {"filter": "metrics.accuracy > 0.5"}),
        ("post", M + "model-versions/transition-stage", {"name": "x", "version": "1", "stage": "Production"}),
        ("get", "/api/2.0/gateway/routes/", {}),
        ("get", "/api/2.0/endpoints/", {}),
    ]
    for method, url, body in calls:
        response = editor.post(url, body, format="json") if method == "post" else editor.get(url, body)
        assert response.status_code == 501, (url, response.content)
        assert error_code(response) == "NOT_IMPLEMENTED" and response.json()["message"], url
    assert editor.get(M + "registered-models/get", {"name": "greeting"}).status_code == 404
    response = editor.get(M + "no-such-endpoint")
    assert response.status_code == 404 and error_code(response) == "ENDPOINT_NOT_FOUND"
