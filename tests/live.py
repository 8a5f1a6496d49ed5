"""A live Keel for client tests: gunicorn on a free port and a real Celery worker, both on the pytest test DB.

Used by tests/sdk and tests/cli (their conftest imports the fixtures). Nothing binds a fixed port, and both
processes are stopped at teardown.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from console.demo.data import breast_cancer_csv
from core import services as core_services
from core.models import User
from tests.integration.conftest import ROOT, worker_env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, log: Path, timeout: float = 180) -> subprocess.Popen[bytes]:
    env = worker_env() | {
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "KEEL_THROTTLE_USER": "1000000/s",
        "KEEL_LOG_LEVEL": "WARNING",
    }
    bind = f"127.0.0.1:{port}"
    handle = open(log, "ab")  # noqa: SIM115 - owned by the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-w", "1", "--threads", "4", "-b", bind],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as response:
                if response.status == 200:
                    return proc
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    stop(proc)
    raise TimeoutError("gunicorn did not answer /livez")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


@dataclass
class LiveKeel:
    url: str
    token: str  # alice: creates projects (and so owns them)
    reviewer: str  # bob: added as a maintainer to approve what alice requests
    reviewer_name: str
    csv: Path  # the breast cancer data as a CSV file


@pytest.fixture
def live_keel(transactional_db, tmp_path) -> Iterator[LiveKeel]:
    """The web server only (enough for calls that enqueue no Celery work)."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs Postgres (DATABASE_URL) and Redis (REDIS_URL)")
    alice = User.objects.create_user(username="alice", password=uuid.uuid4().hex)
    bob = User.objects.create_user(username="bob", password=uuid.uuid4().hex)
    tokens = [core_services.api_token_create(user=user, name="client tests").secret for user in (alice, bob)]
    csv = tmp_path / "breast_cancer.csv"
    csv.write_bytes(breast_cancer_csv())
    port = free_port()
    proc = start_server(port, ROOT / "test-artifacts" / f"gunicorn-client-{time.time_ns()}.log")
    try:
        yield LiveKeel(f"http://127.0.0.1:{port}", tokens[0], tokens[1], bob.username, csv)
    finally:
        stop(proc)


@pytest.fixture
def live_keel_worker(celery_worker_proc, live_keel) -> LiveKeel:
    """The web server and a real Celery worker (training jobs run)."""
    return live_keel
