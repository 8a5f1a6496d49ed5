"""Run search against the database (filter and order_by translation), over HTTP too, and run comparison."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import NotFound, ValidationFailed
from registry.models import Dataset, DatasetVersion
from registry.selectors.experiments import downsample, run_compare, run_search
from registry.services.experiments import (
    experiment_get_or_create,
    run_create,
    run_delete,
    run_log_batch,
    run_log_input,
    run_set_status,
)

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/projects/alpha/runs/"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def runs(team):
    """Four runs: rf (f1 .9, risk), gb (f1 .8, fraud), lr (f1 .6, NaN loss), bare (nothing logged)."""
    user = team.users["editor"]
    churn = experiment_get_or_create(project=team.project, name="churn", user=user)
    fraud = experiment_get_or_create(project=team.project, name="fraud", user=user)
    rf = _run(
        churn, user, "rf", 0, {"estimator": "random_forest", "lr": "0.1"}, {"f1": 0.9, "loss": 0.2}, {"team": "risk"}
    )
    gb = _run(churn, user, "gb", 1, {"estimator": "gradient_boosting", "lr": "0.05"}, {"f1": 0.8}, {"team": "fraud"})
    lr = _run(fraud, user, "lr", 2, {"estimator": "logistic", "C": "1"}, {"f1": 0.6, "loss": math.nan}, {})
    bare = run_create(experiment=fraud, user=team.users["maintainer"], name="bare", start_time=T0 + timedelta(days=3))
    run_set_status(run=rf, user=user, status="finished", end_time=T0 + timedelta(hours=5))
    run_set_status(run=gb, user=user, status="failed", end_time=T0 + timedelta(days=1, hours=1))
    return {"rf": rf, "gb": gb, "lr": lr, "bare": bare}


def _run(experiment, user, name, day, params, metrics, tags):
    run = run_create(
        experiment=experiment, user=user, name=name, start_time=T0 + timedelta(days=day), source="training"
    )
    points = [{"key": k, "value": v, "step": 1} for k, v in metrics.items()]
    run_log_batch(run=run, user=user, params=params, metrics=points, tags=tags)
    return run


def _names(team, filter_expression="", order_by=(), **kwargs):
    found = run_search(project=team.project, filter_expression=filter_expression, order_by=order_by, **kwargs)
    return [run.name for run in found]


# --- filter -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("", ["bare", "lr", "gb", "rf"]),
        ("metrics.f1 > 0.8", ["rf"]),
        ("metrics.f1 >= 0.8", ["gb", "rf"]),
        ("metrics.f1 < 0.8", ["lr"]),
        ("metrics.f1 <= 0.6", ["lr"]),
        ("metrics.f1 = 0.8", ["gb"]),
        ("metrics.f1 != 0.8", ["lr", "rf"]),
        ("metrics.loss < 1", ["rf"]),  # NaN never matches
        ("metrics.loss != 0.2", []),  # NaN never matches, and runs lacking the key do not either
        ("params.estimator = 'random_forest'", ["rf"]),
        ("params.estimator != 'random_forest'", ["lr", "gb"]),
        ("params.estimator LIKE '%boost%'", ["gb"]),
        ("params.estimator LIKE 'RANDOM%'", []),
        ("params.estimator ILIKE 'RANDOM%'", ["rf"]),
        ("params.estimator IN ('logistic', 'random_forest')", ["lr", "rf"]),
        ("params.estimator NOT IN ('logistic', 'random_forest')", ["gb"]),
        ("tags.team = 'risk'", ["rf"]),
        ("tags.team != 'risk'", ["gb"]),
        ("status = 'FINISHED'", ["rf"]),
        ("status IN ('running', 'failed')", ["bare", "lr", "gb"]),
        ("name LIKE '_b'", ["gb"]),
        ("experiment = 'fraud'", ["bare", "lr"]),
        ("user = 'alpha-maintainer'", ["bare"]),
        ("user != 'alpha-maintainer'", ["lr", "gb", "rf"]),
        ("source = 'manual'", ["bare"]),
        ("start_time >= '2024-01-02'", ["bare", "lr", "gb"]),
        ("start_time < 1704067200000", []),
        ("start_time <= 1704067200000", ["rf"]),
        ("end_time < '2024-01-02'", ["rf"]),
        ("end_time > '2023-01-01'", ["gb", "rf"]),  # running runs have no end_time
        ("metrics.f1 > 0.8 and params.estimator = 'random_forest' and tags.team = 'risk'", ["rf"]),
        ("metrics.f1 > 0.85 or tags.team = 'fraud'", ["gb", "rf"]),
        ("metrics.f1 < 0.7 or metrics.f1 > 0.85 and tags.team = 'fraud'", ["lr"]),
        ("(metrics.f1 < 0.7 or metrics.f1 > 0.85) and experiment = 'churn'", ["rf"]),
    ],
)
def test_run_search_filter(team, runs, expression, expected):
    assert _names(team, expression) == expected


def test_run_search_by_run_id_and_dataset(team, runs):
    rf = runs["rf"]
    assert _names(team, f"run_id = '{rf.run_id}'") == ["rf"]
    dataset = Dataset.objects.create(project=team.project, name="customers")
    version = DatasetVersion.objects.create(
        dataset=dataset, number=2, sha256="f" * 64, size=1, format="csv", row_count=1, column_count=1
    )
    run_log_input(run=runs["gb"], user=None, dataset_version=version, role="evaluation")
    assert _names(team, "datasets.name = 'customers' and datasets.version >= 2") == ["gb"]
    assert _names(team, "datasets.role = 'training'") == []


def test_run_search_with_backticked_keys(team, runs):
    run_log_batch(run=runs["bare"], user=None, metrics=[{"key": "val f1", "value": 0.5}], params={"a-b/c": "x"})
    assert _names(team, "metrics.`val f1` = 0.5 and params.`a-b/c` = 'x'") == ["bare"]


def test_run_search_like_escapes_and_regex_characters_are_literal(team, runs):
    run_log_batch(run=runs["bare"], user=None, params={"pattern": "a.b%(c)"})
    assert _names(team, r"params.pattern LIKE 'a.b\%(c)'") == ["bare"]
    assert _names(team, "params.pattern LIKE 'a_b%'") == ["bare"]
    assert _names(team, "params.pattern LIKE 'axb%'") == []


def test_run_search_scopes_lifecycle_and_experiments(team, runs):
    run_delete(run=runs["gb"], user=None)
    assert _names(team) == ["bare", "lr", "rf"]
    assert _names(team, lifecycle="deleted") == ["gb"]
    assert _names(team, lifecycle="all") == ["bare", "lr", "gb", "rf"]
    assert _names(team, experiments=["churn"]) == ["rf"]


def test_run_search_never_crosses_projects(team, other_team, runs):
    experiment = experiment_get_or_create(project=other_team.project, name="churn", user=None)
    run_create(experiment=experiment, user=None, name="theirs")
    assert "theirs" not in _names(team, lifecycle="all")


# --- order_by -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (["metrics.f1 DESC"], ["rf", "gb", "lr", "bare"]),
        (["metrics.f1 ASC"], ["lr", "gb", "rf", "bare"]),  # lacking the key sorts last either way
        (["metrics.loss"], ["rf", "bare", "lr", "gb"]),  # NaN sorts last (then newest first)
        (["params.lr DESC"], ["rf", "gb", "bare", "lr"]),  # params compare as strings
        (["tags.team"], ["gb", "rf", "bare", "lr"]),
        (["start_time"], ["rf", "gb", "lr", "bare"]),
        (["name DESC"], ["rf", "lr", "gb", "bare"]),
        (["end_time DESC"], ["gb", "rf", "bare", "lr"]),
        (["experiment, metrics.f1 DESC"], ["rf", "gb", "lr", "bare"]),
        (["experiment DESC", "metrics.f1"], ["lr", "bare", "gb", "rf"]),
    ],
)
def test_run_search_order_by(team, runs, order_by, expected):
    assert _names(team, order_by=order_by) == expected


def test_run_search_query_count_is_fixed(team, runs, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        list(run_search(project=team.project, filter_expression="metrics.f1 > 0", order_by=["metrics.f1 DESC"]))


# --- errors -------------------------------------------------------------------------------------------------------


def test_run_search_syntax_errors_name_the_field_position_and_token(team):
    with pytest.raises(ValidationFailed) as info:
        run_search(project=team.project, filter_expression="metrics.f1 > 0.8 and params.x == ")
    error = info.value.errors[0]
    assert (error["field"], error["position"], error["token"], error["code"]) == ("filter", 33, "", "syntax")
    with pytest.raises(ValidationFailed) as info:
        run_search(project=team.project, order_by=["metrics.f1 DESC", "params.x SIDEWAYS"])
    error = info.value.errors[0]
    assert (error["field"], error["position"], error["token"]) == ("order_by[1]", 9, "SIDEWAYS")


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_runs_list_with_filter_and_order_by(team, runs):
    response = team.client("viewer").get(
        RUNS, {"filter": "metrics.f1 >= 0.6 and tags.team != 'x' or status = 'running'", "order_by": "metrics.f1 DESC"}
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["name"] for r in body["results"]] == ["rf", "gb", "lr", "bare"]
    assert body["results"][0]["metrics"] == {"f1": 0.9, "loss": 0.2}
    assert body["results"][2]["metrics"] == {"f1": 0.6, "loss": None}


def test_api_runs_list_experiment_filter_accepts_repeats_and_commas(team, runs):
    client = team.client("viewer")
    assert client.get(f"{RUNS}?experiment=churn").json()["count"] == 2
    assert client.get(f"{RUNS}?experiment=churn,fraud").json()["count"] == 4
    assert client.get(f"{RUNS}?experiment=churn&experiment=fraud").json()["count"] == 4


def test_api_runs_list_is_paginated(team, runs):
    body = team.client("viewer").get(RUNS, {"page_size": 3, "order_by": "start_time"}).json()
    assert body["count"] == 4 and len(body["results"]) == 3 and body["next"]
    second = team.client("viewer").get(RUNS, {"page_size": 3, "order_by": "start_time", "page": 2}).json()
    assert [r["name"] for r in second["results"]] == ["bare"]


def test_api_malformed_filter_is_400_pointing_at_the_token(team):
    response = team.client("viewer").get(RUNS, {"filter": "metrics.f1 > 0.8 andd tags.a = 'x'"})
    assert response.status_code == 400
    body = response.json()
    error = body["errors"][0]
    assert (error["field"], error["position"], error["token"]) == ("filter", 17, "andd")
    assert "position 17" in body["detail"] and "andd" in body["detail"]


def test_api_runs_search_post(team, runs):
    body = {"filter": "params.estimator IN ('random_forest', 'logistic')", "order_by": ["metrics.f1 ASC"]}
    response = team.client("viewer").post(f"{RUNS}search", body, format="json")
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["lr", "rf"]
    bad = team.client("viewer").post(f"{RUNS}search", {"order_by": ["metrics.f1 UP"]}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "order_by"
    scoped = team.client("viewer").post(f"{RUNS}search", {"experiments": ["fraud"]}, format="json")
    assert scoped.json()["count"] == 2


def test_api_runs_search_is_a_read(team, runs):
    from core.models import AuditEvent

    before = AuditEvent.objects.count()
    assert team.client("viewer").post(f"{RUNS}search", {}, format="json").status_code == 200
    assert AuditEvent.objects.count() == before
    assert team.client("predictor").post(f"{RUNS}search", {}, format="json").status_code == 403


# --- compare ------------------------------------------------------------------------------------------------------


def test_run_compare_params_metrics_and_series(team, runs):
    rf, gb = runs["rf"], runs["gb"]
    run_log_batch(run=rf, user=None, metrics=[{"key": "f1", "value": 0.5, "step": 0}])
    comparison = run_compare(project=team.project, run_ids=[rf.run_id, gb.run_id])
    assert [run.name for run in comparison.runs] == ["rf", "gb"]
    params = {row["key"]: row for row in comparison.params}
    assert params["estimator"]["differs"] is True
    assert params["estimator"]["values"] == {rf.run_id: "random_forest", gb.run_id: "gradient_boosting"}
    assert params["lr"]["values"] == {rf.run_id: "0.1", gb.run_id: "0.05"}
    metrics = {m.key: m for m in comparison.metrics}
    f1 = {entry["run_id"]: entry for entry in metrics["f1"].runs}
    assert (f1[rf.run_id]["latest"], f1[rf.run_id]["min"], f1[rf.run_id]["max"]) == (0.9, 0.5, 0.9)
    assert [p["step"] for p in f1[rf.run_id]["points"]] == [0, 1]
    assert [entry["run_id"] for entry in metrics["loss"].runs] == [rf.run_id]


def test_run_compare_differs_is_false_for_equal_values_and_true_for_missing(team, runs):
    rf, gb, lr = runs["rf"], runs["gb"], runs["lr"]
    run_log_batch(run=gb, user=None, params={"seed": "1"})
    run_log_batch(run=rf, user=None, params={"seed": "1"})
    rows = {row["key"]: row for row in run_compare(project=team.project, run_ids=[rf.run_id, gb.run_id]).params}
    assert rows["seed"]["differs"] is False
    rows = {row["key"]: row for row in run_compare(project=team.project, run_ids=[rf.run_id, lr.run_id]).params}
    assert rows["C"]["values"] == {rf.run_id: None, lr.run_id: "1"} and rows["C"]["differs"] is True


def test_run_compare_validates_the_run_ids(team, runs, other_team):
    with pytest.raises(ValidationFailed):
        run_compare(project=team.project, run_ids=[runs["rf"].run_id])
    with pytest.raises(ValidationFailed):
        run_compare(project=team.project, run_ids=[f"{i:032x}" for i in range(51)])
    with pytest.raises(NotFound) as info:
        run_compare(project=team.project, run_ids=[runs["rf"].run_id, "0" * 32])
    assert "0" * 32 in info.value.detail


def test_run_compare_downsamples_long_series_and_filters_keys(team, runs):
    rf, gb = runs["rf"], runs["gb"]
    values = [math.sin(i / 10) for i in range(1000)]
    values[503] = 50.0  # a spike must survive downsampling
    run_log_batch(run=rf, user=None, metrics=[{"key": "curve", "value": v, "step": i} for i, v in enumerate(values)])
    comparison = run_compare(project=team.project, run_ids=[rf.run_id, gb.run_id], keys=["curve"], max_points=100)
    assert [m.key for m in comparison.metrics] == ["curve"]
    entry = comparison.metrics[0].runs[0]
    assert entry["total_points"] == 1000 and entry["downsampled"] is True and len(entry["points"]) <= 100
    steps = [p["step"] for p in entry["points"]]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == 999 and 503 in steps
    without = run_compare(project=team.project, run_ids=[rf.run_id, gb.run_id], keys=["curve"], series=False)
    assert "points" not in without.metrics[0].runs[0]


def test_downsample_keeps_short_series_and_handles_nan():
    points = [{"step": i, "value": None if i % 2 else float(i), "timestamp": i} for i in range(40)]
    assert downsample(points[:10], 10) == points[:10]
    kept = downsample(points, 10)
    assert len(kept) <= 10 and kept[0] is points[0] and kept[-1] is points[-1]
    nan_only = [{"step": i, "value": None, "timestamp": i} for i in range(40)]
    assert len(downsample(nan_only, 10)) <= 10


def test_run_compare_query_count_does_not_grow_with_runs(team, runs):
    ids = [run.run_id for run in runs.values()]
    with CaptureQueriesContext(connection) as queries:
        run_compare(project=team.project, run_ids=ids)
    assert len(queries) <= 4


def test_api_runs_compare(team, runs):
    ids = f"{runs['rf'].run_id},{runs['gb'].run_id}"
    response = team.client("viewer").get(f"{RUNS}compare", {"run_ids": ids, "keys": "f1", "max_points": 10})
    assert response.status_code == 200
    body = response.json()
    assert [r["name"] for r in body["runs"]] == ["rf", "gb"]
    assert [m["key"] for m in body["metrics"]] == ["f1"]
    first = body["metrics"][0]["runs"][0]
    assert {"run_id", "latest", "latest_step", "min", "max", "count", "points", "total_points", "downsampled"} <= set(
        first
    )
    assert any(row["key"] == "estimator" and row["differs"] for row in body["params"])
    assert team.client("viewer").get(f"{RUNS}compare", {"run_ids": runs["rf"].run_id}).status_code == 400
    assert team.client("viewer").get(f"{RUNS}compare").status_code == 400


def test_api_blank_query_parameters_mean_no_filter(team, runs):
    response = team.client("viewer").get(f"{RUNS}?filter=&order_by=&experiment=")
    assert response.status_code == 200 and response.json()["count"] == 4
    ids = f"{runs['rf'].run_id},{runs['gb'].run_id}"
    assert team.client("viewer").get(f"{RUNS}compare?run_ids={ids}&keys=").status_code == 200
    assert team.client("viewer").get("/api/v1/projects/alpha/experiments/?name=").status_code == 200
