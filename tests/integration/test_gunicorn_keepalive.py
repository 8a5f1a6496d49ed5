"""The shipped gunicorn settings (``config/gunicorn.conf.py``) with clients that keep their connections open.

A burst of keep-alive connections is often accepted by one worker alone, and each connection stays where it landed.
The settings close a connection after ``KEEL_KEEPALIVE_REQUESTS`` requests; these tests run gunicorn with that file,
as the image, compose and k8s do, and read which worker answered from its access log (``%(p)s``).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

LIMIT = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port, log = _free_port(), tmp_path / "access.log"
    env = worker_env() | {
        "KEEL_BIND": f"127.0.0.1:{port}",
        "KEEL_WEB_WORKERS": "2",
        "KEEL_KEEPALIVE_REQUESTS": str(LIMIT),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
    command += ["--access-logfile", str(log), "--access-logformat", "%(p)s %(U)s %(q)s"]
    errors = open(tmp_path / "gunicorn.err", "wb")  # noqa: SIM115 - owned by the child
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=errors, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/livez")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        yield port, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        errors.close()


def test_a_keep_alive_connection_is_closed_after_the_configured_number_of_requests(served) -> None:
    port, _ = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.connect()
    first = conn.sock
    headers = []
    for _ in range(LIMIT):
        conn.request("GET", "/livez")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        headers.append(response.getheader("Connection"))
        if len(headers) < LIMIT:
            assert conn.sock is first, "the connection was kept before the limit"
    assert headers == ["keep-alive"] * (LIMIT - 1) + ["close"]
    assert conn.sock is None  # http.client closed it, as the server said; the next request reconnects
    conn.request("GET", "/livez")
    assert conn.getresponse().status == 200


def test_connections_opened_at_once_spread_over_both_workers(served) -> None:
    port, log = served

    def client(_: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(60):
            conn.request("GET", "/livez?burst=1")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
        conn.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(client, range(8)))
    time.sleep(0.5)  # gunicorn writes the access line just after the response
    pids = Counter(line.split()[0] for line in log.read_text().splitlines() if line.endswith("/livez burst=1"))
    assert sum(pids.values()) == 480
    assert len(pids) == 2, pids
    assert min(pids.values()) >= 480 * 0.15, f"one worker answered nearly everything: {pids}"
    print("answers per worker:", dict(pids))
