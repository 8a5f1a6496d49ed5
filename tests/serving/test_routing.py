"""Routing determinism and split accuracy (pure)."""

from __future__ import annotations

import subprocess
import sys

from scipy.stats import binomtest

from serving.routing import Route, RoutingTable, bucket, rebalance


def _table(salt: str = "s1") -> RoutingTable:
    return RoutingTable(salt=salt, live=[Route("blue", 90, 1), Route("green", 10, 2)])


def test_split_90_10_within_99_percent_binomial_interval():
    table = _table()
    n = 20_000
    green = sum(table.choose(f"user-{i}").name == "green" for i in range(n))
    interval = binomtest(green, n, 0.10).proportion_ci(confidence_level=0.99)
    assert interval.low <= 0.10 <= interval.high, (green, interval)


def test_same_key_same_variant_across_processes():
    keys = [f"customer-{i}" for i in range(200)]
    here = [_table().choose(k).name for k in keys]
    code = (
        "from serving.routing import Route, RoutingTable;"
        "t = RoutingTable(salt='s1', live=[Route('blue', 90, 1), Route('green', 10, 2)]);"
        f"print(','.join(t.choose(k).name for k in {keys!r}))"
    )
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert there.split(",") == here


def test_bucket_is_uniform_and_salted():
    points = [bucket("a", str(i)) for i in range(10_000)]
    assert min(points) >= 0 and max(points) < 1
    assert abs(sum(points) / len(points) - 0.5) < 0.02
    assert bucket("a", "k") != bucket("b", "k")


def test_shadow_mirroring_share():
    table = RoutingTable(salt="s", live=[Route("p", 100, 1)], shadows=[Route("sh", 25, 3)])
    mirrored = sum(bool(table.shadows_for(str(i))) for i in range(20_000))
    interval = binomtest(mirrored, 20_000, 0.25).proportion_ci(confidence_level=0.99)
    assert interval.low <= 0.25 <= interval.high


def test_rebalance_gives_unavailable_share_to_the_rest():
    assert rebalance({"a": 50, "b": 30, "c": 20}, {"a"}) == {"b": 60.0, "c": 40.0}
    assert rebalance({"a": 100}, {"a"}) == {}
    assert rebalance({"a": 0, "b": 0}, set()) == {"a": 50.0, "b": 50.0}


def test_zero_weight_variant_never_chosen():
    table = RoutingTable(salt="x", live=[Route("a", 100, 1), Route("standby", 0, 2)])
    assert {table.choose(str(i)).name for i in range(2000)} == {"a"}
