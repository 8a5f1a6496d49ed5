"""A Redis outage under predict load does not stop predictions: Redis is a cache, Postgres the record of truth.

A live gunicorn (2 workers) runs against the test database and a private ``redis-server`` on a free port (its
cache and broker). Predicts come from a thread pool; Redis is killed for a few seconds mid-run and started again.
Asserted: at least 90 % of the predicts sent during the outage succeed, every success has its prediction-log row,
``/readyz`` stays ready but warns that Redis is down (and stops warning once it is back), and ``/metrics`` shows
the cache as down.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from serving.models import PredictionLog
from tests.integration.test_serving_processes import ROOT, Answer, Server, Setup, call, free_port, make_setup
from tests.reliability.test_outages import PrivateRedis

pytestmark = [pytest.mark.integration, pytest.mark.timeout(400)]

WARM_S, OUTAGE_S, AFTER_S = 3.0, 4.0, 4.0


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def live(transactional_db, redis_server) -> Iterator[Server]:
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    server = Server(
        port=free_port(),
        access_log=ROOT / "test-artifacts" / f"gunicorn-redis-outage-{time.time_ns()}.log",
        env={"REDIS_URL": url, "CELERY_BROKER_URL": url, "GUNICORN_CMD_ARGS": "--timeout 120"},
    )
    try:
        yield server
    finally:
        server.stop()


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"{server.base}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class Pool:
    """Predicts from a thread pool until stopped; every answer kept with its send time."""

    def __init__(self, server: Server, setup: Setup, threads: int = 6) -> None:
        self.server, self.setup, self.threads = server, setup, threads
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=threads)

    def _run(self) -> None:
        while not self._stop.is_set():
            answer = call(self.server, self.setup, "POST", "predict/", {"inputs": [self.setup.row]})
            self.answers.append(answer)  # list.append is atomic

    def __enter__(self) -> Pool:
        for _ in range(self.threads):
            self._pool.submit(self._run)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)


def readyz_until(server: Server, end: float) -> list[tuple[float, int, dict[str, Any]]]:
    seen = []
    while time.monotonic() < end:
        status, body = get(server, "/readyz")
        seen.append((time.monotonic(), status, json.loads(body)))
        time.sleep(0.5)
    return seen


def test_predictions_continue_through_a_redis_outage(live, redis_server):
    setup = make_setup()
    live.start(timeout=240)
    for _ in range(8):  # both workers load the model before the clock starts
        call(live, setup, "POST", "predict/", {"inputs": [setup.row]})
    with Pool(live, setup) as pool:
        time.sleep(WARM_S)
        down = time.monotonic()
        redis_server.stop()
        ready_down = readyz_until(live, down + OUTAGE_S)
        _, metrics_down = get(live, "/metrics")  # loopback may scrape without a token
        redis_server.start()
        up = time.monotonic()
        ready_up = readyz_until(live, up + AFTER_S)
    answers = pool.answers

    before = [a for a in answers if a.received < down]
    assert before and all(a.status == 200 for a in before), [(a.status, a.body) for a in before if a.status != 200][:3]
    outage = [a for a in answers if down <= a.sent < up]
    ok = [a for a in outage if a.status == 200]
    print(f"outage: {len(ok)} of {len(outage)} predicts answered 200; {len(answers)} predicts in all")
    assert len(outage) >= 20
    assert len(ok) >= 0.9 * len(outage), [(a.status, a.body) for a in outage if a.status != 200][:3]
    late = [a for a in answers if a.sent >= up + 1.0]
    assert late and all(a.status == 200 for a in late), [(a.status, a.body) for a in late if a.status != 200][:3]

    ids = {pid for a in answers if a.status == 200 for pid in a.body["prediction_ids"]}
    logged = set(
        map(
            str,
            PredictionLog.objects.filter(prediction_id__in=[uuid.UUID(i) for i in ids]).values_list(
                "prediction_id", flat=True
            ),
        )
    )
    assert ids and logged == ids, f"{len(ids - logged)} returned predictions have no log row"

    # /readyz: still ready while Redis is down, but says so; and says nothing once Redis is back
    warned = [body for at, status, body in ready_down if at > down + 1.0]
    assert warned and all(status == 200 for _, status, _ in ready_down), ready_down[-1]
    assert all("redis" in " ".join(body.get("warnings", [])).lower() for body in warned), warned[-1]
    assert ready_up[-1][1] == 200 and not ready_up[-1][2].get("warnings"), ready_up[-1]
    assert "keel_cache_up 0.0" in metrics_down, metrics_down[:2000]
    assert settings.REDIS_URL  # the test process itself keeps its own Redis
