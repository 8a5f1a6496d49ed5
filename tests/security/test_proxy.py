"""Slow clients against the shipped nginx configuration in front of a live gunicorn (Debian's nginx; skipped when it
is not installed).

Slowloris sockets (a request's header lines trickling in one every second, never finished) hold one of gunicorn's
threads each: a handful of them starves `/livez` when gunicorn faces clients directly. Through
deploy/nginx/default.conf.template, rendered the way the nginx image renders it, `/livez` keeps answering while
they stay open, nginx drops them after its header timeout, and a body over the upload limit is refused by nginx
with the API's problem shape.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.live import free_port, start_server, stop

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
THREADS = 4  # gunicorn -w 1 --threads 4 (tests/live.py)
SLOW_SOCKETS = 2 * THREADS
UPLOAD_LIMIT = 4096

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx-light)"),
]


def render(template: str, env: dict[str, str]) -> str:
    """What the nginx image's envsubst step does: ${NAME} replaced for the names given, nothing else touched."""
    return re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), m.group(0)), template)


class Slowloris:
    """Sockets that send a request's headers one line a second and never finish them."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
        self.closed = [False] * count
        self.stop = threading.Event()
        for sock in self.sockets:
            sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self) -> None:
        n = 0
        while not self.stop.wait(1.0):
            n += 1
            for i, sock in enumerate(self.sockets):
                if self.closed[i]:
                    continue
                try:
                    sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                except OSError:
                    self.closed[i] = True

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def probe(url: str, timeout: float = 3) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def probes(url: str, n: int = 6) -> list[bool]:
    results = []
    for _ in range(n):
        results.append(probe(url))
        time.sleep(0.5)
    return results


@pytest.fixture(scope="module")
def gunicorn() -> Iterator[int]:
    """A live gunicorn for the module. Nothing here reaches the database (``/livez``, and bodies nginx refuses)."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs Postgres (DATABASE_URL) and Redis (REDIS_URL)")
    port = free_port()
    proc = start_server(port, ROOT / "test-artifacts" / f"gunicorn-proxy-{time.time_ns()}.log")
    try:
        yield port
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def nginx(gunicorn, tmp_path_factory) -> Iterator[int]:
    assert NGINX is not None
    tmp_path = tmp_path_factory.mktemp("nginx")
    port = free_port()
    server = render(
        TEMPLATE.read_text(),
        {
            "KEEL_UPSTREAM": f"127.0.0.1:{gunicorn}",
            "KEEL_PROXY_LISTEN": f"127.0.0.1:{port}",
            "KEEL_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT),
        },
    )
    assert "${" not in server
    (tmp_path / "keel.conf").write_text(server)
    for name in ("body", "proxy"):
        (tmp_path / name).mkdir()
        os.chmod(tmp_path / name, 0o777)  # noqa: S103 - a test directory; nginx workers may run as nobody
    # The image's nginx.conf, reduced to what the test needs: the shipped server block is included unchanged.
    (tmp_path / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/proxy;
    uwsgi_temp_path {tmp_path}/proxy;
    scgi_temp_path {tmp_path}/proxy;
    include {tmp_path}/keel.conf;
}}
"""
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not probe(f"http://127.0.0.1:{port}/livez", timeout=1):
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_slowloris_starves_gunicorn_but_not_the_proxy_in_front_of_it(gunicorn, nginx):
    direct, proxied = f"http://127.0.0.1:{gunicorn}/livez", f"http://127.0.0.1:{nginx}/livez"

    # Without the proxy: every gunicorn thread waits on a slow client, /livez times out.
    slow = Slowloris(gunicorn, SLOW_SOCKETS)
    try:
        time.sleep(1.5)
        assert not any(probes(direct, n=3))
    finally:
        slow.close()
    assert any(probe(direct, timeout=5) for _ in range(10))  # threads freed once the sockets close

    # Through nginx: the same sockets (twice as many) are nginx's problem; gunicorn never sees them.
    slow = Slowloris(nginx, 2 * SLOW_SOCKETS)
    try:
        time.sleep(1.5)
        assert all(probes(proxied, n=8))
        assert all(probes(direct, n=2))
        # client_header_timeout (10 s): nginx closes a connection whose headers never finish.
        deadline = time.monotonic() + 20
        while not all(slow.closed) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert all(slow.closed), f"{slow.closed.count(False)} slow sockets still open after 20 s"
    finally:
        slow.close()


def test_the_proxy_refuses_a_body_over_the_upload_limit_naming_it(nginx):
    request = urllib.request.Request(
        f"http://127.0.0.1:{nginx}/api/v1/projects/",
        data=b"x" * (UPLOAD_LIMIT + 1),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413
    assert refused.value.headers["Content-Type"] == "application/problem+json"
    body = json.loads(refused.value.read())
    assert body["status"] == 413 and f"KEEL_MAX_UPLOAD_BYTES ({UPLOAD_LIMIT} bytes)" in body["detail"]
    assert "Server" not in refused.value.headers or "nginx/" not in refused.value.headers["Server"]
