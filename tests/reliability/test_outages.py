"""Redis and then Postgres restarted under a steady predict load, against a live gunicorn (2 workers).

Both services are private to this test (a throw-away Postgres cluster from ``initdb`` and a ``redis-server`` on
free ports), so stopping them disturbs nobody else. Asserted: before an outage every predict succeeds; during it,
failures are 503 problem details (never a 500, never a dropped connection), and a Redis outage fails almost none
(Redis is a cache); Keel recovers by itself (no restart) and after recovery every predict succeeds again; every
successful prediction has its prediction-log row.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.integration.test_serving_processes import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-only-secret-key-not-for-production-0123456789abcdef-outages"

SEED = r"""
import json
import django
django.setup()
from core import services as core_services
from core.models import User
from registry.models import ModelVersion
from serving import services
from tests.registry.models_helpers import cancer_frame, make_version

user = User.objects.create_user(username="ops", password="not-used-0123456789")
project = core_services.project_create(user=user, slug="faults", name="Faults")
issued = core_services.api_token_create(user=user, name="faults", default_project=project)
version = make_version(project, user)
ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
version.refresh_from_db()
services.deployment_create(project=project, user=user, name="api", version=version)
row = {k: float(v) for k, v in cancer_frame().drop(columns=["target"]).iloc[0].items()}
print(json.dumps({"token": issued.secret, "row": row}))
"""


def _initdb() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found or shutil.which("redis-server") is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL server binaries, redis-server and root (to run initdb as postgres)")
    return found[-1]


class PrivatePostgres:
    def __init__(self) -> None:
        self.bin = Path(_initdb()).parent
        self.dir = Path(tempfile.mkdtemp(prefix="keel-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-N"])

    def _as_postgres(self, args: list[str]) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40"
        log = str(self.dir / "postgres.log")
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start"])

    def stop(self) -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def url(self, db: str = "keel") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def cleanup(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                out = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, timeout=5)
                if out.stdout.strip() == b"PONG":
                    return
            except (OSError, subprocess.TimeoutExpired):
                pass
            time.sleep(0.1)
        raise TimeoutError("private redis-server did not start")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


@dataclass
class Keel:
    env: dict[str, str]
    port: int
    token: str = ""
    row: dict[str, float] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(ROOT / "test-artifacts" / f"outages-gunicorn-{time.time_ns()}.log", "ab")  # noqa: SIM115
        args = ["-m", "gunicorn", "config.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            [sys.executable, *args, "--timeout", "60"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {log.name}")
            if self.predict().status == 200:
                return
            time.sleep(0.2)
        raise TimeoutError("gunicorn did not answer a predict")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)

    def predict(self) -> Answer:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/projects/faults/deployments/api/predict/",
            method="POST",
            data=json.dumps({"inputs": [self.row]}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, raw, kind = exc.code, exc.read(), exc.headers.get("Content-Type", "")
        except OSError as exc:  # connection refused/reset: the server itself failed
            return Answer(sent, time.monotonic(), 0, {"error": repr(exc)}, "")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"raw": raw[:200].decode(errors="replace")}
        return Answer(sent, time.monotonic(), status, body, kind)


@dataclass
class Answer:
    sent: float
    received: float
    status: int
    body: dict[str, Any]
    content_type: str


class Load:
    def __init__(self, keel: Keel, threads: int = 4, limit: float = 400) -> None:
        self.keel, self.limit = keel, limit
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        deadline = time.monotonic() + self.limit
        while not self._stop.is_set() and time.monotonic() < deadline:
            answer = self.keel.predict()
            with self._lock:
                self.answers.append(answer)
            time.sleep(0.01)

    def between(self, start: float, end: float) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if start <= a.sent < end]

    def wait_for(self, n: int, since: float, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while len(self.between(since, float("inf"))) < n:
            assert time.monotonic() < deadline, f"fewer than {n} answers since the mark"
            time.sleep(0.05)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{args[:2]}: {result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture
def stack(tmp_path) -> Iterator[tuple[Keel, PrivatePostgres, PrivateRedis]]:
    postgres, redis = PrivatePostgres(), PrivateRedis()
    keel: Keel | None = None
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    try:
        postgres.start()
        redis.start()
        with psycopg.connect(postgres.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE keel")
        redis_url = f"redis://127.0.0.1:{redis.port}/0"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "KEEL_TEST"))}
        env |= {
            "DATABASE_URL": postgres.url(),
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "ARTIFACT_ROOT": str(tmp_path / "artifacts"),
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "KEEL_THROTTLE_USER": "1000000/s",
            "KEEL_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        _manage(env, "manage.py", "migrate", "--noinput", "-v", "0")
        seeded = json.loads(_manage(env, "-c", SEED).strip().splitlines()[-1])
        keel = Keel(env=env, port=free_port(), token=seeded["token"], row=seeded["row"])
        keel.start()
        yield keel, postgres, redis
    finally:
        if keel is not None:
            keel.stop()
        redis.stop()
        postgres.cleanup()


def _outage(load: Load, keel: Keel, stop: Any, start: Any) -> dict[str, Any]:
    """Steady load, stop the service, start it again, wait for recovery; answers sent in each phase."""
    before = time.monotonic()
    load.wait_for(20, before)
    down = time.monotonic()
    stop()
    load.wait_for(20, down)
    start()
    restarted = time.monotonic()
    recovered = None
    deadline = restarted + 60
    while time.monotonic() < deadline:  # recovery without restarting Keel: the next predicts succeed
        probe = keel.predict()
        if probe.status == 200:
            recovered = time.monotonic()
            break
        time.sleep(0.2)
    assert recovered is not None, "Keel did not recover within a minute of the restart"
    settle = recovered + 1.0  # requests already in flight when the probe succeeded may still fail
    load.wait_for(40, settle)
    answers = load.between(before, float("inf"))
    return {  # an answer received before the stop is "before"; one sent after the settle point is "after"
        "before": [a for a in answers if a.received < down],
        "outage": [a for a in answers if a.received >= down and a.sent < settle],
        "after": [a for a in answers if a.sent >= settle],
    }


def _check(phases: dict[str, Any], name: str, most_succeed: bool = False) -> None:
    early = [(a.status, a.body) for a in phases["before"] if a.status != 200]
    assert phases["before"] and not early, f"{name}: failures before the outage: {early[:3]}"
    after = [a for a in phases["after"] if a.status != 200]
    assert not after, f"{name}: failures after recovery: {[(a.status, a.body) for a in after[:3]]}"
    failed = [a for a in phases["outage"] if a.status != 200]
    if most_succeed:
        assert len(failed) <= 0.1 * len(phases["outage"]), f"{name}: {len(failed)} of {len(phases['outage'])} failed"
    else:
        assert failed, f"{name}: the outage caused no failure at all (was the service really stopped?)"
    wrong = [(a.status, a.body) for a in failed if a.status != 503]
    assert not wrong, f"{name}: failures that are not 503: {wrong[:3]}"
    for answer in failed:
        assert answer.content_type.startswith("application/problem+json") or answer.body.get("status") == 503
        assert answer.body["status"] == 503 and answer.body["title"] and answer.body["detail"]


def test_redis_then_postgres_restart_under_predict_load(stack):
    keel, postgres, redis = stack
    with Load(keel) as load:
        redis_phases = _outage(load, keel, redis.stop, redis.start)
        postgres_phases = _outage(load, keel, postgres.stop, postgres.start)
    _check(redis_phases, "redis", most_succeed=True)
    _check(postgres_phases, "postgres")
    ids = [uuid.UUID(pid) for answer in load.answers if answer.status == 200 for pid in answer.body["prediction_ids"]]
    assert ids
    with psycopg.connect(postgres.url()) as conn:
        logged = conn.execute(
            "SELECT count(DISTINCT prediction_id) FROM serving_predictionlog WHERE prediction_id = ANY(%s)", [ids]
        ).fetchone()
    assert logged is not None and logged[0] == len(set(ids)), "a returned prediction has no prediction-log row"
