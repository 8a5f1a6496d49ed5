"""One HTTP POST to a checked, pinned address. Pure: standard library only (no Django, no requests).

The connection dials :attr:`ssrf.Target.address` (the IP the guard checked) while the request carries the
URL's host name: in the ``Host`` header, and for https in SNI and certificate verification, so TLS still proves
we talk to the named host. Environment proxies are not used (they would bypass the pinned address), redirects
are not followed, and at most ``MAX_RESPONSE_BYTES`` of the response are read. The connect timeout bounds the
TCP handshake; the read timeout bounds every later socket operation (the task's time limit bounds the total).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from core.webhooks.ssrf import Target

MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "Keel-Webhooks/1"


class TransportError(Exception):
    """No HTTP response: refused or reset connection, timeout, TLS failure, malformed response."""


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: dict[str, str]  # lowercase names
    body: bytes


def _dial(address: str, port: int, connect_timeout: float, read_timeout: float) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=connect_timeout)
    sock.settimeout(read_timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, connect_timeout: float, read_timeout: float) -> None:
        super().__init__(target.url.host, target.url.port, timeout=read_timeout)
        self._address = target.address
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout

    def connect(self) -> None:
        self.sock = _dial(self._address, self.port, self._connect_timeout, self._read_timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, connect_timeout: float, read_timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.url.host, target.url.port, timeout=read_timeout, context=self._tls)
        self._address = target.address
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout

    def connect(self) -> None:
        sock = _dial(self._address, self.port, self._connect_timeout, self._read_timeout)
        try:
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _connection(target: Target, connect_timeout: float, read_timeout: float) -> http.client.HTTPConnection:
    if target.url.scheme == "https":
        return _PinnedHTTPSConnection(target, connect_timeout, read_timeout)
    return _PinnedHTTPConnection(target, connect_timeout, read_timeout)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"timed out ({exc})" if str(exc) else "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def post(
    target: Target, body: bytes, headers: dict[str, str], *, connect_timeout: float, read_timeout: float
) -> HttpResult:
    """POST ``body`` as JSON to ``target``; raise :class:`TransportError` when no response arrives."""
    conn = _connection(target, connect_timeout, read_timeout)
    all_headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    try:
        conn.request("POST", target.url.path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read(MAX_RESPONSE_BYTES)
        return HttpResult(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(_describe(exc)) from exc
    finally:
        conn.close()
