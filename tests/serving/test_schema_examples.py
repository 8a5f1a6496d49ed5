"""The OpenAPI schema's request examples are real requests: the server accepts them as they stand."""

from __future__ import annotations

import functools
import json

from drf_spectacular.generators import SchemaGenerator

from config.schema_examples import EXAMPLES
from core.roles import Role
from tests.serving.conftest import approved, deploy, url

PREDICT = "/api/v1/projects/{project}/deployments/{deployment}/predict/"
FEEDBACK = "/api/v1/projects/{project}/deployments/{deployment}/feedback/"
PLACEHOLDERS = ("6f1c2a0e-3b9d-4c57-9a1e-0d2b7c4e8f13", "a3e5c7d9-1b2f-4e6a-8c0d-2f4b6d8e0a1c")


@functools.cache
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _examples(path: str) -> dict:
    return _schema()["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"]


def test_every_predict_example_is_a_body_the_server_accepts(team):
    approved(team)
    assert deploy(team).status_code == 201
    client = team.client(Role.PREDICTOR)
    examples = _examples(PREDICT)
    assert "one_row" in examples and len(examples["one_row"]["value"]["inputs"][0]) == 30
    for name, example in examples.items():
        response = client.post(url(team, suffix="predict/"), example["value"], format="json")
        assert response.status_code == 200, (name, response.json())
        assert response.json()["predictions"] == [0], name  # the first row of the data is malignant (0)


def test_feedback_examples_are_accepted_for_real_prediction_ids(team):
    approved(team)
    assert deploy(team).status_code == 201
    client = team.client(Role.PREDICTOR)
    inputs = _examples(PREDICT)["one_row"]["value"]["inputs"]
    for name, example in _examples(FEEDBACK).items():
        ids = client.post(url(team, suffix="predict/"), {"inputs": inputs * 2}, format="json").json()["prediction_ids"]
        text = json.dumps(example["value"])
        for placeholder, prediction_id in zip(PLACEHOLDERS, ids, strict=True):
            text = text.replace(placeholder, prediction_id)
        response = client.post(url(team, suffix="feedback/"), json.loads(text), format="json")
        assert response.status_code in (200, 201), (name, response.json())


def test_every_example_names_an_operation_with_a_json_body():
    for path, method in EXAMPLES:
        operation = _schema()["paths"].get(path, {}).get(method, {})
        content = operation.get("requestBody", {}).get("content", {})
        assert "application/json" in content, f"{method.upper()} {path}: no such operation with a JSON body"
        assert content["application/json"]["examples"], (method, path)
