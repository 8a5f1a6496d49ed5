"""Running bounded in-process load tests of a deployment's serving revision (for the readiness checklist).

A run routes, validates and predicts generated rows exactly as the inference endpoint does, bounded by a request
count and a duration, but does not write prediction-log rows: generated traffic must not enter the audit log, the
drift windows or the A/B analysis. Its latency therefore excludes the log insert (see BENCHMARKS.md for HTTP
figures with it).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.utils import timezone

from console import loadgen
from console.models import LoadTest
from serving import runtime, validation
from serving.inference import run_model

POOL = 256  # generated rows per variant, reused round-robin


def load_test_run(*, load_test_id: int) -> LoadTest | None:
    """Claim a queued test (a redelivered message finds it claimed and does nothing), run it, store figures."""
    if LoadTest.objects.filter(pk=load_test_id, status=LoadTest.Status.QUEUED).update(status="running") != 1:
        return None
    test = LoadTest.objects.get(pk=load_test_id)
    try:
        figures = _drive(test)
    except Exception as exc:  # a broken deployment is a failed test, recorded with its reason
        LoadTest.objects.filter(pk=test.pk).update(
            status=LoadTest.Status.FAILED, detail=f"{type(exc).__name__}: {exc}"[:500], finished_at=timezone.now()
        )
    else:
        done = {"status": LoadTest.Status.SUCCEEDED, "finished_at": timezone.now(), **figures}
        LoadTest.objects.filter(pk=test.pk).update(**done)
    test.refresh_from_db()
    return test


def _drive(test: LoadTest) -> dict[str, Any]:
    table = runtime.routes.table(test.deployment_id)
    pools: dict[str, list[dict[str, Any]]] = {}
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    while len(latencies) < test.max_requests and time.perf_counter() - started < test.max_seconds:
        t0 = time.perf_counter()
        try:
            _one(table, pools, len(latencies), test.batch_size)
        except Exception:
            errors += 1
        latencies.append((time.perf_counter() - t0) * 1000)
    return loadgen.summarize(latencies, errors, time.perf_counter() - started)


def _one(table: runtime.DeploymentTable, pools: dict[str, list[dict[str, Any]]], i: int, batch: int) -> None:
    variant = table.variants[table.table.choose(uuid.uuid4().hex).name]
    version = variant.version
    pool = pools.setdefault(variant.name, loadgen.rows_from_signature(version.signature, POOL, seed=version.pk))
    rows = [pool[(i * batch + k) % len(pool)] for k in range(batch)]
    checked = validation.check_rows(rows, version.signature, unknown_features="error")
    if checked.errors:
        raise ValueError(checked.errors[0]["message"])
    run_model(runtime.models.get(version), checked.rows, version.signature)
