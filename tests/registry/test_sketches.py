"""KLL sketches read back as weighted values: the serialisation parser gives what iterating the sketch gives."""

from __future__ import annotations

import numpy as np
import pytest
from datasketches import kll_doubles_sketch

from registry import sketches


def iterated(sketch: kll_doubles_sketch) -> tuple[np.ndarray, np.ndarray]:
    """The retained (value, weight) pairs as the sketch's own iterator yields them, sorted stably by value."""
    pairs = np.array(list(sketch), dtype=float).reshape(-1, 2)
    order = np.argsort(pairs[:, 0], kind="stable")
    return pairs[order, 0], pairs[order, 1]


def merged(rng: np.random.Generator) -> kll_doubles_sketch:
    return sketches.kll_merge((sketches.kll_from_values(rng.lognormal(size=3000), 400) for _ in range(60)), 4000)


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: kll_doubles_sketch(400),
        lambda rng: sketches.kll_from_values(np.array([3.5]), 400),
        lambda rng: sketches.kll_from_values(rng.normal(size=50), 400),
        lambda rng: sketches.kll_from_values(rng.integers(0, 5, 5000).astype(float), 400),
        lambda rng: sketches.kll_from_values(rng.normal(size=200_000), 2000),
        merged,
    ],
    ids=["empty", "one value", "exact", "ties", "estimation", "merged"],
)
def test_weighted_values_are_the_sketch_items(make):
    sketch = make(np.random.default_rng(7))
    values, weights = sketches.kll_weighted(sketch)
    expected_values, expected_weights = iterated(sketch)
    assert np.array_equal(values, expected_values) and np.array_equal(weights, expected_weights)
    assert weights.sum() == sketch.n
