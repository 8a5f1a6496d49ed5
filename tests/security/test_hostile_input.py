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
    assert response.json()["detail"] == "JSON parse error - nested too deeply"


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
