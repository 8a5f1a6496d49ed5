"""Open Inference Protocol (v2) over a Keel deployment: shapes, errors, permissions, audit and the query budget.

Request bodies are built with tritonclient's own request encoder (JSON and binary tensors) where the shape of the
request matters; hand-built JSON only for malformed requests no client would send.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import tritonclient.http as httpclient
from django.test import TestCase

from core.models import Membership
from core.roles import Role
from serving import inference, runtime
from serving.models import Feedback, PredictionLog
from tests.factories import MembershipFactory
from tests.serving.conftest import InlineExecutor, approved, deploy, labels, predict, rows, url

FEATURES: list[str] = list(rows(1)[0])


@pytest.fixture(autouse=True)
def _fresh_runtime(monkeypatch):
    runtime.models.clear()
    runtime.routes.forget()
    monkeypatch.setattr(inference, "SHADOW_EXECUTOR", InlineExecutor())
    yield
    runtime.models.clear()
    runtime.routes.forget()


@pytest.fixture
def v1(team):
    return approved(team)


@pytest.fixture
def v2(team):
    return approved(team, c=0.05)


def per_feature(n: int = 3, start: int = 0, binary: bool = False) -> list[httpclient.InferInput]:
    batch = rows(n, start)
    inputs = []
    for name in FEATURES:
        tensor = httpclient.InferInput(name, [n], "FP64")
        tensor.set_data_from_numpy(np.array([r[name] for r in batch], dtype=np.float64), binary_data=binary)
        inputs.append(tensor)
    return inputs


def matrix(n: int = 3, start: int = 0, binary: bool = False) -> list[httpclient.InferInput]:
    batch = np.array([[r[f] for f in FEATURES] for r in rows(n, start)], dtype=np.float64)
    tensor = httpclient.InferInput("input", list(batch.shape), "FP64")
    tensor.set_data_from_numpy(batch, binary_data=binary)
    return [tensor]


def infer(client, model: str = "api", inputs=None, outputs=None, parameters=None, path: str = "", **headers: str):
    body, json_size = httpclient.InferenceServerClient.generate_request_body(
        inputs if inputs is not None else per_feature(), outputs=outputs, parameters=parameters
    )
    extra = {"HTTP_INFERENCE_HEADER_CONTENT_LENGTH": str(json_size)} if json_size is not None else {}
    extra |= {f"HTTP_{k.upper()}": v for k, v in headers.items()}
    return client.post(f"/v2/models/{model}{path}/infer", body, content_type="application/octet-stream", **extra)


def result(response) -> httpclient.InferResult:
    assert response.status_code == 200, response.content
    length = response.headers.get("Inference-Header-Content-Length")
    return httpclient.InferResult.from_response_body(response.content, header_length=length and int(length))


def json_outputs(*names: str) -> list[httpclient.InferRequestedOutput]:
    return [httpclient.InferRequestedOutput(n, binary_data=False) for n in names]


def error(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    return str(body["error"])


# --- health and metadata ------------------------------------------------------------------------------------------


def test_oip_server_health_and_metadata_are_public(db, client):
    assert client.get("/v2/health/live").status_code == 200
    assert client.get("/v2/health/ready").status_code == 200
    assert client.get("/v2/").json()["extensions"] == ["binary_tensor_data"]


def test_oip_model_metadata_from_the_signature(team, v1):
    deploy(team)
    body = team.client("viewer").get("/v2/models/api").json()
    assert body["name"] == "api" and body["versions"] == ["1"] and body["platform"] == "keel_sklearn"
    assert [i["name"] for i in body["inputs"]] == FEATURES
    assert {(i["datatype"], tuple(i["shape"])) for i in body["inputs"]} == {("FP64", (-1,))}
    assert body["outputs"] == [
        {"name": "predictions", "datatype": "INT64", "shape": [-1]},
        {"name": "probabilities", "datatype": "FP64", "shape": [-1, 2]},
        {"name": "prediction_ids", "datatype": "BYTES", "shape": [-1]},
    ]
    assert team.client("viewer").get("/v2/models/api/versions/1").json()["versions"] == ["1"]
    assert error(team.client("viewer").get("/v2/models/api/versions/7"), 404) == "Model 'api' has no live version '7'."


def test_oip_model_ready(team, v1):
    deploy(team)
    client = team.client("predictor")  # service accounts read metadata with the PREDICT action
    assert client.get("/v2/models/api/ready").json() == {"name": "api", "ready": True}
    assert client.get("/v2/models/api/versions/1/ready").status_code == 200
    assert "not found" in error(client.get("/v2/models/nope/ready"), 404)


# --- infer ----------------------------------------------------------------------------------------------------------


def test_oip_infer_per_feature_equals_keel_predict_with_audit_rows(team, v1):
    deploy(team)
    client = team.client("predictor")
    keel = predict(client, team, {"inputs": rows(3)}).json()
    answer = result(infer(client, inputs=per_feature(3), outputs=json_outputs("predictions", "probabilities")))
    assert answer.as_numpy("predictions").tolist() == keel["predictions"]
    assert answer.as_numpy("probabilities").tolist() == keel["probabilities"]
    response = answer.get_response()
    assert response["model_name"] == "api" and response["model_version"] == "1"
    assert json.loads(response["parameters"]["classes"]) == [0, 1]
    assert PredictionLog.objects.filter(request_id=response["parameters"]["request_id"]).count() == 3
    assert PredictionLog.objects.count() == 6


def test_oip_infer_matrix_and_binary_tensors(team, v1):
    deploy(team)
    client = team.client("editor")
    keel = predict(client, team, {"inputs": rows(4, start=20)}).json()
    for inputs in (matrix(4, 20), matrix(4, 20, binary=True), per_feature(4, 20, binary=True)):
        answer = result(infer(client, inputs=inputs))  # no outputs named: all of them, in binary
        assert answer.as_numpy("predictions").tolist() == keel["predictions"]
        assert answer.as_numpy("probabilities").tolist() == keel["probabilities"]
        assert len(answer.as_numpy("prediction_ids")) == 4


def test_oip_prediction_ids_take_feedback(team, v1):
    deploy(team)
    client = team.client("predictor")
    answer = result(infer(client, inputs=per_feature(2), outputs=json_outputs("prediction_ids")))
    ids = [i.decode() if isinstance(i, bytes) else i for i in answer.as_numpy("prediction_ids")]
    assert answer.as_numpy("predictions") is None  # only what was asked for
    items = [{"prediction_id": i, "value": v} for i, v in zip(ids, labels(2), strict=True)]
    response = client.post(url(team, suffix="feedback/"), {"items": items}, format="json")
    assert response.status_code == 201 and response.json() == {"recorded": 2}
    assert Feedback.objects.filter(prediction_id__in=ids).count() == 2


def test_oip_ab_routing_is_sticky_by_routing_key(team, v1, v2):
    deploy(team)
    body = {
        "strategy": "ab_test",
        "variants": [
            {"name": "a", "model": "cancer", "version": 1, "weight": 50},
            {"name": "b", "model": "cancer", "version": 2, "weight": 50},
        ],
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert team.client("maintainer").post(url(team, suffix="deploy/"), body, format="json").status_code == 200
    client = team.client("predictor")
    assert client.get("/v2/models/api").json()["versions"] == ["1", "2"]
    seen: dict[str, set[str]] = {}
    for i in range(24):
        key = f"user-{i % 8}"
        via = {"parameters": {"routing_key": key}} if i % 2 else {"X_KEEL_ROUTING_KEY": key}
        answer = result(infer(client, inputs=per_feature(1, i), **via)).get_response()
        seen.setdefault(key, set()).add(answer["parameters"]["variant"])
        log = PredictionLog.objects.get(request_id=answer["parameters"]["request_id"])
        assert log.routing_key == key and log.variant == answer["parameters"]["variant"]
    assert all(len(variants) == 1 for variants in seen.values())  # sticky
    assert set().union(*seen.values()) == {"a", "b"}
    pinned = result(infer(client, inputs=per_feature(1), path="/versions/2")).get_response()
    assert pinned["model_version"] == "2"


# --- errors ---------------------------------------------------------------------------------------------------------


def _raw(client, body: Any, **extra: Any):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/v2/models/api/infer", data, content_type="application/json", **extra)


def _tensor(name: str, datatype: str, shape: list[int], data: Any) -> dict[str, Any]:
    return {"name": name, "datatype": datatype, "shape": shape, "data": data}


def _columns(**override: dict[str, Any]) -> dict[str, Any]:
    first = rows(2)
    inputs = [_tensor(f, "FP64", [2], [r[f] for r in first]) for f in FEATURES]
    return {"inputs": [override.get(t["name"], t) for t in inputs]}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "not valid JSON"),
        ({"inputs": []}, "inputs must be a non-empty list"),
        (_columns(mean_radius=_tensor("mean_radius", "BYTES", [2], ["a", "b"])), "'mean_radius' row 0: must be a"),
        (_columns(mean_radius=_tensor("mean_radius", "FP64", [2], ["a", "b"])), "'mean_radius' element 0"),
        (_columns(mean_radius=_tensor("mean_radius", "FP64", [3], [1.0, 2.0])), "'mean_radius': shape [3] needs 3"),
        (_columns(mean_radius=_tensor("mean_radius", "FP64", [3], [1.0, 2.0, 3.0])), "'mean_texture': 2 rows, other"),
        (_columns(mean_radius=_tensor("mean_radius", "FP128", [2], [1.0, 2.0])), "unknown datatype 'FP128'"),
        (_columns(mean_radius=_tensor("mean_radius", "FP64", [2, 2], [1, 2, 3, 4])), "is not [N] or [N, 1]"),
        (_columns(mean_radius=_tensor("mean_radius", "FP64", [2], [float("nan"), 1.0])), "nan is not a finite"),
        (_columns(mean_radius=_tensor("colour", "FP64", [2], [1.0, 2.0])), "unknown input tensor 'colour'"),
        ({"inputs": [_tensor("input", "FP64", [1, 3], [1.0, 2.0, 3.0])]}, "is not [N, 30]"),
        (_columns() | {"outputs": [{"name": "scores"}]}, "unknown output tensor 'scores'"),
        (_columns() | {"parameters": {"routing_key": 5}}, "routing_key must be a string"),
    ],
)
def test_oip_bad_requests_are_400_naming_the_tensor(team, v1, body, needle):
    deploy(team)
    message = error(_raw(team.client("editor"), body), 400)
    assert needle in message
    assert PredictionLog.objects.count() == 0


def test_oip_missing_feature_and_binary_nan(team, v1):
    deploy(team)
    client = team.client("editor")
    message = error(_raw(client, {"inputs": _columns()["inputs"][1:]}), 400)
    assert "missing input tensor 'mean_radius'" in message
    inputs = per_feature(2, binary=True)
    inputs[3].set_data_from_numpy(np.array([np.nan, 1.0]), binary_data=True)
    assert "input tensor 'mean_area' element 0: nan is not a finite number" in error(infer(client, inputs=inputs), 400)


def test_oip_unknown_routes_and_models_answer_in_the_protocol_shape(team, v1):
    deploy(team)
    client = team.client("editor")
    assert "No route matches" in error(client.get("/v2/models/api/nothing"), 404)
    assert "'nope' not found" in error(infer(client, model="nope"), 404)
    assert error(client.get("/v2/models/api/infer"), 405)


# --- authentication, permissions and the project --------------------------------------------------------------------


def test_oip_permissions_as_keel_predict(team, other_team, v1):
    deploy(team)
    assert error(infer(team.client("anonymous")), 401)
    assert error(team.client("anonymous").get("/v2/models/api"), 401)
    assert "'Predict'" in error(infer(team.client("viewer")), 403)
    assert result(infer(team.client("predictor")))
    assert error(infer(other_team.client("predictor")), 404)  # its own project has no 'api'
    assert error(infer(other_team.client("owner"), X_KEEL_PROJECT=team.project.slug), 404)  # not a member
    assert error(team.client("outsider").get("/v2/models/api"), 404)  # belongs to no project


def test_oip_project_from_header_when_the_caller_has_several(team, other_team, v1):
    deploy(team)
    editor = team.users["editor"]
    MembershipFactory(project=other_team.project, user=editor, role=Role.VIEWER)
    assert Membership.objects.filter(user=editor).count() == 2
    client = team.client("editor")
    assert "X-Keel-Project" in error(infer(client), 400)
    assert result(infer(client, X_KEEL_PROJECT=team.project.slug))


def test_oip_warm_infer_costs_a_fixed_number_of_queries(team, v1, django_assert_max_num_queries):
    deploy(team)
    client = team.client("predictor")
    result(infer(client))  # cold: loads the model and the routing table
    with django_assert_max_num_queries(3):  # token, membership, log insert (as .../predict)
        result(infer(client, inputs=per_feature(5), X_KEEL_PROJECT=team.project.slug))
    with django_assert_max_num_queries(4):  # and the project of the token
        result(infer(client, inputs=per_feature(5)))
