"""Per-process caches for the inference hot path, kept coherent across processes through shared-cache stamps.

A *stamp* is a small value in the shared cache (Redis in production) that changes whenever the thing it guards
changes: a deployment's current revision, or the "access epoch" that moves whenever a token, user, membership or
project changes. Each process reads a stamp at most once per ``KEEL_STAMP_TTL`` seconds (``KEEL_STAMP_TTL_MS``,
default 250 ms), so a change made in one process is seen by every other within that time (well inside the
one-second promise), and the process that made the change sees it at once (it updates its own copy when it
publishes).

Access caching: the token lookup (``sha256(token) -> token + user``) and the membership lookup (``(user, project
slug) -> project + role``) are cached per process under the current access epoch. Revoking a token, disabling an
account or changing a role bumps the epoch on commit, and clears this process's entries immediately.

Redis is a cache, not the record of truth (Postgres is), so its outage must not stop predictions. ``shared``
tracks whether the shared cache answers: when an operation fails with a connection error or timeout, the process
marks it down and skips it for ``RETRY_SECONDS``, after which one operation tries again. While it is down:

- a stamp with a registered *source* (``Stamps.source``: a deployment's revision is read from the database) is read
  from that source, still at most once per ``KEEL_STAMP_TTL``, so staleness stays bounded by the same TTL;
- a stamp without one (the access epoch) reads as unknown, and the access cache is bypassed: tokens and memberships
  are read from the database on every request, so a revocation during the outage takes effect at once;
- rate limits count per process (``core.throttling``).

When an operation succeeds again, the process resynchronises: it publishes the stamps it could not publish during
the outage, forgets its copies of the others (the next read takes the shared value) and clears the access cache.
Nothing here is a library's job: Django's cache API has no notion of a cache being down, and a circuit breaker this
small (one timestamp) is simpler than adding one.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis import exceptions as redis_exceptions

logger = logging.getLogger(__name__)

ACCESS_EPOCH_KEY = "core:access:epoch"
T = TypeVar("T")

# What "the shared cache is down" looks like (redis-py); anything else is a bug and propagates.
DOWN = (redis_exceptions.ConnectionError, redis_exceptions.TimeoutError, ConnectionError, TimeoutError)


class Unavailable(Exception):
    """The shared cache did not answer (or is skipped because it recently did not)."""


class SharedCache:
    """The shared cache's health as this process sees it; ``attempt`` runs one operation under it."""

    RETRY_SECONDS = 1.0

    def __init__(self) -> None:
        self.down_since: float | None = None  # time.time() of the first failure of the current outage
        self.last_error = ""
        self.outages = 0  # outages this process has seen (tests and logs)
        self._retry_at = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    @property
    def up(self) -> bool:
        return self.down_since is None

    def attempt(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``operation`` against the shared cache; raise ``Unavailable`` when it is down."""
        if self.down_since is not None and time.monotonic() < self._retry_at:
            raise Unavailable(self.last_error)
        try:
            result = operation(*args, **kwargs)
        except DOWN as exc:
            self._failed(exc)
            raise Unavailable(str(exc)) from exc
        if self.down_since is not None:
            self._recovered()
        return result

    def on_recovery(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            self.last_error = f"{type(exc).__name__}: {exc}"
            if self.down_since is None:
                self.down_since = time.time()
                self.outages += 1
                logger.warning("shared cache unavailable (%s); serving from per-process state", self.last_error)

    def _recovered(self) -> None:
        with self._lock:
            if self.down_since is None:
                return
            seconds, self.down_since = time.time() - self.down_since, None
        logger.warning("shared cache is back after %.1f s; resynchronising", seconds)
        for listener in self._listeners:
            try:
                listener()
            except Exception:  # one listener's failure must not keep the others from resynchronising
                logger.exception("resynchronising after a shared-cache outage failed")


shared = SharedCache()
_clients: dict[int, tuple[Any, Any]] = {}  # id(cache client) -> (cache client, Redis client); kept so ids stay unique


def redis_client() -> Any:
    """One Redis client per cache client (per thread) over its connection pool; None when the cache is not Redis.
    Django's Redis cache builds a new client object, with its table of ~170 response callbacks, for every
    operation: most of the CPU of a one-key read."""
    cache_client = getattr(cache, "_cache", None)
    client_of = getattr(cache_client, "get_client", None)
    if client_of is None:
        return None
    entry = _clients.get(id(cache_client))
    if entry is None or entry[0] is not cache_client:
        entry = _clients[id(cache_client)] = (cache_client, client_of(None, write=True))
    return entry[1]


def read_many(keys: list[str]) -> dict[str, Any]:
    """The shared values of ``keys`` in one round trip (keys without a value are left out)."""
    client = redis_client()
    if client is None:  # local-memory cache (the embedded default)
        return cache.get_many(keys)
    loads = cache._cache._serializer.loads  # type: ignore[attr-defined]
    values = client.mget([cache.make_key(k) for k in keys])
    return {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}


class Stamps:
    """Shared-cache values read at most once per TTL per process."""

    def __init__(self) -> None:
        self._local: dict[str, tuple[Any, float]] = {}
        self._sources: dict[str, Callable[[str], Any]] = {}
        self._unpublished: dict[str, Any] = {}  # published while the shared cache was down

    def source(self, prefix: str, read: Callable[[str], Any]) -> None:
        """Where the truth behind stamps named ``prefix...`` is read while the shared cache is down."""
        self._sources[prefix] = read

    def get(self, key: str) -> Any:
        now = time.monotonic()
        entry = self._local.get(key)
        ttl = settings.KEEL_STAMP_TTL
        if entry is not None and now - entry[1] < ttl:
            return entry[0]
        # every stamp due for a re-read comes along: one round trip per TTL however many stamps a request uses
        due = [key, *(k for k, (_, at) in tuple(self._local.items()) if k != key and now - at >= ttl)]
        try:
            values = shared.attempt(read_many, due)
        except Unavailable:
            value = self._from_source(key)
            self._local[key] = (value, now)
            return value
        for name in due:
            self._local[name] = (values.get(name), now)
        return values.get(key)

    def _from_source(self, key: str) -> Any:
        for prefix, read in self._sources.items():
            if key.startswith(prefix):
                return read(key)
        return None  # unknown: callers read their own truth

    def publish(self, key: str, value: Any) -> None:
        """Set the shared value and this process's copy (other processes follow within the TTL); while the shared
        cache is down, keep it to publish on recovery."""
        self._local[key] = (value, time.monotonic())
        try:
            shared.attempt(cache.set, key, value, timeout=None)
        except Unavailable:
            self._unpublished[key] = value

    def add(self, key: str, value: Any) -> None:
        """Publish ``value`` read from the source of truth unless the shared cache already holds a value (a change
        made meanwhile: this process forgets its copy and reads the shared one next)."""
        try:
            added = shared.attempt(cache.add, key, value, timeout=None)
        except Unavailable:
            added = True  # the value came from the source of truth: keep it for the TTL
        if added:
            self.remember(key, value)
        else:
            self.forget(key)

    def remember(self, key: str, value: Any) -> None:
        """Set only this process's copy (the shared value is known to equal it)."""
        self._local[key] = (value, time.monotonic())

    def forget(self, key: str | None = None) -> None:
        if key is None:
            self._local.clear()
        else:
            self._local.pop(key, None)

    def resynchronise(self) -> None:
        """After an outage: publish what could not be published, and take every other stamp from the cache again."""
        pending, self._unpublished = self._unpublished, {}
        self.forget()
        for key, value in pending.items():
            self.publish(key, value)


stamps = Stamps()


class AccessCache:
    """Token and membership lookups cached under the access epoch."""

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[Any, Any]] = {}
        self._lock = threading.Lock()

    def epoch(self) -> Any:
        """The current access epoch; None while the shared cache is down (nothing is cached then)."""
        value = stamps.get(ACCESS_EPOCH_KEY)
        if value is None and shared.up:  # first use, or the shared cache lost it: start one every process agrees on
            try:
                shared.attempt(cache.add, ACCESS_EPOCH_KEY, uuid.uuid4().hex, timeout=None)
            except Unavailable:
                return None
            stamps.forget(ACCESS_EPOCH_KEY)
            value = stamps.get(ACCESS_EPOCH_KEY)
        return value

    def get(self, key: Any) -> Any:
        epoch = self.epoch()
        entry = self._entries.get(key)
        if entry is None or epoch is None or entry[0] != epoch:
            return None
        return entry[1]

    def put(self, key: Any, value: Any) -> None:
        epoch = self.epoch()
        if epoch is None:
            return
        with self._lock:
            if len(self._entries) > settings.KEEL_ACCESS_CACHE_SIZE:
                self._entries.clear()
            self._entries[key] = (epoch, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


access = AccessCache()


def _resynchronise() -> None:
    access.clear()  # entries cached before the outage may predate a change made during it
    stamps.resynchronise()


shared.on_recovery(_resynchronise)


def access_changed(**_: Any) -> None:
    """A token, user, membership or project changed: forget locally now, tell other processes on commit."""
    access.clear()
    transaction.on_commit(lambda: stamps.publish(ACCESS_EPOCH_KEY, uuid.uuid4().hex))
