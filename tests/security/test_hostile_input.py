"""Hostile request bodies: every one is refused with a 4xx problem, quickly and without a server error.

Non-finite numbers, JSON nested 100,000 levels deep, invalid UTF-8, NUL characters, the wrong content type (415)
and JSON bodies over the limit (413), on the inference endpoint and on ordinary JSON endpoints of each app.
(Dataset and model file uploads over the limit are covered in tests/registry.)
"""

from __future__ import annotations

import pytest

from tests.registry.models_helpers import make_version
from tests.serving.conftest import deploy

pytestmark = pytest.mark.django_db

# Malformed JSON: always a 4xx.
BODIES = {
    "nan": b'{"name": NaN, "inputs": [{"mean_radius": NaN}]}',
    "infinity": b'{"name": -Infinity, "inputs": [{"mean_radius": Infinity}]}',
    "deep array": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "invalid utf-8": b'{"name": "\xff\xfe\xc3(", "inputs": [{"mean_radius": "\xff"}]}',
    "truncated": b'{"name": "a',
    "not json": b"\x00\x01\x02",
}
# Well-formed JSON with hostile values: never a 5xx (a lenient text field may take "inf" as text; numbers may not).
VALUES = {
    "overflow": b'{"name": 1e400, "threshold": 1e400, "value": -1e400, "inputs": [{"mean_radius": 1e400}]}',
    "huge integer": b'{"name": 9%s, "threshold": 9%s, "value": -9%s, "inputs": [{"mean_radius": -9%s}]}'
    % ((b"9" * 400,) * 4),
    "huge integer columns": b'{"columns": ["mean_radius"], "data": [[9%s]], "value": 9%s}' % ((b"9" * 400,) * 2),
    "nul": b'{"name": "a\\u0000b", "description": "\\u0000", "inputs": [{"mean_radius": "\\u0000"}]}',
    "nul in keys": b'{"name": "a", "tags": {"k\\u0000": "v"}, "params": {"\\u0000": "1"}, "inputs": [{"\\u0000": 1}]}',
    "lone surrogate": b'{"name": "\\udc80", "tags": {"k": "\\ud800"}, "inputs": [{"mean_radius": "\\udfff"}]}',
}


def _targets(team) -> list[tuple[str, str, str]]:
    slug = team.project.slug
    return [
        ("editor", "POST", f"/api/v1/projects/{slug}/deployments/api/predict/"),
        ("editor", "POST", f"/api/v1/projects/{slug}/deployments/api/feedback/"),
        ("owner", "PATCH", f"/api/v1/projects/{slug}/"),
        ("owner", "POST", "/api/v1/projects/"),
        ("owner", "POST", "/api/v1/tokens/"),
        ("editor", "POST", f"/api/v1/projects/{slug}/experiments/"),
        ("editor", "POST", f"/api/v1/projects/{slug}/runs/"),
        ("editor", "POST", f"/api/v1/projects/{slug}/models/"),
        ("viewer", "POST", f"/api/v1/projects/{slug}/runs/search"),
        ("editor", "POST", f"/api/v1/projects/{slug}/training-jobs/"),
        ("maintainer", "POST", f"/api/v1/projects/{slug}/deployments/"),
        ("maintainer", "POST", f"/api/v1/projects/{slug}/alert-rules/"),
        ("maintainer", "POST", f"/api/v1/projects/{slug}/webhooks/"),
    ]


@pytest.fixture
def served(team):
    from registry.models import ModelVersion

    version = make_version(team.project, team.users["editor"])
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    assert deploy(team).status_code == 201
    return team


def test_hostile_json_bodies_are_4xx_problems(served):
    team = served
    problems = []
    for role, method, url in _targets(team):
        client = team.client(role)
        client.raise_request_exception = False
        for name, body in BODIES.items():
            response = client.generic(method, url, body, content_type="application/json")
            if not 400 <= response.status_code < 500 or response.json().get("status") != response.status_code:
                problems.append(f"{name}: {method} {url} -> {response.status_code} {response.content[:120]!r}")
        for name, body in VALUES.items():
            response = client.generic(method, url, body, content_type="application/json")
            if response.status_code >= 500:
                problems.append(f"{name}: {method} {url} -> {response.status_code} {response.content[:120]!r}")
    assert not problems, "\n".join(problems)


def test_deep_nesting_is_a_parse_error_naming_the_cause(team):
    body = b"[" * 100_000 + b"]" * 100_000
    response = team.client("owner").generic("PATCH", f"/api/v1/projects/{team.project.slug}/", body, "application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - nested more than 64 levels deep")


def test_text_postgres_cannot_store_is_a_400_naming_the_field(team):
    """NUL and lone surrogates in dict keys and JSON fields, which DRF's CharField does not see (a 500 from
    jsonb before: found by the schema fuzz on a model's tags)."""
    from registry.models import RegisteredModel

    client = team.client("editor")
    url = f"/api/v1/projects/{team.project.slug}/models/"
    for body, field, problem in (
        (b'{"name": "m", "tags": {"a\\u0000b": "x"}}', "tags.a\\u0000b", "the key must not contain a NUL"),
        (b'{"name": "m", "tags": {"k": "x\\udc80"}}', "tags.k", "the value holds a lone UTF-16 surrogate"),
        (b'{"name": "m", "tags": {"\\ud800": "x"}}', "tags.\\ud800", "the key holds a lone UTF-16 surrogate"),
    ):
        response = client.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        [error] = response.json()["errors"]
        assert error["field"] == field and error["message"].startswith(problem), error
    assert not RegisteredModel.objects.filter(project=team.project).exists()

    # A valid surrogate pair is one character; an escaped backslash before "u0000" is plain text.
    body = b'{"name": "m", "tags": {"emoji": "\\ud83d\\ude00", "literal": "\\\\u0000"}}'
    response = client.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert RegisteredModel.objects.get(project=team.project, name="m").tags == {
        "emoji": "\U0001f600",
        "literal": "\\u0000",
    }


def test_nul_in_the_path_or_query_is_a_400_not_a_database_error(team):
    client = team.client("editor")
    client.raise_request_exception = False
    for url in (
        f"/api/v1/projects/{team.project.slug}/datasets/a%00b/",
        f"/api/v1/projects/{team.project.slug}/runs/?experiment=a%00b",
    ):
        response = client.get(url)
        assert response.status_code == 400, (url, response.content)
        assert "NUL" in response.json()["detail"]


def test_wrong_content_type_is_415_and_json_over_the_limit_is_413(served, settings):
    team = served
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    big = b'{"name": "' + b"x" * 8192 + b'"}'
    for role, method, url in _targets(team):
        client = team.client(role)
        client.raise_request_exception = False
        wrong = client.generic(method, url, b"name=x", content_type="text/plain")
        assert wrong.status_code == 415, (url, wrong.content)
        xml = client.generic(method, url, b"<name>x</name>", content_type="application/xml")
        assert xml.status_code == 415, (url, xml.content)
        too_big = client.generic(method, url, big, content_type="application/json")
        assert too_big.status_code == 413, (url, too_big.status_code, too_big.content[:200])


def test_date_times_with_offsets_postgres_refuses_are_normalised_to_utc(served):
    """Python accepts UTC offsets up to 23:59, PostgreSQL only up to 15:59: query date-times reach the database in
    UTC, and instants outside datetime's range are a 400 naming the parameter (found by the schema fuzz)."""
    slug = served.project.slug
    client = served.client("owner")
    client.raise_request_exception = False
    odd = "2000-05-03T08:41:20.73-23:11"  # 2000-05-04T07:52:20.73Z
    for url in (
        f"/api/v1/projects/{slug}/audit-events/?since={odd}",
        f"/api/v1/projects/{slug}/deployments/api/predictions/?since={odd}&until=3170-05-03T08:41:20-23:59",
        f"/api/v1/projects/{slug}/deployments/api/revisions/?at=3170-05-03T08:41:20-23:59",
        f"/api/v1/projects/{slug}/models/cancer/alias-history/?alias=champion&at={odd}",
    ):
        response = client.get(url.replace("+", "%2B"))
        assert response.status_code == 200, (url, response.content)
    events = client.get(f"/api/v1/projects/{slug}/audit-events/?since={odd}").json()["results"]
    assert events  # everything since 2000 in UTC: the project's own creation at least
    revisions = client.get(f"/api/v1/projects/{slug}/deployments/api/revisions/?at=2000-01-01T00:00:00-23:59")
    assert revisions.json()["results"] == []  # before the deployment existed, whatever the offset
    for url, name in (
        (f"/api/v1/projects/{slug}/audit-events/?until=9999-12-31T23:59:00-23:59", "until"),
        (f"/api/v1/projects/{slug}/deployments/api/revisions/?at=9999-12-31T23:59:00-23:59", "at"),
    ):
        response = client.get(url)
        assert response.status_code == 400, (url, response.content)
        assert name in response.content.decode()


# --- integers beyond float range, nesting past the depth limit (every JSON prefix) ---------------------------------

HUGE = int("9" * 400)


def _predict_rows(n: int = 2) -> list[dict[str, float]]:
    from tests.serving.conftest import rows

    return rows(n)


@pytest.mark.parametrize("sign", [1, -1])
def test_integers_beyond_float_range_in_predict_rows_are_a_400_naming_the_field(served, sign):
    from serving.models import PredictionLog

    url = f"/api/v1/projects/{served.project.slug}/deployments/api/predict/"
    client = served.client("editor")
    client.raise_request_exception = False
    first, second = _predict_rows()
    second["mean_radius"] = sign * HUGE
    columns = list(first)
    for body, field in (
        ({"inputs": [first, second]}, "inputs[1].mean_radius"),
        ({"columns": columns, "data": [list(first.values()), list(second.values())]}, "inputs[1].mean_radius"),
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, response.content[:300]
        errors = response.json()["errors"]
        assert [e["field"] for e in errors] == [field], errors
        assert "finite number" in errors[0]["message"]
    assert PredictionLog.objects.count() == 0


def _oip_columns(**override: dict) -> dict:
    first = _predict_rows()
    inputs = [{"name": f, "datatype": "FP64", "shape": [2], "data": [r[f] for r in first]} for f in first[0]]
    return {"inputs": [override.get(t["name"], t) for t in inputs]}


@pytest.mark.parametrize(
    ("datatype", "values", "needle"),
    [
        ("FP64", [1.0, HUGE], "input tensor 'mean_radius' element 1: the integer is beyond the range of FP64"),
        ("FP64", [-HUGE, 1.0], "input tensor 'mean_radius' element 0: the integer is beyond the range of FP64"),
        ("INT64", [1, HUGE], "input tensor 'mean_radius' element 1: the integer is beyond the range of INT64"),
        ("INT64", [-(2**63) - 1, 1], "input tensor 'mean_radius' element 0: the integer is beyond the range of INT64"),
        ("INT64", [2**63, 1], "input tensor 'mean_radius' element 0: the integer is beyond the range of INT64"),
        ("UINT8", [256, 1], "input tensor 'mean_radius' element 0: the integer is beyond the range of UINT8"),
        ("UINT64", [-1, 1], "input tensor 'mean_radius' element 0: the integer is beyond the range of UINT64"),
    ],
)
def test_oip_integers_beyond_the_tensor_range_are_a_400_naming_the_tensor(served, datatype, values, needle):
    from serving.models import PredictionLog

    body = _oip_columns(mean_radius={"name": "mean_radius", "datatype": datatype, "shape": [2], "data": values})
    client = served.client("editor")
    client.raise_request_exception = False
    response = client.post("/v2/models/api/infer", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert needle in response.json()["error"], response.json()
    assert PredictionLog.objects.count() == 0
    # The same tensor within range is predicted (the bound is the type's, not an arbitrary one).
    fine = [2.0, 1.0] if datatype.startswith("FP") else [2, 1]
    body = _oip_columns(mean_radius={"name": "mean_radius", "datatype": datatype, "shape": [2], "data": fine})
    assert client.post("/v2/models/api/infer", body, format="json").status_code == 200


def _nested(depth: int) -> bytes:
    return b'{"name": "n", "inputs": ' + b"[" * depth + b"]" * depth + b"}"


def test_json_nested_past_the_limit_is_a_400_in_each_prefix_shape(served, settings):
    """On every JSON prefix: past KEEL_MAX_JSON_DEPTH (well short of Python's recursion limit) and 100,000 deep."""
    slug = served.project.slug
    limit = settings.KEEL_MAX_JSON_DEPTH
    client = served.client("maintainer")
    client.raise_request_exception = False
    targets = [
        (f"/api/v1/projects/{slug}/models/", lambda body: body["detail"]),
        (f"/api/v1/projects/{slug}/deployments/api/predict/", lambda body: body["detail"]),
        ("/api/2.0/mlflow/experiments/create", lambda body: f"{body['error_code']}: {body['message']}"),
        ("/api/2.0/mlflow/registered-models/create", lambda body: f"{body['error_code']}: {body['message']}"),
        ("/v2/models/api/infer", lambda body: body["error"]),
    ]
    for url, message in targets:
        for depth in (limit, 100_000):  # {"inputs": [[...]]}: one more level than the brackets
            response = client.post(url, _nested(depth), content_type="application/json")
            assert response.status_code == 400, (url, depth, response.status_code, response.content[:200])
            text = message(response.json())
            assert f"nested more than {limit} levels deep" in text and "KEEL_MAX_JSON_DEPTH" in text, (url, text)
    # Brackets inside strings are text, not nesting.
    body = b'{"name": "deep", "description": "' + b"[{" * 500 + b'"}'
    assert client.post(f"/api/v1/projects/{slug}/models/", body, content_type="application/json").status_code == 201


def test_json_nesting_within_the_limit_is_parsed(served, settings):
    settings.KEEL_MAX_JSON_DEPTH = 8
    slug = served.project.slug
    client = served.client("maintainer")
    tags = b'{"name": "m8", "tags": {"a": "[[[[[[[[[[\\"]]]"}}'  # depth 2, brackets in a string with an escaped quote
    assert client.post(f"/api/v1/projects/{slug}/models/", tags, content_type="application/json").status_code == 201
    response = client.post(f"/api/v1/projects/{slug}/models/", _nested(8), content_type="application/json")
    assert response.status_code == 400 and "more than 8 levels" in response.json()["detail"]
    response = client.post(f"/api/v1/projects/{slug}/models/", _nested(7), content_type="application/json")
    assert response.status_code == 201, response.content  # eight levels: the object and seven lists


# --- datasets too wide to profile on a web thread ----------------------------------------------------------------


def test_a_csv_with_100000_columns_is_refused_from_its_header_naming_the_limit(team, settings):
    import time

    from registry.models import DatasetVersion
    from tests.registry.datasets_helpers import upload

    assert settings.KEEL_MAX_COLUMNS == 2000
    width = 100_000
    data = (",".join(f"c{i}" for i in range(width)) + "\n" + ",".join(["1"] * width) + "\n").encode()
    assert len(data) > 800_000
    started = time.perf_counter()
    response = upload(team.client("editor"), team.project.slug, "wide", data, "wide.csv")
    elapsed = time.perf_counter() - started
    assert response.status_code == 413, response.content[:300]
    problem = response.json()
    assert "100000 columns" in problem["detail"] and "2000 (KEEL_MAX_COLUMNS)" in problem["detail"], problem
    assert problem["errors"][0]["field"] == "file" and problem["errors"][0]["code"] == "too_many_columns"
    assert elapsed < 5, f"refusing took {elapsed:.1f} s: the header alone should decide"
    assert not DatasetVersion.objects.filter(dataset__name="wide").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_column_limit_is_a_setting_on_csv_and_parquet(team, settings, fmt):
    import pandas as pd

    from tests.registry.datasets_helpers import csv_bytes, parquet_bytes, upload

    settings.KEEL_MAX_COLUMNS = 3
    encode = csv_bytes if fmt == "csv" else parquet_bytes
    client = team.client("editor")
    four = encode(pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": [5, 6], "d": [7, 8]}))
    response = upload(client, team.project.slug, "narrow", four, f"four.{fmt}")
    assert response.status_code == 413 and "4 columns; the limit is 3" in response.json()["detail"], response.content
    three = encode(pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": [5, 6]}))
    assert upload(client, team.project.slug, "narrow", three, f"three.{fmt}").status_code == 201


@pytest.fixture
def with_a_broker():
    """Celery as in production: tasks are queued, not run inline."""
    from config.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def test_profiling_runs_after_commit_off_the_request_and_readers_answer_409_until_it_is_ready(
    team, monkeypatch, with_a_broker
):
    """With a broker (not eager) the upload returns with profile_status pending; the profile, the diff and rule
    generation answer a 409 naming the status until the task has run, then the profile is there."""
    from django.test import TestCase

    from config.celery import app as celery_app
    from registry import tasks
    from registry.models import DatasetVersion
    from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

    queued: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(celery_app, "send_task", lambda name, args=None, **kwargs: queued.append((name, args)))
    slug, client = team.project.slug, team.client("editor")
    base = f"/api/v1/projects/{slug}/datasets/iris/versions/1/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = upload(client, slug, "iris", csv_bytes(iris_like()), "iris.csv")
    assert response.status_code == 201, response.content
    assert response.json()["profile_status"] == "pending"
    version = DatasetVersion.objects.get(dataset__name="iris")
    assert queued == [("registry.dataset_version_profile", [version.pk])]
    for url in (f"{base}profile/", f"{base}profile/?include_sample=true"):
        pending = client.get(url)
        assert pending.status_code == 409, (url, pending.content)
        assert "still being computed (profile_status: pending)" in pending.json()["detail"]
    rules_url = f"/api/v1/projects/{slug}/datasets/iris/rules/generate/"
    rules = client.post(rules_url, {"reference_version": 1}, format="json")
    assert rules.status_code == 409 and "profile_status: pending" in rules.json()["detail"], rules.content

    assert tasks.dataset_version_profile(version.pk) == "ready"
    assert tasks.dataset_version_profile(version.pk) == "ready"  # a redelivered task does nothing
    assert client.get(base).json()["profile_status"] == "ready"
    profile = client.get(f"{base}profile/")
    assert profile.status_code == 200 and {c["name"] for c in profile.json()["columns"]} >= {"sepal", "target"}


def test_in_eager_mode_the_profile_is_ready_when_the_upload_returns(team):
    from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

    slug, client = team.project.slug, team.client("editor")
    response = upload(client, slug, "iris", csv_bytes(iris_like()), "iris.csv")
    assert response.status_code == 201 and response.json()["profile_status"] == "ready"
    assert client.get(f"/api/v1/projects/{slug}/datasets/iris/versions/1/profile/").status_code == 200


def test_a_profile_that_fails_leaves_the_version_usable_and_its_readers_answer_409(team, monkeypatch):
    from registry import tabular
    from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

    def broken(*args, **kwargs):
        raise MemoryError("profile too large")

    monkeypatch.setattr(tabular, "profile_frame", broken)
    slug, client = team.project.slug, team.client("editor")
    response = upload(client, slug, "iris", csv_bytes(iris_like()), "iris.csv")
    assert response.status_code == 201 and response.json()["profile_status"] == "failed", response.content
    failed = client.get(f"/api/v1/projects/{slug}/datasets/iris/versions/1/profile/")
    assert failed.status_code == 409 and "Profiling alpha/iris@v1 failed" in failed.json()["detail"], failed.content
