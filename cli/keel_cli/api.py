"""One way to call the SDK: a configured client, and HTTP errors turned into a clear message and exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from keel_client import AuthenticatedClient
from keel_client.types import Response

from keel_cli import config


class KeelError(Exception):
    """An error to show the user; `main` prints it and exits with `exit_code`."""

    def __init__(
        self, message: str, *, errors: list[str] | None = None, exit_code: int = 1, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.exit_code = exit_code
        self.status = status


def client(settings: config.Settings | None = None) -> AuthenticatedClient:
    settings = settings or config.load()
    if not settings.url:
        raise KeelError("No server configured: run `keel configure` or set KEEL_URL.", exit_code=2)
    if not settings.token:
        raise KeelError("No token configured: run `keel configure` or set KEEL_TOKEN.", exit_code=2)
    return AuthenticatedClient(base_url=settings.url.rstrip("/"), token=settings.token, timeout=httpx.Timeout(60.0))


def problem_error(status: int, content: bytes) -> KeelError:
    """Problem details (`detail` and per-field `errors`) as a KeelError; any other body is quoted as it came."""
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        body = {"detail": content.decode(errors="replace")[:500]}
    if not isinstance(body, dict):
        body = {"detail": str(body)}
    detail = body.get("detail") or body.get("title") or "request failed"
    fields = [
        f"{item.get('field') or '(request)'}: {item.get('message', '')}"
        for item in body.get("errors") or []
        if isinstance(item, dict)
    ]
    return KeelError(f"Error {status}: {detail}", errors=fields, status=status)


def call(operation: Callable[..., Response[Any]], **kwargs: Any) -> Any:
    """Run an SDK `sync_detailed` function; return the parsed body or raise KeelError on any failure."""
    kwargs.setdefault("client", client())
    try:
        response = operation(**kwargs)
    except httpx.HTTPError as exc:
        raise KeelError(f"Cannot reach the Keel server: {exc}", exit_code=3) from exc
    if response.status_code >= 400:
        raise problem_error(int(response.status_code), response.content)
    return response.parsed


def raw(method: str, path: str, *, json_body: Any = None, http: httpx.Client | None = None) -> Any:
    """Call an endpoint the generated SDK does not have yet, through the SDK's own httpx client."""
    http = http or client().get_httpx_client()
    try:
        response = http.request(method, path, json=json_body)
    except httpx.HTTPError as exc:
        raise KeelError(f"Cannot reach the Keel server: {exc}", exit_code=3) from exc
    if response.status_code >= 400:
        raise problem_error(response.status_code, response.content)
    return response.json()
