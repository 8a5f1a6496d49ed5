"""Prediction log at scale: a drift report and a dashboard page over 24 hours of 5 million logged rows.

In a dedicated Postgres database (``keel_bench_logscale``, created, migrated and dropped at the end), the rows are
generated inside Postgres with ``INSERT ... SELECT generate_series`` (not through HTTP) into daily partitions, over
the last 24 hours, for one deployment of a model trained on 5 of the breast-cancer features (two variants, 2 %
errors, log-normal latencies, half the features shifted). Then:

1. the per-minute rollups of the 24 hours are computed (the work the ``monitoring.compute_rollups`` task spreads
   over the day, one minute at a time) and timed;
2. the drift report of the 24-hour window (``monitoring.services.drift.compute``: rollup path) is timed;
3. the dashboard's deployment data over 24 hours (``health`` and ``request_series`` over 1440 minutes) is timed,
   and for contrast the raw-row scan the dashboard made before rollups (``serving.stats.variant_windows``) over
   only the last hour (over 24 hours it would hold every row's id and output in memory).

Usage: uv run python -u bench/bench_log_scale.py [rows]     (default 5000000; needs Postgres on 127.0.0.1:5432)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "keel_bench_logscale"
SERVER = "postgres://postgres@127.0.0.1:5432"
FEATURES = ("mean_radius", "mean_texture", "mean_smoothness", "worst_area", "area_error")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _setup_django(data_dir: str) -> None:
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{DB}",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        KEEL_AUDIT_SIGNING_KEY="bench-only-audit-signing-key-0123456789abcdef",
        REDIS_URL="redis://127.0.0.1:6379/7",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/7",
        CELERY_TASK_ALWAYS_EAGER="true",
        KEEL_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(label: str, work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:9.2f} s", flush=True)
    return seconds, result


def _fixture() -> tuple[Any, Any]:
    import json

    from core.models import Project, User
    from core.storage import blob_put_bytes
    from registry.models import ModelVersion
    from registry.tabular import infer_schema, profile_frame
    from serving.services import deployment_create
    from tests.registry.models_helpers import cancer_frame, make_version

    user = User.objects.create_user(username="bench")
    project = Project.objects.create(slug="bench", name="bench", task_type="classification")
    version = make_version(project, user, features=FEATURES)
    frame = cancer_frame()[[*FEATURES, "target"]]
    blob = blob_put_bytes(json.dumps(profile_frame(frame, infer_schema(frame))).encode())
    ModelVersion.objects.filter(pk=version.pk).update(reference_profile_sha256=blob.sha256, approval="approved")
    version.refresh_from_db()
    deployment = deployment_create(project=project, user=user, name="api", version=version)
    return deployment, version


def _generate(deployment: Any, version: Any, rows: int, start: Any) -> None:
    from django.db import connection

    from serving.traffic import floor_minute
    from tests.registry.models_helpers import cancer_frame

    frame = cancer_frame()
    stats = {f: (float(frame[f].mean()), float(frame[f].std())) for f in FEATURES}
    # half the features shifted by 0.5 std: a drifted day
    parts = [
        f"'{f}', round(({m} + {s} * ({0.5 if i % 2 == 0 else 0.0} + "
        f"sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 4)"
        for i, (f, (m, s)) in enumerate(stats.items())
    ]
    span = (floor_minute(start + timedelta(days=1)) - start).total_seconds() - 120
    sql = f"""
        INSERT INTO serving_predictionlog (created_at, prediction_id, request_id, project_id, deployment_id,
            revision_number, variant, model_version_id, caller, routing_key, inputs, outputs, latency_ms, is_error,
            error, shadow, flags)
        SELECT %(start)s::timestamptz + (g * {span} / {rows}) * interval '1 second', gen_random_uuid(), 'r' || g,
            %(project)s, %(deployment)s, 1, CASE WHEN g %% 10 < 8 THEN 'blue' ELSE 'green' END, %(version)s, 'bench',
            'user-' || (g %% 50000), jsonb_build_object({", ".join(parts)}),
            jsonb_build_object('prediction', (g %% 3 > 0)::int), exp(2.5 + 0.8 * sqrt(-2 * ln(1 - random()))
            * cos(2 * pi() * random())), g %% 50 = 0, CASE WHEN g %% 50 = 0 THEN 'boom' ELSE '' END, false, '[]'
        FROM generate_series(1, {rows}) AS g
    """  # noqa: S608 (bench: generated numbers only)
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"start": start, "project": deployment.project_id, "deployment": deployment.pk, "version": version.pk}
        )
        cursor.execute("ANALYZE serving_predictionlog")


def main(rows: int) -> None:
    _admin(f"DROP DATABASE IF EXISTS {DB}")
    _admin(f"CREATE DATABASE {DB}")
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            _setup_django(data_dir)
            run(rows)
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f"DROP DATABASE IF EXISTS {DB}")


def run(rows: int) -> None:
    from django.utils import timezone

    from console.dashboard.selectors import health, request_series
    from monitoring.services import drift
    from monitoring.services.rollups import rollups_compute_range
    from serving.models import RollupWatermark
    from serving.partitions import partitions_ensure, partitions_list
    from serving.stats import variant_windows
    from serving.traffic import floor_minute

    now = timezone.now()
    end = floor_minute(now) - timedelta(minutes=1)
    start = end - timedelta(days=1)
    deployment, version = _fixture()
    partitions_ensure(now=start, ahead_days=2)
    print(f"{rows:,} rows over {start:%Y-%m-%d %H:%M} .. {end:%H:%M} UTC in {len(partitions_list())} partitions")
    _timed(
        f"generate {rows:,} rows (INSERT ... SELECT generate_series)",
        lambda: _generate(deployment, version, rows, start),
    )
    _timed("rollups of the 1440 minutes (one-off backfill)", lambda: rollups_compute_range(start=start, end=end))
    RollupWatermark.objects.update_or_create(name="prediction_log", defaults={"until": end})
    drift_s, outcome = _timed(
        "drift report, 24 h window (from rollups)",
        lambda: drift.compute(deployment=deployment, window_start=start, window_end=end),
    )
    print(
        f"  source={outcome['source']} n_rows={outcome['n_rows']:,} drifted={outcome['result']['dataset']['drifted']}"
    )
    page_s, page = _timed(
        "dashboard data, 24 h (health + per-minute series)",
        lambda: (health(deployment, "classification", minutes=1440), request_series(deployment, minutes=1440)),
    )
    print(f"  requests={page[0]['requests']:,} p95={page[0]['p95_ms']:.1f} ms")
    _timed(
        "before rollups: raw-row scan of the same 24 h (variant_windows)",
        lambda: variant_windows(deployment_id=deployment.pk, since=start),
    )
    print(f"under 2 s: drift {'yes' if drift_s < 2 else 'NO'}, dashboard {'yes' if page_s < 2 else 'NO'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)
