"""Rate limits as fixed-window counters in the shared cache: one atomic increment per request.

DRF's stock throttles keep a list of every request time in the window and read and rewrite it on every request
(a busy token's list grows to thousands of entries, and concurrent processes overwrite each other's). A counter
per (scope, caller, window) is exact across processes, costs one round trip and stays one integer.

Scopes: ``anon`` and ``user`` for the API, ``predict`` (its own, higher rate) for inference and feedback, so a
service account's traffic is not capped by the interactive API's limit.

Failed token authentications are counted per client address (``TokenFailures``): DRF's throttles run after
authentication, so a wrong token never reached them. Logins are limited by django-axes (``config/settings.py``).

While the shared cache is down (``core.hotcache.shared``), counters are kept per process (``LocalCounters``): each
process then enforces a limit on its own, so the effective limit is multiplied by the number of processes for the
length of the outage, rather than every request failing.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework import throttling

from core.hotcache import Unavailable, read_many, redis_client, shared

logger = logging.getLogger(__name__)


class LocalCounters:
    """Fixed-window counters in this process's memory: the fallback while the shared cache is down."""

    MAX_KEYS = 10000

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, monotonic time the window ends)
        self._lock = threading.Lock()

    def increment(self, key: str, window: int, by: int = 1) -> int:
        now = time.monotonic()
        with self._lock:
            count, ends = self._counts.get(key, (0, 0.0))
            if ends <= now:
                count, ends = 0, now + window + 1
            self._counts[key] = (count + by, ends)
            if len(self._counts) > self.MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        return count + by

    def read(self, key: str) -> tuple[int, float]:
        """(count, seconds until the window ends); (0, 0) for no live window."""
        count, ends = self._counts.get(key, (0, 0.0))
        left = ends - time.monotonic()
        return (count, left) if left > 0 else (0, 0.0)


local_counters = LocalCounters()


def _increment(key: str, window: int, by: int = 1) -> int:
    """Add ``by`` to the window's counter and return it; the counter expires with its window. Counted in this
    process alone while the shared cache is down."""
    try:
        return shared.attempt(_shared_increment, key, window, by)
    except Unavailable:
        return local_counters.increment(key, window, by)


def _shared_increment(key: str, window: int, by: int) -> int:
    client = redis_client()
    if client is None:  # local-memory cache (the embedded default)
        cache.add(key, 0, timeout=window + 1)
        return int(cache.incr(key, by))
    full = cache.make_key(key)
    count = int(client.incrby(full, by))
    if count == by:  # the window's first claim sets its expiry (a second round trip once per window)
        client.expire(full, window + 1)
    return count


class Leases:
    """Counts claimed from a window's shared counter in blocks and handed out in this process: one round trip per
    block instead of one per request (the round trip was a tenth of a prediction's CPU).

    A block is 1 % of the limit, and 1 (every request counted in the shared cache, as before) for limits under
    200. Counts are claimed before they are used, so the limit is never exceeded; a process holds at most one
    partly used block per caller, so across P processes a caller may be refused up to P blocks (P % of the limit)
    before reaching it."""

    MAX_KEYS = 10000

    def __init__(self) -> None:
        self._leases: dict[str, list[float]] = {}  # key -> [next count, last count, monotonic time it expires]
        self._lock = threading.Lock()

    def count(self, key: str, window: int, limit: int) -> int:
        """The request's count in the window (compare it with the limit)."""
        block = max(1, limit // 100) if limit >= 200 else 1
        with self._lock:
            lease = self._leases.get(key)
            if lease is not None and lease[0] <= lease[1]:
                lease[0] += 1
                return int(lease[0] - 1)
        last = _increment(key, window, block)
        now = time.monotonic()
        with self._lock:
            if len(self._leases) >= self.MAX_KEYS:
                self._leases = {k: v for k, v in self._leases.items() if v[2] > now}
            self._leases[key] = [last - block + 2, last, now + window + 1]
        return last - block + 1


leases = Leases()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, only when ``KEEL_CLIENT_IP_HEADER`` names a header set by the
    proxy in front, the address that proxy reports (``KEEL_TRUSTED_PROXY_COUNT`` entries from the right of a
    comma-separated list such as X-Forwarded-For, where each proxy appends the address it saw; a client can forge
    only the entries to the left of those). An absent or malformed header falls back to ``REMOTE_ADDR``."""
    remote = request.META.get("REMOTE_ADDR") or None
    header = settings.KEEL_CLIENT_IP_HEADER
    if not header:
        return remote
    hops = [hop.strip() for hop in str(request.META.get(header_meta_key(header), "")).split(",") if hop.strip()]
    count = settings.KEEL_TRUSTED_PROXY_COUNT
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def header_meta_key(header: str) -> str:
    """``X-Forwarded-For`` -> ``HTTP_X_FORWARDED_FOR`` (the key of request.META)."""
    return "HTTP_" + header.upper().replace("-", "_")


class TokenFailures:
    """Failed token authentications per client address, counted in the shared cache.

    ``limit`` failures are allowed per window; the window starts at an address's first failure and lasts
    ``KEEL_TOKEN_FAILURE_WINDOW_SECONDS``. Over the limit, every request from the address that presents a token
    waits until the window ends, whether its token is right or wrong (``core.middleware.TokenFailureLimitMiddleware``).
    An address found under the limit is not read again by this process for ``KEEL_STAMP_TTL`` (a fraction of a
    second), so the check costs the inference hot path no round trip per request; failures recorded here are seen
    at once. While the shared cache is down, failures are counted and checked per process.
    """

    MAX_REMEMBERED = 10000

    def __init__(self) -> None:
        self._under_limit: dict[str, float] = {}  # address -> monotonic time it was last read under the limit

    @staticmethod
    def _key(address: str) -> str:
        return f"tokenfail:{address}"

    def wait(self, address: str | None) -> float | None:
        """Seconds the address must wait before presenting a token again; None while it is under the limit."""
        if address is None:
            return None
        seen = self._under_limit.get(address)
        if seen is not None and time.monotonic() - seen < settings.KEEL_STAMP_TTL:
            return None
        key = self._key(address)
        try:
            values = shared.attempt(read_many, [key, f"{key}:until"])
        except Unavailable:
            count, left = local_counters.read(key)  # counted here while the shared cache is down
            return max(1.0, left) if count >= settings.KEEL_TOKEN_FAILURE_LIMIT else None
        if int(values.get(key) or 0) < settings.KEEL_TOKEN_FAILURE_LIMIT:
            if len(self._under_limit) >= self.MAX_REMEMBERED:
                self._under_limit.clear()
            self._under_limit[address] = time.monotonic()
            return None
        until = values.get(f"{key}:until")
        return max(1.0, float(until) - time.time()) if until is not None else 1.0

    def record(self, address: str | None) -> None:
        """Count one failed token authentication from the address."""
        if address is None:
            return
        self._under_limit.pop(address, None)
        key = self._key(address)
        window = settings.KEEL_TOKEN_FAILURE_WINDOW_SECONDS
        if _increment(key, window) == 1:  # the address's first failure opens its window
            with contextlib.suppress(Unavailable):  # else counted in this process, which knows its own window
                shared.attempt(cache.set, f"{key}:until", time.time() + window, timeout=window + 1)

    def forget(self) -> None:
        self._under_limit.clear()


token_failures = TokenFailures()


class CounterThrottle(throttling.SimpleRateThrottle):
    """Fixed-window counting: at most ``num_requests`` per ``duration`` seconds, aligned to the clock."""

    scope: str = "user"
    num_requests: int
    duration: int

    def get_ident(self, request: Any) -> str:
        """The client address as ``client_ip`` trusts it (DRF's own trusts any X-Forwarded-For)."""
        return client_ip(request) or ""

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
        return leases.count(f"{key}:{start}", window, self.num_requests) <= self.num_requests

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
