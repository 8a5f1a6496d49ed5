from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "request_id"}


def test_unknown_api_route_is_problem_json(team):
    response = team.client("viewer").get("/api/v1/nope/")
    assert response.status_code == 404
    assert set(response.json()) >= PROBLEM_KEYS


def test_method_not_allowed_is_problem_json(team):
    response = team.client("owner").put(f"/api/v1/projects/{team.project.slug}/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_validation_error_names_each_field(team):
    response = team.client("viewer").post("/api/v1/projects/", {"name": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert {e["field"] for e in body["errors"]} == {"slug", "name"}


def test_malformed_json_is_400(team):
    response = team.client("viewer").generic("POST", "/api/v1/projects/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_request_id_is_minted_or_echoed(team):
    minted = team.client("viewer").get("/api/v1/projects/")
    assert len(minted["X-Request-ID"]) == 32
    hostile = team.client("viewer").get("/api/v1/projects/", HTTP_X_REQUEST_ID="bad id\n<script>")
    assert hostile["X-Request-ID"] != "bad id\n<script>"


def test_throttling_answers_429_with_retry_after(settings, team):
    from core.throttling import UserThrottle

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    original = UserThrottle.THROTTLE_RATES
    UserThrottle.THROTTLE_RATES = {**original, "user": "3/min"}
    try:
        client = team.client("viewer")
        statuses = [client.get("/api/v1/projects/").status_code for _ in range(5)]
    finally:
        UserThrottle.THROTTLE_RATES = original
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    last = client.get("/api/v1/projects/")
    assert last.status_code in (200, 429)


def test_throttled_response_shape(team):
    from core.throttling import UserThrottle

    original = UserThrottle.THROTTLE_RATES
    UserThrottle.THROTTLE_RATES = {**original, "user": "1/min"}
    try:
        client = team.client("viewer")
        client.get("/api/v1/projects/")
        response = client.get("/api/v1/projects/")
    finally:
        UserThrottle.THROTTLE_RATES = original
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled"


def test_lists_are_paginated(team):
    body = team.client("viewer").get(f"/api/v1/projects/{team.project.slug}/members/?page_size=2").json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert len(body["results"]) == 2
    assert body["count"] == 5  # four people and the service account


def test_anonymous_gets_401_problem():
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("error", ["database", "redis"])
def test_backing_service_outage_is_503_with_retry_after(team, monkeypatch, error):
    from django.db import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError

    from core import selectors

    def down(**kwargs):
        raise OperationalError("server closed the connection") if error == "database" else RedisConnectionError()

    monkeypatch.setattr(selectors, "project_get_for_user", down)
    response = team.client("viewer").get(f"/api/v1/projects/{team.project.slug}/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "unavailable"
