"""Fixed-bucket latency histograms for rollups and percentiles, pure (no Django).

Bucket ``i`` counts latencies in ``(BOUNDS[i - 1], BOUNDS[i]]`` milliseconds (Prometheus ``le`` semantics), the
first from 0 and the last open up to infinity. Because the bounds are fixed, histograms from different workers,
windows or variants merge by adding counts (associative and commutative), and one stores as a list of
``len(BOUNDS)`` integers (``to_list``/``from_list``).

``percentile(q)``, q in [0, 100] as in ``numpy.percentile``: with N values and cumulative counts C_i, the rank is
r = q / 100 * N; the bucket is the first non-empty one with C_i >= r; and, assuming values spread uniformly inside
it, the estimate is

    lower_i + (r - C_{i-1}) / c_i * (upper_i - lower_i)

so it lies in the bucket that holds the exact percentile or next to it. The open last bucket returns its lower
bound (10000 ms), a floor rather than an estimate.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

BOUNDS: tuple[float, ...] = (
    0.5,
    1.0,
    2.0,
    3.0,
    5.0,
    7.5,
    10.0,
    15.0,
    20.0,
    30.0,
    50.0,
    75.0,
    100.0,
    150.0,
    200.0,
    300.0,
    500.0,
    750.0,
    1000.0,
    2000.0,
    5000.0,
    10000.0,
    math.inf,
)
N_BUCKETS = len(BOUNDS)


def bucket_index(ms: float) -> int:
    """The bucket of a latency: the first whose upper bound is >= ms."""
    if not ms >= 0:  # also rejects NaN
        raise ValueError(f"latency must be a number >= 0, got {ms}")
    return bisect.bisect_left(BOUNDS, ms)


def bucket_range(index: int) -> tuple[float, float]:
    """(lower, upper] of a bucket in ms; the last upper bound is infinity."""
    return (BOUNDS[index - 1] if index else 0.0), BOUNDS[index]


def _zeros() -> list[int]:
    return [0] * N_BUCKETS


@dataclass
class Histogram:
    """Counts per bucket of ``BOUNDS``."""

    counts: list[int] = field(default_factory=_zeros)

    def __post_init__(self) -> None:
        if len(self.counts) != N_BUCKETS:
            raise ValueError(f"a histogram has {N_BUCKETS} buckets, got {len(self.counts)}")
        if any(isinstance(c, bool) or not isinstance(c, int | np.integer) or c < 0 for c in self.counts):
            raise ValueError("bucket counts must be integers >= 0")
        self.counts = [int(c) for c in self.counts]

    @classmethod
    def from_list(cls, counts: Sequence[int]) -> Histogram:
        """Rebuild a histogram stored with ``to_list`` (validated)."""
        return cls(list(counts))

    @classmethod
    def from_values(cls, values: ArrayLike) -> Histogram:
        """A histogram of raw latencies in ms."""
        histogram = cls()
        histogram.add_many(values)
        return histogram

    @property
    def count(self) -> int:
        return sum(self.counts)

    def to_list(self) -> list[int]:
        """The counts, JSON-ready."""
        return list(self.counts)

    def add(self, ms: float, count: int = 1) -> None:
        """Count ``count`` requests of latency ``ms``."""
        if count < 0:
            raise ValueError("count must be >= 0")
        self.counts[bucket_index(ms)] += count

    def add_many(self, values: ArrayLike) -> None:
        """Count many latencies at once (vectorised ``add``)."""
        array = np.asarray(values, dtype=np.float64).ravel()
        if not np.all(array >= 0):
            raise ValueError("latencies must be numbers >= 0")
        found = np.bincount(np.searchsorted(BOUNDS, array, side="left"), minlength=N_BUCKETS)
        self.counts = [a + int(b) for a, b in zip(self.counts, found, strict=True)]

    def merge(self, other: Histogram) -> Histogram:
        """A new histogram with the counts of both."""
        return Histogram([a + b for a, b in zip(self.counts, other.counts, strict=True)])

    def percentile(self, q: float) -> float | None:
        """The q-th percentile (0..100) in ms, interpolated inside its bucket; None when empty."""
        if not 0 <= q <= 100:
            raise ValueError("q must be in [0, 100]")
        total = self.count
        if total == 0:
            return None
        index, fraction = self._locate(q / 100 * total)
        lower, upper = bucket_range(index)
        return lower if math.isinf(upper) else lower + fraction * (upper - lower)

    def _locate(self, rank: float) -> tuple[int, float]:
        """The first non-empty bucket whose cumulative count reaches ``rank``, and how far into it the rank falls."""
        cumulative = 0
        last = 0
        for index, n in enumerate(self.counts):
            if n and cumulative + n >= rank:
                return index, (rank - cumulative) / n
            cumulative += n
            last = index if n else last
        return last, 1.0  # only reached through float rounding of the rank


def merge(histograms: Iterable[Histogram]) -> Histogram:
    """The sum of any number of histograms (an empty histogram for none)."""
    total = Histogram()
    for histogram in histograms:
        total = total.merge(histogram)
    return total
