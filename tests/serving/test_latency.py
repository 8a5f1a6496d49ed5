"""The fixed-bucket latency histogram: buckets, percentiles against numpy, merging and storage."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from serving.latency import BOUNDS, N_BUCKETS, Histogram, bucket_index, bucket_range, merge

RNG = np.random.default_rng(5)


def _lognormal(size: int, median_ms: float = 40.0, sigma: float = 1.0) -> np.ndarray:
    return RNG.lognormal(math.log(median_ms), sigma, size)


@pytest.mark.parametrize(
    ("ms", "index"),
    [(0.0, 0), (0.5, 0), (0.51, 1), (1.0, 1), (7.5, 5), (7.6, 6), (10000.0, 21), (10000.1, 22), (math.inf, 22)],
)
def test_bucket_index_upper_bounds_are_inclusive(ms, index):
    assert bucket_index(ms) == index
    lower, upper = bucket_range(index)
    assert lower < ms <= upper or ms == lower == 0.0


@pytest.mark.parametrize("ms", [-1.0, math.nan])
def test_bucket_index_rejects_negative_and_nan(ms):
    with pytest.raises(ValueError):
        bucket_index(ms)


def test_add_many_matches_add():
    values = _lognormal(2000)
    one_by_one = Histogram()
    for value in values:
        one_by_one.add(float(value))
    assert Histogram.from_values(values) == one_by_one
    assert one_by_one.count == 2000


@pytest.mark.parametrize(("median_ms", "sigma"), [(40.0, 1.0), (3.0, 0.6), (400.0, 1.5)])
def test_percentile_is_within_one_bucket_of_numpy(median_ms, sigma):
    values = _lognormal(20_000, median_ms, sigma)
    histogram = Histogram.from_values(values)
    for q in (1, 10, 25, 50, 75, 90, 95, 99, 99.9):
        estimate = histogram.percentile(q)
        exact = float(np.percentile(values, q))
        assert estimate is not None
        assert abs(bucket_index(estimate) - bucket_index(exact)) <= 1, (q, estimate, exact)


def test_percentile_interpolates_linearly_inside_the_bucket():
    histogram = Histogram()
    histogram.add(12.0, count=4)  # bucket (10, 15]
    assert histogram.percentile(50) == pytest.approx(12.5)
    assert histogram.percentile(25) == pytest.approx(11.25)
    assert histogram.percentile(0) == pytest.approx(10.0)
    assert histogram.percentile(100) == pytest.approx(15.0)


def test_percentile_skips_empty_buckets_and_is_monotone():
    histogram = Histogram.from_values([0.2, 0.3, 80.0, 90.0, 4000.0])
    assert histogram.percentile(0) == 0.0
    estimates = [histogram.percentile(q) for q in range(101)]
    assert estimates == sorted(estimates)
    assert histogram.percentile(40) == pytest.approx(0.5)  # rank 2 closes the first bucket
    assert histogram.percentile(60) == pytest.approx(87.5)  # rank 3 is halfway through (75, 100]
    assert histogram.percentile(100) == pytest.approx(5000.0)


def test_percentile_of_the_open_bucket_is_its_lower_bound():
    histogram = Histogram.from_values([25_000.0, 60_000.0])
    assert histogram.percentile(99) == 10000.0


def test_percentile_of_an_empty_histogram_is_none():
    assert Histogram().percentile(95) is None


@pytest.mark.parametrize("q", [-1, 100.5])
def test_percentile_rejects_q_outside_0_100(q):
    with pytest.raises(ValueError):
        Histogram.from_values([1.0]).percentile(q)


def test_merge_is_associative_and_adds_counts():
    a, b, c = (Histogram.from_values(_lognormal(size)) for size in (100, 250, 40))
    assert a.merge(b).merge(c) == a.merge(b.merge(c))
    assert a.merge(b) == b.merge(a)
    assert merge([a, b, c]) == a.merge(b).merge(c)
    assert merge([a, b, c]).count == 390
    assert merge([]) == Histogram()


def test_merge_of_parts_equals_the_histogram_of_the_whole():
    values = _lognormal(1000)
    parts = [Histogram.from_values(chunk) for chunk in np.array_split(values, 7)]
    assert merge(parts) == Histogram.from_values(values)


def test_merge_returns_a_new_histogram():
    a, b = Histogram.from_values([1.0]), Histogram.from_values([2.0])
    merged = a.merge(b)
    merged.add(3.0)
    assert (a.count, b.count, merged.count) == (1, 1, 3)


def test_to_list_round_trips_through_json():
    histogram = Histogram.from_values(_lognormal(500))
    stored = json.loads(json.dumps(histogram.to_list()))
    assert len(stored) == N_BUCKETS == len(BOUNDS)
    assert Histogram.from_list(stored) == histogram


@pytest.mark.parametrize("counts", [[0] * (N_BUCKETS - 1), [-1] + [0] * (N_BUCKETS - 1), [0.5] + [0] * (N_BUCKETS - 1)])
def test_from_list_rejects_bad_counts(counts):
    with pytest.raises(ValueError):
        Histogram.from_list(counts)


def test_add_rejects_bad_input():
    with pytest.raises(ValueError):
        Histogram().add(1.0, count=-1)
    with pytest.raises(ValueError):
        Histogram.from_values([1.0, -0.1])
