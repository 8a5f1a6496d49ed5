"""A short run of the load benchmark (bench/bench_load.py): locust against gunicorn with 2 workers on loopback.

Asserts behaviour only: no request fails, and the workers' memory does not keep growing after warm-up. Throughput
and latency are reported in BENCHMARKS.md, not asserted.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.integration.conftest import ROOT, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]  # the first run also collects static files

DURATION_S = 20
RSS_GROWTH_LIMIT_MB = 40.0


def _bench():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "bench_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module
    spec.loader.exec_module(module)
    return module


def test_short_load_run_has_no_errors_and_flat_memory(transactional_db, tmp_path):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs Postgres and Redis")
    bench = _bench()
    cache.clear()
    seeded = bench.seed(slug="load", work=tmp_path)
    env = worker_env() | {"KEEL_LOG_LEVEL": "WARNING"}
    figures = bench.measure(env, seeded, duration=DURATION_S, users=4, work=tmp_path)
    bench.print_report(figures)
    total, kinds = figures["total"], figures["by_kind"]
    assert total["requests"] > 0 and total["failures"] == 0, figures["failures"]
    assert {"predict", "feedback", "prediction log", "dashboard data"} <= set(kinds), sorted(kinds)
    rss = figures["rss"]
    assert len(rss["workers"]) == 2, rss
    assert rss["max_growth_mb"] is not None and rss["max_growth_mb"] < RSS_GROWTH_LIMIT_MB, rss
