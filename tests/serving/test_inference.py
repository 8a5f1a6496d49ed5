from __future__ import annotations

import json
import uuid

import pytest
from django.db import DatabaseError

from core.models import AuditEvent
from serving import inference
from serving.models import Feedback, PredictionLog
from tests.serving.conftest import deploy, labels, predict, rows, url

pytestmark = pytest.mark.django_db


def test_create_deployment_roles_and_approval(team, v1):
    assert deploy(team, role="editor").status_code == 403
    created = deploy(team)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["revision"]["number"] == 1
    assert body["revision"]["variants"] == [
        {"name": "primary", "model": "cancer", "version": 1, "alias": "", "role": "primary", "weight": 100.0}
    ]
    assert deploy(team).status_code == 409  # name taken


def test_unapproved_version_cannot_be_deployed(team):
    from tests.registry.models_helpers import make_version

    make_version(team.project, team.users["editor"])
    refused = deploy(team)
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "not_servable"


def test_predict_single_and_batch_with_audit_rows(team, v1):
    deploy(team)
    client = team.client("predictor")
    single = predict(client, team, {"inputs": rows(1)})
    assert single.status_code == 200, single.content
    body = single.json()
    assert body["variant"] == "primary" and body["model"] == {"name": "cancer", "version": 1}
    assert body["predictions"] == [0] and body["classes"] == [0, 1]
    assert len(body["probabilities"][0]) == 2 and abs(sum(body["probabilities"][0]) - 1) < 1e-6
    batch = predict(client, team, {"inputs": rows(50, start=10)}).json()
    assert len(batch["predictions"]) == len(batch["prediction_ids"]) == 50
    assert PredictionLog.objects.filter(shadow=False).count() == 51
    log = PredictionLog.objects.get(prediction_id=body["prediction_ids"][0])
    assert log.request_id == body["request_id"] and log.caller.startswith("service:sa.alpha.app")
    assert log.inputs == rows(1)[0] and log.outputs["prediction"] == 0
    assert not AuditEvent.objects.filter(path__endswith="/predict/").exists()  # data plane: the log is the audit


def test_columnar_form_and_explanations(team, v1):
    deploy(team)
    first = rows(10)
    columns = list(first[0])
    response = predict(
        team.client("editor"),
        team,
        {"columns": columns, "data": [[r[c] for c in columns] for r in first], "explain": True},
    )
    assert response.status_code == 200, response.content
    explanations = response.json()["explanations"]
    assert len(explanations) == 10 and set(explanations[0]) == set(columns)
    assert any(abs(v) > 1e-4 for row in explanations for v in row.values())


@pytest.mark.parametrize(
    ("mutate", "field", "code"),
    [
        (lambda r: r.pop("mean_radius"), "inputs[0].mean_radius", "missing_feature"),
        (lambda r: r.update(extra=1), "inputs[0].extra", "unknown_feature"),
        (lambda r: r.update(mean_radius="big"), "inputs[0].mean_radius", "type"),
        (lambda r: r.update(mean_radius=True), "inputs[0].mean_radius", "type"),
    ],
)
def test_bad_rows_are_400_per_row_and_field(team, v1, mutate, field, code):
    deploy(team)
    row = rows(1)[0]
    mutate(row)
    response = predict(team.client("editor"), team, {"inputs": [rows(1)[0], row][::-1]})
    assert response.status_code == 400, response.content
    assert {"field": field, "message": response.json()["errors"][0]["message"], "code": code} in response.json()[
        "errors"
    ]
    assert not PredictionLog.objects.exists()


def test_malformed_payloads_are_400(team, v1):
    deploy(team)
    client = team.client("editor")
    nan = client.generic(
        "POST", url(team, suffix="predict/"), '{"inputs": [{"mean_radius": NaN}]}', content_type="application/json"
    )
    assert nan.status_code == 400
    infinity = client.generic(
        "POST", url(team, suffix="predict/"), '{"inputs": [{"a": Infinity}]}', content_type="application/json"
    )
    assert infinity.status_code == 400
    huge = json.dumps({"inputs": rows(1)}).replace(str(rows(1)[0]["mean_radius"]), "1e400", 1)
    overflow = client.generic("POST", url(team, suffix="predict/"), huge, content_type="application/json")
    assert overflow.status_code == 400 and overflow.json()["errors"][0]["code"] == "not_finite"
    ragged = predict(client, team, {"columns": ["a", "b"], "data": [[1, 2], [3]]})
    assert ragged.status_code == 400 and ragged.json()["errors"][0]["code"] == "ragged"
    assert predict(client, team, {}).status_code == 400
    assert predict(client, team, {"inputs": rows(1) * 1001}).json()["errors"][0]["code"] == "too_many_rows"
    wrong_type = client.post(url(team, suffix="predict/"), "a=1", content_type="application/x-www-form-urlencoded")
    assert wrong_type.status_code == 415
    assert not PredictionLog.objects.exists()


def test_unknown_features_ignored_by_policy(team, v1):
    deploy(team)
    team.client("maintainer").patch(url(team), {"policy": {"unknown_features": "ignore"}}, format="json")
    response = predict(team.client("editor"), team, {"inputs": [rows(1)[0] | {"extra": 1}]})
    assert response.status_code == 200, response.content


def test_roles_on_the_data_plane(team, other_team, v1):
    deploy(team)
    assert predict(team.client("viewer"), team, {"inputs": rows(1)}).status_code == 403
    assert predict(other_team.client("owner"), team, {"inputs": rows(1)}).status_code == 404
    assert team.client("predictor").get(url(team)).status_code == 403
    assert predict(team.client("anonymous"), team, {"inputs": rows(1)}).status_code == 401


def test_prediction_is_not_returned_when_its_audit_write_fails(team, v1, monkeypatch):
    deploy(team)

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(PredictionLog.objects, "bulk_create", broken)
    response = predict(team.client("editor"), team, {"inputs": rows(3)})
    assert response.status_code == 503
    assert "predictions" not in response.json()


def test_audit_rows_equal_successful_predictions(team, v1):
    deploy(team)
    client = team.client("editor")
    served = 0
    for i in range(20):
        payload = {"inputs": rows(1 + i % 3, start=i)} if i % 4 else {"inputs": [{"bad": 1}]}
        response = predict(client, team, payload)
        served += len(response.json()["predictions"]) if response.status_code == 200 else 0
    assert served > 0 and PredictionLog.objects.count() == served


def test_feedback_single_batch_duplicate_and_overwrite(team, v1):
    deploy(team)
    ids = predict(team.client("predictor"), team, {"inputs": rows(3)}).json()["prediction_ids"]
    truth = labels(3)
    client = team.client("predictor")
    single = client.post(url(team, suffix="feedback/"), {"prediction_id": ids[0], "value": truth[0]}, format="json")
    assert single.status_code == 201 and single.json() == {"recorded": 1}
    batch = client.post(
        url(team, suffix="feedback/"),
        {"items": [{"prediction_id": i, "value": v} for i, v in zip(ids[1:], truth[1:], strict=True)]},
        format="json",
    )
    assert batch.json() == {"recorded": 2}
    again = client.post(url(team, suffix="feedback/"), {"prediction_id": ids[0], "value": 1}, format="json")
    assert again.status_code == 409
    overwrite = client.post(
        url(team, suffix="feedback/"), {"prediction_id": ids[0], "value": 1, "overwrite": True}, format="json"
    )
    assert overwrite.status_code == 201
    history = Feedback.objects.filter(prediction_id=ids[0]).order_by("id")
    assert [(f.value, f.is_current) for f in history] == [(truth[0], False), (1, True)]
    unknown = client.post(
        url(team, suffix="feedback/"),
        {"prediction_id": "00000000-0000-0000-0000-000000000000", "value": 1},
        format="json",
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == "unknown_prediction"


def test_prediction_log_list_filters_and_export(team, v1):
    deploy(team)
    client = team.client("editor")
    predict(client, team, {"inputs": rows(3), "routing_key": "cust-1"})
    predict(client, team, {"inputs": rows(2)})
    listing = team.client("viewer").get(url(team, suffix="predictions/"), {"routing_key": "cust-1"}).json()
    assert len(listing["results"]) == 3 and "next" in listing
    export = team.client("viewer").get(url(team, suffix="predictions/export/"))
    lines = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(lines) == 5 and json.loads(lines[0])["variant"] == "primary"
    csv_export = team.client("viewer").get(url(team, suffix="predictions/export/"), {"format": "csv"})
    assert b"".join(csv_export.streaming_content).decode().count("\n") == 6


def test_warm_predict_costs_a_fixed_number_of_queries(team, v1, django_assert_num_queries):
    deploy(team)
    client = team.client("predictor")
    predict(client, team, {"inputs": rows(1)})  # cold: loads the model and the routing table
    with django_assert_num_queries(1):  # the log insert: token, membership and routing come from process caches
        assert predict(client, team, {"inputs": rows(5)}).status_code == 200


def test_warm_feedback_reads_access_from_the_process_cache(team, v1, django_assert_max_num_queries):
    deploy(team)
    client = team.client("predictor")
    first = predict(client, team, {"inputs": rows(2)}).json()["prediction_ids"]
    base = f"/api/v1/projects/{team.project.slug}/deployments/api/feedback/"
    assert client.post(base, {"prediction_id": first[0], "value": 1}, format="json").status_code == 201
    with django_assert_max_num_queries(9) as captured:
        assert client.post(base, {"prediction_id": first[1], "value": 0}, format="json").status_code == 201
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "core_apitoken" not in sql and "core_membership" not in sql


def test_readiness(team, v1):
    deploy(team)
    ready = team.client("viewer").get(url(team, suffix="ready/"))
    assert ready.status_code == 200 and ready.json()["ready"] is True


@pytest.mark.django_db(transaction=True)
def test_log_write_reconnects_once_when_the_connection_died(team, v1, settings):
    """The database restarted since this process last used its connection (Django's own, on the per-request path):
    the insert reconnects and succeeds."""
    from django.db import connection

    from serving.models import PredictionLog

    settings.KEEL_PREDICTION_LOG_GROUP_COMMIT = False
    deploy(team)
    client = team.client("predictor")
    assert predict(client, team, {"inputs": rows(1)}).status_code == 200
    connection.ensure_connection()
    connection.connection.close()  # the server side is gone; Django still holds the wrapper
    response = predict(client, team, {"inputs": rows(2)})
    assert response.status_code == 200
    assert PredictionLog.objects.filter(prediction_id__in=response.json()["prediction_ids"]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_group_commit_writer_reconnects_once_when_its_backend_was_killed(team, v1):
    """The prediction log's own connection (group commit) is terminated on the server: the next write reopens it
    once and succeeds, and the rows are there."""
    from django.db import connection

    from serving import prediction_log
    from serving.models import PredictionLog

    deploy(team)
    client = team.client("predictor")
    assert predict(client, team, {"inputs": rows(1)}).status_code == 200
    writer = prediction_log.writer()
    backend = writer._conn.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    response = predict(client, team, {"inputs": rows(2)})
    assert response.status_code == 200, response.json()
    assert writer._conn.info.backend_pid != backend
    assert PredictionLog.objects.filter(prediction_id__in=response.json()["prediction_ids"]).count() == 2


def test_served_trained_model_runs_on_onnx_runtime_with_scikit_learn_answers(team, v1, settings):
    """The trained cancer pipeline agreed with ONNX at registration, so ONNX Runtime serves it, with the plain
    answers; with the engine switched off, scikit-learn serves it and answers the same."""
    import numpy as np

    from registry.engine import frame
    from serving import runtime

    assert v1.capabilities["engine"] == "onnxruntime" and v1.capabilities["parity"]["label_mismatches"] == 0
    deploy(team)
    batch = rows(20, start=100)
    body = predict(team.client("predictor"), team, {"inputs": batch}).json()
    loaded = runtime.models.get(v1)
    assert loaded.engine == "onnxruntime"
    plain = loaded.pipeline.predict_proba(frame(batch, v1.signature))
    np.testing.assert_allclose(body["probabilities"], plain, atol=1e-6)
    assert body["predictions"] == loaded.pipeline.predict(frame(batch, v1.signature)).tolist()
    assert body["classes"] == loaded.pipeline.classes_.tolist()
    settings.KEEL_SERVING_FAST_PATH = False
    runtime.models.clear()
    plain_body = predict(team.client("predictor"), team, {"inputs": batch}).json()
    assert runtime.models.get(v1).engine == "sklearn"
    assert plain_body["predictions"] == body["predictions"]
    np.testing.assert_allclose(plain_body["probabilities"], body["probabilities"], atol=1e-6)


def test_skipping_the_prediction_log_is_refused_by_the_deploy_check(settings):
    from django.core import checks

    settings.KEEL_BENCH_SKIP_PREDICTION_LOG = True
    errors = [e for e in checks.run_checks(include_deployment_checks=True) if e.id == "keel.E001"]
    assert errors and "audit log" in errors[0].msg
    settings.KEEL_BENCH_SKIP_PREDICTION_LOG = False
    assert not [e for e in checks.run_checks(include_deployment_checks=True) if e.id == "keel.E001"]


def test_prediction_ids_are_random_version_4_uuids_as_str_spells_them():
    ids = inference.uuid4_strings(1000)
    parsed = [uuid.UUID(i) for i in ids]
    assert [str(u) for u in parsed] == ids and len(set(ids)) == 1000
    assert {u.version for u in parsed} == {4} and {u.variant for u in parsed} == {uuid.RFC_4122}
    assert len({i[19] for i in ids}) == 4 and len({i[0] for i in ids}) == 16  # the variant's 2 free bits vary
    assert inference.uuid4_strings(0) == []


@pytest.mark.parametrize("labels", [[0, 1, -7, 10**18], ["yes", 'say "no"'], [True, False], [0.5, 2.0]])
def test_logged_outputs_are_the_json_of_each_row(labels):
    result = {"predictions": labels, "classes": ["a", "b"], "probabilities": [[0.25, 0.75]] * len(labels)}
    texts = inference.outputs_json(result, [[] for _ in labels])
    assert texts == [json.dumps(inference._per_row(result, i, [])) for i in range(len(labels))]
