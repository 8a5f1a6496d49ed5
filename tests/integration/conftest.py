"""A real Celery worker process against Redis and the Postgres test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "ARTIFACT_ROOT": str(settings.ARTIFACT_ROOT),
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "KEEL_TRAINING_LEASE_SECONDS": "5",
        }
    )
    return env


def start_worker(queues: str = "default,training,monitoring", concurrency: int = 1) -> subprocess.Popen[bytes]:
    log = open(ROOT / "test-artifacts" / f"worker-{os.getpid()}-{time.time_ns()}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queues,
            "-c",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
            "-n",
            f"test-{time.time_ns()}@%h",
        ],
        cwd=ROOT,
        env=worker_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if celery_app.control.ping(timeout=1.0):
            return
    raise TimeoutError("Celery worker did not answer ping")


def stop_worker(proc: subprocess.Popen[bytes], sig: int = 15) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


@pytest.fixture
def celery_worker_proc(transactional_db) -> Iterator[subprocess.Popen[bytes]]:
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.skip("integration tests need Postgres (DATABASE_URL) and Redis (REDIS_URL)")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as conn:
        for queue in ("default", "training", "monitoring"):
            conn.default_channel.queue_purge(queue)
    proc = start_worker()
    try:
        wait_ready()
        yield proc
    finally:
        stop_worker(proc)
