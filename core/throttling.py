"""Rate limits as fixed-window counters in the shared cache: one atomic increment per request.

DRF's stock throttles keep a list of every request time in the window and read and rewrite it on every request
(a busy token's list grows to thousands of entries, and concurrent processes overwrite each other's). A counter
per (scope, caller, window) is exact across processes, costs one round trip and stays one integer.

Scopes: ``anon`` and ``user`` for the API, ``predict`` (its own, higher rate) for inference and feedback, so a
service account's traffic is not capped by the interactive API's limit.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework import throttling

_clients: dict[int, tuple[Any, Any]] = {}  # id(backend) -> (backend, client); the backend is kept so ids stay unique


def _redis_client() -> Any:
    """One Redis client per process over the cache's connection pool (Django builds a new client object, with
    its table of ~170 response callbacks, for every operation)."""
    backend = getattr(cache, "_cache", None)
    client_of = getattr(backend, "get_client", None)
    if client_of is None:
        return None
    entry = _clients.get(id(backend))
    if entry is None or entry[0] is not backend:
        entry = _clients[id(backend)] = (backend, client_of(None, write=True))
    return entry[1]


def _increment(key: str, window: int) -> int:
    """Add one to the window's counter and return it; the counter expires with its window."""
    client = _redis_client()
    if client is None:  # local-memory cache (the embedded default)
        cache.add(key, 0, timeout=window + 1)
        return int(cache.incr(key))
    full = cache.make_key(key)
    count = int(client.incr(full))
    if count == 1:  # the window's first request sets its expiry (a second round trip once per window)
        client.expire(full, window + 1)
    return count


class CounterThrottle(throttling.SimpleRateThrottle):
    """Fixed-window counting: at most ``num_requests`` per ``duration`` seconds, aligned to the clock."""

    scope: str = "user"
    num_requests: int
    duration: int

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else self.get_ident(request)
        return f"throttle:{self.scope}:{ident}"

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(self.duration)
        start = int(now // window) * window
        self._wait = start + window - now
        return _increment(f"{key}:{start}", window) <= self.num_requests

    def wait(self) -> float | None:
        return max(0.0, getattr(self, "_wait", 0.0))


class AnonThrottle(CounterThrottle):
    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None  # authenticated callers are counted by their own scope
        return f"throttle:anon:{self.get_ident(request)}"


class UserThrottle(CounterThrottle):
    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return f"throttle:user:{user.pk}"


class PredictThrottle(UserThrottle):
    scope = "predict"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        key = super().get_cache_key(request, view)
        return key and key.replace("throttle:user:", "throttle:predict:", 1)
