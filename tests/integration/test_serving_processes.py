"""Serving across processes: Keel under gunicorn with two worker processes, Postgres and Redis.

Every worker keeps its own routing table and model cache; the shared cache (Redis) carries each deployment's
current revision. These tests drive a live server over HTTP and check that a rollback reaches every worker within
a second (DESIGN.md section 5) and that A/B assignment by routing key survives a restart.

Which worker answered a request is read from gunicorn's own access log (``%(p)s`` is the worker's pid, and the
``X-Request-ID`` the client sent is echoed back on the response), so nothing is added to the application.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from core import services as core_services
from core.models import User
from registry.models import ModelVersion
from serving import services
from tests.integration.conftest import ROOT, worker_env
from tests.registry.models_helpers import cancer_frame, make_version

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

WORKERS = 2
SWITCH_BUDGET_S = 1.0


# --- a live gunicorn ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    access_log: Path
    proc: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)  # overrides, e.g. a private Redis

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        env = (
            worker_env()
            | {
                "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback
                "KEEL_THROTTLE_USER": "1000000/s",  # the tests send bursts; rate limits are tested elsewhere
                "KEEL_LOG_LEVEL": "WARNING",
            }
            | self.env
        )
        self.access_log.write_bytes(b"")
        log = open(self.access_log.with_suffix(".err"), "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %({x-request-id}o)s %(s)s %(U)s",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/livez", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise TimeoutError("gunicorn did not answer /livez")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)

    def workers_by_request(self) -> dict[str, str]:
        """request id -> the pid of the worker that answered it, from gunicorn's access log."""
        answered: dict[str, str] = {}
        for line in self.access_log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2:
                answered[parts[1]] = parts[0].strip("<>")
        return answered


@pytest.fixture
def server(transactional_db, tmp_path) -> Iterator[Server]:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs Postgres (DATABASE_URL) and Redis (REDIS_URL)")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    server = Server(port=free_port(), access_log=ROOT / "test-artifacts" / f"gunicorn-{time.time_ns()}.log")
    try:
        yield server
    finally:
        server.stop()


# --- the setup and an HTTP client -----------------------------------------------------------------------------


@dataclass
class Setup:
    slug: str
    token: str
    v1: ModelVersion
    v2: ModelVersion
    row: dict[str, float] = field(default_factory=dict)


def approved(project: Any, user: User, **kwargs: Any) -> ModelVersion:
    version = make_version(project, user, **kwargs)
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    return version


def make_setup() -> Setup:
    user = User.objects.create_user(username="ops", password=uuid.uuid4().hex)
    project = core_services.project_create(user=user, slug="procs", name="Procs")
    issued = core_services.api_token_create(user=user, name="procs", default_project=project)
    v1 = approved(project, user)
    v2 = approved(project, user, c=0.05)
    services.deployment_create(project=project, user=user, name="api", version=v1)
    first = cancer_frame().drop(columns=["target"]).iloc[0]
    return Setup(project.slug, issued.secret, v1, v2, {k: float(v) for k, v in first.items()})


@dataclass
class Answer:
    request_id: str
    sent: float
    received: float
    status: int
    body: dict[str, Any]


def call(server: Server, setup: Setup, method: str, suffix: str, payload: Any = None) -> Answer:
    """One request on a fresh connection (no keep-alive), so the workers share the traffic."""
    request_id = uuid.uuid4().hex
    request = urllib.request.Request(
        f"{server.base}/api/v1/projects/{setup.slug}/deployments/api/{suffix}",
        method=method,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={
            "Authorization": f"Bearer {setup.token}",
            "Content-Type": "application/json",
            "X-Request-ID": request_id,
            "Connection": "close",
        },
    )
    sent = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    return Answer(request_id, sent, time.monotonic(), status, json.loads(raw or b"{}"))


def predict(server: Server, setup: Setup, routing_key: str = "") -> Answer:
    payload: dict[str, Any] = {"inputs": [setup.row]}
    if routing_key:
        payload["routing_key"] = routing_key
    answer = call(server, setup, "POST", "predict/", payload)
    assert answer.status == 200, answer.body
    return answer


class Load:
    """Predicts from a few threads until stopped (bounded by ``limit`` seconds)."""

    def __init__(self, server: Server, setup: Setup, threads: int = 4, limit: float = 30) -> None:
        self.server, self.setup, self.limit = server, setup, limit
        self.answers: list[Answer] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        deadline = time.monotonic() + self.limit
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                answer = predict(self.server, self.setup)
            except BaseException as exc:  # reported by stop()
                self.errors.append(exc)
                return
            with self._lock:
                self.answers.append(answer)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        assert not self.errors, self.errors[0]


def until_both_workers(server: Server, setup: Setup, check: Any, at_least: int = 50, limit: int = 400) -> None:
    """Predict (4 at a time) until ``at_least`` answers came and both workers answered; ``check`` each answer."""
    answers: list[Answer] = []
    pids: set[str | None] = set()
    with ThreadPoolExecutor(max_workers=4) as pool:
        while len(answers) < limit:
            batch = list(pool.map(lambda _: predict(server, setup), range(8)))
            for answer in batch:
                check(answer)
            answers += batch
            pids = {server.workers_by_request().get(a.request_id) for a in answers} - {None}
            if len(answers) >= at_least and len(pids) >= WORKERS:
                return
    raise AssertionError(f"only {len(pids)} worker(s) answered {len(answers)} predicts")


def served(answer: Answer) -> tuple[int, int]:
    return answer.body["revision"], answer.body["model"]["version"]


def switch_report(answers: list[Answer], new: tuple[int, int], since: float) -> dict[str, Any]:
    """When answers stopped being old: the latest send time of an old answer, relative to ``since``."""
    old = [a for a in answers if served(a) != new]
    last_old = max((a.sent - since for a in old), default=None)
    return {
        "predicts": len(answers),
        "old_answers": len(old),
        "last_old_sent_after_s": None if last_old is None else round(last_old, 4),
        "all_switched_after_s": round(max(0.0, last_old or 0.0), 4),
    }


# --- tests --------------------------------------------------------------------------------------------------------


def test_rollback_reaches_every_worker_within_a_second(server):
    setup = make_setup()
    server.start()

    until_both_workers(server, setup, lambda a: served(a) == (1, 1))

    deploy = call(server, setup, "POST", "deploy/", {"strategy": "single", "model": "cancer", "version": 2})
    assert deploy.status == 200, deploy.body
    until_both_workers(server, setup, lambda a: served(a) == (2, 2))

    with Load(server, setup) as load:
        time.sleep(1.0)
        rollback = call(server, setup, "POST", "rollback/", {"reason": "test"})
        time.sleep(2.5)
    assert rollback.status == 200, rollback.body
    assert rollback.body["revision"]["number"] == 3

    after = [a for a in load.answers if a.sent > rollback.received + SWITCH_BUDGET_S]
    assert len(after) >= 20
    assert {served(a) for a in after} == {(3, 1)}, "a predict sent >1 s after the rollback got the old version"
    pids = server.workers_by_request()
    assert len({pids.get(a.request_id) for a in after} - {None}) == WORKERS, "both workers must answer after it"
    # and nothing answered with the old version once the rollback had returned, on any worker
    report = switch_report(load.answers, (3, 1), rollback.received)
    report["rollback_call_ms"] = round((rollback.received - rollback.sent) * 1000, 1)
    report["last_old_sent_after_rollback_sent_s"] = switch_report(load.answers, (3, 1), rollback.sent)[
        "last_old_sent_after_s"
    ]
    report["workers"] = sorted({pids[a.request_id] for a in load.answers if a.request_id in pids})
    print("rollback propagation:", json.dumps(report))
    assert report["all_switched_after_s"] <= SWITCH_BUDGET_S


def test_ab_assignment_is_sticky_across_a_restart(server):
    setup = make_setup()
    server.start()
    variants = [
        {"name": "a", "model": "cancer", "version": 1, "weight": 50},
        {"name": "b", "model": "cancer", "version": 2, "weight": 50},
    ]
    deploy = call(server, setup, "POST", "deploy/", {"strategy": "ab_test", "variants": variants})
    assert deploy.status == 200, deploy.body

    keys = [f"user-{i}" for i in range(60)]

    def assign() -> tuple[dict[str, str], set[str]]:
        """Each key's variant, and the workers that answered: rounds of all keys until both workers answered."""
        seen: dict[str, set[str]] = {k: set() for k in keys}
        answered: list[Answer] = []
        pids: set[str] = set()
        with ThreadPoolExecutor(max_workers=4) as pool:  # concurrent, so both workers answer
            for _ in range(10):  # a busy machine can leave one worker idle for a round
                answers = list(pool.map(lambda key: predict(server, setup, routing_key=key), keys))
                for key, answer in zip(keys, answers, strict=True):
                    assert answer.body["revision"] == 2
                    assert answer.body["model"]["version"] == {"a": 1, "b": 2}[answer.body["variant"]]
                    seen[key].add(answer.body["variant"])
                answered += answers
                by_request = server.workers_by_request()
                pids = {by_request[a.request_id] for a in answered if a.request_id in by_request}
                if len(answered) >= 3 * len(keys) and len(pids) == WORKERS:
                    break
        assert all(len(v) == 1 for v in seen.values()), "a key changed variant between workers"
        return {k: v.pop() for k, v in seen.items()}, pids

    before, pids_before = assign()
    assert set(before.values()) == {"a", "b"}, "60 keys at 50/50 should reach both variants"
    server.stop()
    server.start()
    after, pids_after = assign()
    assert after == before
    assert len(pids_before) == WORKERS and len(pids_after) == WORKERS and not pids_before & pids_after
