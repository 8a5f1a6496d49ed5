"""Per-process caches for the inference hot path, kept coherent across processes through shared-cache stamps.

A *stamp* is a small value in the shared cache (Redis in production) that changes whenever the thing it guards
changes: a deployment's current revision, or the "access epoch" that moves whenever a token, user, membership or
project changes. Each process reads a stamp at most once per ``KEEL_STAMP_TTL`` seconds (default 0.25 s), so a
change made in one process is seen by every other within that time (well inside the one-second promise), and the
process that made the change sees it at once (it updates its own copy when it publishes).

Access caching: the token lookup (``sha256(token) -> token + user``) and the membership lookup (``(user, project
slug) -> project + role``) are cached per process under the current access epoch. Revoking a token, disabling an
account or changing a role bumps the epoch on commit, and clears this process's entries immediately.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

ACCESS_EPOCH_KEY = "core:access:epoch"


class Stamps:
    """Shared-cache values read at most once per TTL per process."""

    def __init__(self) -> None:
        self._local: dict[str, tuple[Any, float]] = {}

    def get(self, key: str) -> Any:
        now = time.monotonic()
        entry = self._local.get(key)
        if entry is not None and now - entry[1] < settings.KEEL_STAMP_TTL:
            return entry[0]
        value = cache.get(key)
        self._local[key] = (value, now)
        return value

    def publish(self, key: str, value: Any) -> None:
        """Set the shared value and this process's copy (other processes follow within the TTL)."""
        cache.set(key, value, timeout=None)
        self._local[key] = (value, time.monotonic())

    def remember(self, key: str, value: Any) -> None:
        """Set only this process's copy (the shared value is known to equal it)."""
        self._local[key] = (value, time.monotonic())

    def forget(self, key: str | None = None) -> None:
        if key is None:
            self._local.clear()
        else:
            self._local.pop(key, None)


stamps = Stamps()


class AccessCache:
    """Token and membership lookups cached under the access epoch."""

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[Any, Any]] = {}
        self._lock = threading.Lock()

    def epoch(self) -> Any:
        value = stamps.get(ACCESS_EPOCH_KEY)
        if value is None:  # first use, or the shared cache lost it: start an epoch every process agrees on
            cache.add(ACCESS_EPOCH_KEY, uuid.uuid4().hex, timeout=None)
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


def access_changed(**_: Any) -> None:
    """A token, user, membership or project changed: forget locally now, tell other processes on commit."""
    access.clear()
    transaction.on_commit(lambda: stamps.publish(ACCESS_EPOCH_KEY, uuid.uuid4().hex))
