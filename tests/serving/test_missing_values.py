"""A null feature value at predict time: the deployment policy ``missing_values`` (or the signature's ``nullable``)
decides between a 400 naming the field and a prediction whose row lists the missing feature."""

from __future__ import annotations

import pytest

from registry.models import ModelVersion
from serving.models import PredictionLog
from tests.serving.conftest import deploy, predict, rows, url

pytestmark = pytest.mark.django_db

HINT = "missing value; set the deployment policy missing_values=allow to predict anyway"


def _with_null(n: int = 3, at: int = 1, feature: str = "mean_radius") -> list[dict]:
    batch = rows(n)
    batch[at][feature] = None
    return batch


def test_a_null_value_is_refused_by_default_naming_the_field(team, v1):
    assert deploy(team).status_code == 201
    response = predict(team.client("predictor"), team, {"inputs": _with_null()})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == f"inputs[1].mean_radius: {HINT}"
    assert body["errors"] == [{"field": "inputs[1].mean_radius", "message": HINT, "code": "missing_value"}]
    assert not PredictionLog.objects.exists()


def test_policy_allow_predicts_and_lists_the_missing_feature_in_the_answer_and_the_log(team, v1):
    assert deploy(team).status_code == 201
    patched = team.client("maintainer").patch(url(team), {"policy": {"missing_values": "allow"}}, format="json")
    assert patched.status_code == 200 and patched.json()["policy"]["missing_values"] == "allow"
    response = predict(team.client("predictor"), team, {"inputs": _with_null()})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["missing"] == [[], ["mean_radius"], []] and len(body["predictions"]) == 3
    logged = {str(r.prediction_id): r for r in PredictionLog.objects.all()}
    outputs = [logged[pid].outputs for pid in body["prediction_ids"]]
    assert [o.get("missing") for o in outputs] == [None, ["mean_radius"], None]
    assert logged[body["prediction_ids"][1]].inputs["mean_radius"] is None


def test_a_complete_request_has_no_missing_key(team, v1):
    assert deploy(team).status_code == 201
    team.client("maintainer").patch(url(team), {"policy": {"missing_values": "allow"}}, format="json")
    body = predict(team.client("predictor"), team, {"inputs": rows(2)}).json()
    assert "missing" not in body


def test_a_feature_the_signature_marks_nullable_is_allowed_by_default(team, v1):
    signature = dict(v1.signature)
    signature["inputs"] = [{**f, "nullable": f["name"] == "mean_radius"} for f in signature["inputs"]]
    ModelVersion.objects.filter(pk=v1.pk).update(signature=signature)
    assert deploy(team).status_code == 201
    client = team.client("predictor")
    allowed = predict(client, team, {"inputs": _with_null()})
    assert allowed.status_code == 200 and allowed.json()["missing"][1] == ["mean_radius"]
    other = predict(client, team, {"inputs": _with_null(feature="mean_texture")})
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "inputs[1].mean_texture"


def test_the_policy_value_is_checked(team, v1):
    assert deploy(team).status_code == 201
    response = team.client("maintainer").patch(url(team), {"policy": {"missing_values": "maybe"}}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"].endswith("missing_values")
