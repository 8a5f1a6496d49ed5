"""What a prediction leaves in the audit log, row by row, and how its inputs are checked, through the predict API:
one row per predicted row holding that row's inputs (the signature's features only), its label and class
probabilities and its out-of-range flags, for a single row, a batch written with one INSERT and a batch written
with COPY, on the process's group-commit writer; and the numbers a numeric feature accepts or refuses."""

from __future__ import annotations

import json

import pytest

from serving import prediction_log
from serving.models import PredictionLog
from tests.serving.conftest import deploy, predict, rows, url

ODD_KEY = 'tab\there, back\\slash, new\nline, "quoted", ünïcødé ✓, 100%'


def _outside(n: int, start: int = 0) -> list[dict[str, float | int]]:
    """``n`` rows of the breast-cancer data; every third row has two features beyond the training range, every
    fourth an integer value."""
    batch = rows(n, start=start)
    for index, row in enumerate(batch):
        if index % 3 == 0:
            row["mean_radius"] *= 10
            row["worst_area"] = -1.0
        if index % 4 == 0:
            row["mean_texture"] = int(row["mean_texture"])
    return batch


def _expected_flags(row: dict[str, float | int], signature: dict) -> list[str]:
    return [
        f"{f['name']} outside training range [{f['min']}, {f['max']}]"
        for f in signature["inputs"]
        if row[f["name"]] < f["min"] or row[f["name"]] > f["max"]
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [1, 10, 100])  # one row, a batch under COPY_ABOVE, a batch written with COPY
def test_each_predicted_row_is_logged_with_its_inputs_outputs_and_flags(team, v1, count):
    assert deploy(team).status_code == 201
    batch = _outside(count)
    written = prediction_log.writer().rows_written
    response = predict(
        team.client("predictor"),
        team,
        {"inputs": batch, "routing_key": ODD_KEY, "subject_id": ODD_KEY[::-1]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert prediction_log.writer().rows_written == written + count  # through the group-commit writer
    assert body["flags"] == [_expected_flags(row, v1.signature) for row in batch]
    assert body["flags"][0] and (count == 1 or not all(body["flags"]))
    logged = {str(r.prediction_id): r for r in PredictionLog.objects.filter(request_id=body["request_id"])}
    assert sorted(logged) == sorted(body["prediction_ids"]) and len(logged) == count
    for index, prediction_id in enumerate(body["prediction_ids"]):
        row = logged[prediction_id]
        assert row.inputs == batch[index]
        assert json.dumps(row.inputs["mean_texture"]) == json.dumps(batch[index]["mean_texture"])  # int stays int
        assert row.outputs == {
            "prediction": body["predictions"][index],
            "probabilities": dict(zip(map(str, body["classes"]), body["probabilities"][index], strict=True)),
        }
        assert row.flags == body["flags"][index]
        assert (row.routing_key, row.subject_id) == (ODD_KEY, ODD_KEY[::-1])
        assert row.caller.startswith("service:") and row.variant == "primary" and not row.is_error
        assert row.latency_ms == pytest.approx(body["latency_ms"] / count, rel=1e-3, abs=1e-3)
    assert len({r.created_at for r in logged.values()}) == 1


@pytest.mark.django_db(transaction=True)
def test_unknown_features_ignored_by_policy_are_not_logged(team, v1):
    assert deploy(team).status_code == 201
    team.client("maintainer").patch(url(team), {"policy": {"unknown_features": "ignore"}}, format="json")
    batch = rows(3)
    response = predict(team.client("predictor"), team, {"inputs": [batch[0] | {"extra": 1}, batch[1], batch[2]]})
    assert response.status_code == 200, response.content
    ids = response.json()["prediction_ids"]
    logged = {str(r.prediction_id): r.inputs for r in PredictionLog.objects.filter(prediction_id__in=ids)}
    assert [logged[i] for i in ids] == batch


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("true", "type"),
        ('"14.2"', "type"),
        ("null", "missing_value"),
        ("1e999", "not_finite"),
        ("1" + "0" * 400, "not_finite"),  # an integer beyond float range
        ("[1]", "type"),
    ],
)
def test_a_bad_number_in_any_row_of_a_batch_is_a_400_naming_row_and_field(team, v1, value, code):
    assert deploy(team).status_code == 201
    batch = rows(5)
    batch[3]["mean_area"] = "VALUE"
    text = json.dumps({"inputs": batch}).replace('"VALUE"', value)
    response = team.client("predictor").generic("POST", url(team, suffix="predict/"), text, "application/json")
    assert response.status_code == 400, response.content
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("inputs[3].mean_area", code)]
    assert not PredictionLog.objects.exists()


@pytest.mark.django_db
def test_integers_are_numbers_at_any_size_a_float_holds(team, v1):
    assert deploy(team).status_code == 201
    batch = rows(3)
    batch[0]["mean_area"] = 2**60  # beyond 2**53: still a finite number, and far out of range
    batch[1]["mean_area"] = -7
    response = predict(team.client("predictor"), team, {"inputs": batch})
    assert response.status_code == 200, response.content
    flags = response.json()["flags"]
    assert [f for f in flags[0] if f.startswith("mean_area")] and [f for f in flags[1] if f.startswith("mean_area")]
    logged = PredictionLog.objects.get(prediction_id=response.json()["prediction_ids"][0])
    assert logged.inputs["mean_area"] == 2**60
