"""Mergeable distribution sketches of numeric columns (Apache DataSketches' KLL), for drift. Pure: no Django imports.

A numeric column is summarised by a KLL quantile sketch of its finite values (``kll_doubles_sketch``) and, while
it has at most ``VALUE_COUNT_LIMIT`` distinct values, their exact counts. The dataset profile holds one built on
every row with ``REFERENCE_K``; the per-minute rollups of the prediction log hold one per minute with
``ROLLUP_K``, merged over a window into a sketch of ``WINDOW_K`` (a window is rarely much larger than ``ROLLUP_K``
values a minute, so merging into a wider sketch adds almost no compaction of its own). KLL keeps every value while
a sketch has seen at most ``k`` of them (exact below that) and otherwise answers any rank query within the
normalised rank error ``rank_error(k)`` (99 % confidence, PMF/CDF form: 0.0019 for 2000, 0.0086 for 400); a merged
sketch is bounded by its smallest part's ``k`` (``sketch_rank_error``). The sketch is stored as its DataSketches
binary serialisation (base64 in JSON documents such as the profile).
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from datasketches import kll_doubles_sketch
from numpy.typing import NDArray

REFERENCE_K = 2000
ROLLUP_K = 400
WINDOW_K = 4000
VALUE_COUNT_LIMIT = 100
SKETCH_TYPE = "kll_doubles"
_LEVELS = struct.Struct("<B")


def kll_from_values(values: NDArray[np.float64], k: int) -> kll_doubles_sketch:
    """A KLL sketch of ``values`` (finite float64 values only)."""
    sketch = kll_doubles_sketch(k)
    if values.size:
        sketch.update(np.ascontiguousarray(values, dtype=np.float64))
    return sketch


def kll_merge(parts: Iterable[kll_doubles_sketch], k: int) -> kll_doubles_sketch:
    merged = kll_doubles_sketch(k)
    for part in parts:
        merged.merge(part)
    return merged


def kll_to_text(sketch: kll_doubles_sketch) -> str:
    return base64.b64encode(sketch.serialize()).decode("ascii")


def kll_from_bytes(data: bytes) -> kll_doubles_sketch:
    return kll_doubles_sketch.deserialize(data)


def kll_from_text(text: str) -> kll_doubles_sketch:
    return kll_doubles_sketch.deserialize(base64.b64decode(text))


def kll_weighted(sketch: kll_doubles_sketch) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The sketch's retained values (sorted) and their weights: a weighted sample standing for every value seen.

    Read from the sketch's serialisation (``_retained``), which holds the same items in the order iterating the
    sketch yields them, at a fraction of the cost of iterating it from Python."""
    values, weights = _retained(sketch.serialize())
    order = np.argsort(values, kind="stable")
    return values[order], weights[order]


def _retained(data: bytes) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Items and weights of a serialised KLL doubles sketch (DataSketches format, little-endian): an 8-byte
    preamble (flags in byte 3: 1 empty, 4 a single item); unless empty or single, n (8 bytes), min k (2), the
    number of levels L (1), one unused byte, the start of each of the L levels in the item buffer (4 bytes each),
    min and max (8 each); then the retained items, level by level from level 0, an item of level i weighing 2^i."""
    flags = data[3]
    if flags & 1:
        return np.empty(0), np.empty(0)
    if flags & 4:
        return np.frombuffer(data, dtype="<f8", count=1, offset=8).copy(), np.ones(1)
    (levels,) = _LEVELS.unpack_from(data, 18)
    starts = np.frombuffer(data, dtype="<u4", count=levels, offset=20).astype(np.int64)
    values = np.frombuffer(data, dtype="<f8", offset=20 + 4 * levels + 16).copy()
    sizes = np.diff(np.append(starts - starts[0], values.size))
    return values, np.repeat(np.ldexp(1.0, np.arange(levels)), sizes)


def rank_error(k: int) -> float:
    """KLL's normalised rank error bound (99 % confidence) for a CDF read off a sketch of parameter ``k``."""
    return float(kll_doubles_sketch.get_normalized_rank_error(k, True))


def sketch_rank_error(sketch: kll_doubles_sketch) -> float:
    """The rank error bound of a sketch's CDF: 0 while it holds every value, else that of its smallest part's k."""
    return float(sketch.normalized_rank_error(True)) if sketch.is_estimation_mode() else 0.0


def value_counts(values: NDArray[np.float64], limit: int = VALUE_COUNT_LIMIT) -> list[list[float]] | None:
    """Exact ``[value, count]`` pairs in ascending order, or None when there are more than ``limit`` values."""
    distinct, counts = np.unique(values, return_counts=True)
    if distinct.size > limit:
        return None
    return [[float(v), int(c)] for v, c in zip(distinct, counts, strict=True)]


def merge_value_counts(parts: Iterable[list[list[float]] | None], limit: int = VALUE_COUNT_LIMIT) -> Any:
    """The counts of several parts added together; None when a part has none or the sum exceeds ``limit``."""
    total: dict[float, int] = {}
    for part in parts:
        if part is None:
            return None
        for value, count in part:
            total[float(value)] = total.get(float(value), 0) + int(count)
    if len(total) > limit:
        return None
    return [[v, total[v]] for v in sorted(total)]


def profile_sketch(values: NDArray[np.float64], k: int = REFERENCE_K) -> dict[str, Any]:
    """The profile fields of a numeric column's sketch: ``sketch`` (type, k, base64 data) and ``value_counts``."""
    return {
        "sketch": {"type": SKETCH_TYPE, "k": k, "data": kll_to_text(kll_from_values(values, k))},
        "value_counts": value_counts(values),
    }


def sketch_of_profile(column: Mapping[str, Any]) -> kll_doubles_sketch | None:
    """The KLL sketch stored in a profile column, or None when the column has none."""
    stored = column.get("sketch")
    if not stored or stored.get("type") != SKETCH_TYPE:
        return None
    return kll_from_text(stored["data"])
