from __future__ import annotations

import uuid

import pytest
from rest_framework.settings import api_settings

from tests.serving.conftest import deploy, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings, monkeypatch):
    def set_rates(**rates):
        merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}
        from rest_framework import throttling

        from core import throttling as keel_throttling

        for cls in (
            throttling.SimpleRateThrottle,
            keel_throttling.CounterThrottle,
            keel_throttling.AnonThrottle,
            keel_throttling.UserThrottle,
            keel_throttling.PredictThrottle,
        ):  # each class may hold its own copy (other tests assign it on a subclass)
            monkeypatch.setattr(cls, "THROTTLE_RATES", merged)

    yield set_rates
    api_settings.reload()


def test_user_scope_counts_per_caller_and_answers_429_with_retry_after(team, rates):
    rates(user="3/min")
    viewer, editor = team.client("viewer"), team.client("editor")
    codes = [viewer.get("/api/v1/projects/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = viewer.get("/api/v1/projects/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert editor.get("/api/v1/projects/").status_code == 200  # another caller has its own counter


def test_predict_has_its_own_scope(team, v1, rates):
    rates(user="2/min", predict="3/min")
    assert deploy(team).status_code == 201
    client = team.client("predictor")
    url = f"/api/v1/projects/{team.project.slug}/deployments/api/predict/"
    codes = [client.post(url, {"inputs": rows(1)}, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # 3 predictions although the API scope allows 2


def test_large_limits_are_claimed_in_blocks_and_never_exceeded():
    from django.core.cache import cache

    from core.throttling import Leases

    key = f"throttle:test:{uuid.uuid4().hex}:0"
    one, two = Leases(), Leases()  # two processes sharing the counter in Redis
    counts = [lease.count(key, 60, 300) for _ in range(160) for lease in (one, two)]
    assert len(set(counts)) == len(counts) == 320  # no count handed out twice
    assert sum(c <= 300 for c in counts) == 300  # exactly the limit admitted
    assert cache.get(key) == 324  # 54 claims of 3 counts by each process for its 160 requests
    small = [Leases().count(f"{key}:small", 60, 100) for _ in range(3)]
    assert small == [1, 2, 3]  # limits under 200 count every request in Redis
