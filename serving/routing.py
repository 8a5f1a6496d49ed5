"""Choosing a variant for a request. Pure: no Django imports.

A request with a routing key is sticky: ``sha256(salt:key)`` maps it to a bucket in [0, 1), and the bucket falls
in one variant's cumulative weight range, so the same key gets the same variant in every process and after every
restart (as long as the weights do not change). Requests without a key are spread by their request id.
Shadow variants never answer; they are mirrored for a share of requests chosen the same way with another salt.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field

SHADOW_SALT = "shadow"


def bucket(salt: str, key: str) -> float:
    """A deterministic, uniform point in [0, 1) for ``key`` (first 8 bytes of sha256 as an integer)."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class Route:
    name: str
    weight: float  # percent of live traffic (0-100)
    version_id: int


@dataclass
class RoutingTable:
    salt: str
    live: list[Route]
    shadows: list[Route] = field(default_factory=list)
    _edges: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        total = sum(r.weight for r in self.live)
        edges, running = [], 0.0
        for route in self.live:
            running += route.weight / total if total else 0.0
            edges.append(running)
        if edges:
            edges[-1] = 1.0  # absorb rounding so every bucket lands somewhere
        self._edges = edges

    def choose(self, key: str) -> Route:
        if not self.live:
            raise LookupError("no variant can take traffic")
        index = bisect_right(self._edges, bucket(self.salt, key))
        return self.live[min(index, len(self.live) - 1)]

    def shadows_for(self, key: str) -> list[Route]:
        point = bucket(f"{self.salt}:{SHADOW_SALT}", key)
        return [route for route in self.shadows if point < route.weight / 100.0]


def rebalance(weights: dict[str, float], unavailable: set[str]) -> dict[str, float]:
    """Give the share of unavailable variants to the others, in proportion to their weights."""
    available = {name: w for name, w in weights.items() if name not in unavailable}
    total = sum(available.values())
    if not available:
        return {}
    if total <= 0:
        return {name: 100.0 / len(available) for name in available}
    return {name: 100.0 * w / total for name, w in available.items()}
