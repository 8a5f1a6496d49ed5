"""Redis down, in one process: predictions continue, limits count per process, changes still reach the route, and
what could not be published is published when Redis returns. (The live, multi-process version of this is
tests/integration/test_redis_outage.py.)"""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCacheClient

from core import hotcache
from serving import runtime
from serving.models import Deployment
from tests.serving.conftest import deploy, predict, rows
from tests.serving.test_throttling import rates  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache backend pointed at a port nothing listens on; ``up()`` points it back."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("needs the Redis cache backend")
    backend = caches["default"]
    monkeypatch.setattr(hotcache.shared, "RETRY_SECONDS", 0.0)  # retry at once: no sleeping in tests
    dead = RedisCacheClient(["redis://127.0.0.1:1/0"], socket_connect_timeout=0.2, socket_timeout=0.2)
    real = backend._cache
    monkeypatch.setattr(backend, "_cache", dead)
    hotcache.stamps.forget()

    def up() -> None:
        monkeypatch.setattr(backend, "_cache", real)

    yield up
    up()
    hotcache.stamps.get("test:probe")  # one answered read ends the outage for the next test
    assert hotcache.shared.up


@pytest.fixture
def client(team, v1):
    assert deploy(team).status_code == 201
    client = team.client("predictor")
    assert predict(client, team, {"inputs": rows(1)}).status_code == 200
    return client


def test_predictions_continue_while_redis_is_down(team, client, redis_down):
    answers = [predict(client, team, {"inputs": rows(1)}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200], answers[0].json()
    assert not hotcache.shared.up and hotcache.shared.outages >= 1


def test_a_new_process_serves_with_redis_down(team, client, redis_down):
    runtime.routes.forget()
    hotcache.access.clear()
    assert predict(client, team, {"inputs": rows(1)}).status_code == 200


def test_rate_limits_count_per_process_while_redis_is_down(team, v1, rates, redis_down):  # noqa: F811
    rates(predict="3/min")
    assert deploy(team).status_code == 201
    client = team.client("predictor")
    codes = [predict(client, team, {"inputs": rows(1)}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_deploy_during_the_outage_reaches_other_processes_and_is_published_on_recovery(
    team, client, v2, redis_down, settings, django_capture_on_commit_callbacks
):
    settings.KEEL_STAMP_TTL = 0.0  # read the source on every request
    with django_capture_on_commit_callbacks(execute=True):  # the publish fails: Redis is down
        changed = team.client("maintainer").post(
            f"/api/v1/projects/{team.project.slug}/deployments/api/deploy/",
            {"strategy": "single", "model": "cancer", "version": 2},
            format="json",
        )
    assert changed.status_code == 200, changed.json()
    hotcache.stamps.forget()  # as another process would: no local copy of the stamp
    assert predict(client, team, {"inputs": rows(1)}).json()["model"]["version"] == 2

    redis_down()  # Redis is back: the first answered operation resynchronises
    assert predict(client, team, {"inputs": rows(1)}).status_code == 200
    deployment = Deployment.objects.get(project=team.project, name="api")
    assert cache.get(runtime.stamp_key(deployment.pk)) == deployment.current_revision_id
    assert hotcache.shared.up


def test_readyz_is_ready_but_warns_while_redis_is_down(client, redis_down):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert any("Redis" in warning for warning in body["warnings"])
