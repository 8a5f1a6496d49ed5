"""Drift report benchmark: ``compute_report`` on raw current values against the scheduled path's merged sketches.

30 numeric features, a 50,000-row reference profile (so the default method is the normed Wasserstein distance),
and current windows of 10k, 100k and 1M rows with half of the features shifted by 0.5 std. For each size it prints
the report time on raw values, the time to sketch the window as the per-minute rollups do (60 minutes), the time to
merge those minutes and report, and whether both verdicts agree. If the ``evidently`` package is importable, its
DataDriftPreset is timed on the same frames; otherwise that comparison is skipped (it is not a dependency).

Then the scheduled report over 24 hours (``--day ROWS``, default 5,000,000): 1440 per-minute packed sketches of the
30 features, as the rollups store them, are unpacked, merged and reported; it prints the sketching cost per logged
row (what maintaining the rollups adds, beyond reading the rows), the stored bytes and the report time.

With ``--db postgres://.../NAME`` (a scratch database: dropped and recreated, dropped after) the day is also run
through the service on Postgres (``day_in_db``): hourly rollups written from the stored minutes, and the report
of the 24 h window read with and without them.

Usage: uv run python bench/bench_drift.py [rows ...] [--day ROWS] [--db URL] [--redis URL]
(default: 10000 100000 1000000 --day 5000000, no database)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitoring.drift import (
    compute_report,
    merge_current,
    merge_packed,
    pack,
    profile_column_from_values,
    sketch_current,
    unpack,
)

FEATURES = 30
REFERENCE_ROWS = 50_000
SHIFT = 0.5  # in reference standard deviations, on every other feature


def _features(rows: int, seed: int, shift: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for i in range(FEATURES):
        loc, scale = float(i), 1.0 + i / 10
        moved = shift if i % 2 == 0 else 0.0
        out[f"f{i}"] = rng.normal(loc + moved * scale, scale, rows)
    return out


def _best_of(repeats: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def _evidently_seconds(reference: dict[str, np.ndarray], current: dict[str, np.ndarray]) -> float | None:
    try:
        import pandas as pd
        from evidently import Report
        from evidently.presets import DataDriftPreset
    except ImportError:
        return None
    ref, cur = pd.DataFrame(reference), pd.DataFrame(current)
    start = time.perf_counter()
    Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
    return time.perf_counter() - start


def _verdict(report: dict[str, Any]) -> tuple[int, list[float]]:
    return report["dataset"]["n_drifted"], [c["distance"] for c in report["columns"]]


def run(rows: int, profile: dict[str, Any], reference: dict[str, np.ndarray]) -> None:
    current = _features(rows, seed=rows, shift=SHIFT)
    repeats = 3 if rows <= 100_000 else 2
    columns = {c["name"]: c for c in profile["columns"]}
    raw_s, raw = _best_of(repeats, lambda: compute_report(profile, current))
    bin_s, minutes = _best_of(repeats, lambda: _sketch_minutes(columns, current, 60))
    binned_s, binned = _best_of(repeats, lambda: compute_report(profile, _merge(minutes)))
    (raw_n, raw_d), (binned_n, binned_d) = _verdict(raw), _verdict(binned)
    gap = max(abs(a - b) for a, b in zip(raw_d, binned_d, strict=True))
    evidently = _evidently_seconds(reference, current)
    evidently_text = f"{evidently:8.3f}" if evidently is not None else "skipped"
    print(
        f"{rows:>9,} {raw_s:9.3f} {bin_s:9.3f} {binned_s:9.4f} {raw_s / binned_s:9.0f}x "
        f"{raw_n:>3}/{binned_n:<3} {gap:9.4f} {evidently_text:>9}"
    )


def _sketch_minutes(columns: dict[str, Any], current: dict[str, np.ndarray], minutes: int) -> list[bytes]:
    split = {name: np.array_split(values, minutes) for name, values in current.items()}
    return [
        pack({name: sketch_current(columns[name], parts[i]) for name, parts in split.items()}) for i in range(minutes)
    ]


def _merge(stored: list[bytes]) -> dict[str, Any]:
    unpacked = [unpack(data) for data in stored]
    return {name: merge_current(*(minute[name] for minute in unpacked)) for name in unpacked[0]}


def _day_minutes(columns: dict[str, Any], per_minute: int) -> tuple[list[bytes], float]:
    """1440 packed minute sketches as the rollups store them, and the seconds spent sketching."""
    stored, sketching = [], 0.0
    for minute in range(1440):
        values = _features(per_minute, seed=10_000 + minute, shift=SHIFT)
        start = time.perf_counter()
        stored.append(pack({name: sketch_current(columns[name], v) for name, v in values.items()}))
        sketching += time.perf_counter() - start
    return stored, sketching


def _tail(per_minute: int) -> list[dict[str, float]]:
    """One minute of logged inputs as a report reads them past the rollup watermark (decoded JSON objects)."""
    values = _features(per_minute, seed=9_999, shift=SHIFT)
    names = list(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*(values[n].tolist() for n in names), strict=True)]


def _window(columns: dict[str, Any], stored: list[bytes], tail: list[dict[str, float]]) -> dict[str, Any]:
    """What ``monitoring.services.drift`` merges: stored sketches (hours and minutes) plus the raw tail sketched."""
    unpacked = [unpack(data) for data in stored]
    merged = {}
    for name, column in columns.items():
        tail_sketch = sketch_current(column, [row.get(name) for row in tail])
        merged[name] = merge_current(*(part[name] for part in unpacked), tail_sketch)
    return merged


def day(rows: int, profile: dict[str, Any]) -> list[bytes]:
    """The scheduled report over 24 h of ``rows`` logged rows, from 1440 stored minutes, from 24 hourly merges of
    them, and as a scheduled 24 h window reads it: 23 whole hours, 59 edge minutes and one raw minute past the
    watermark (a window ending hh:mm, mm > 0, has 60 - mm minutes before its first whole hour and mm after its last;
    the last minute or so is not rolled up yet). Returns the stored minutes."""
    columns = {c["name"]: c for c in profile["columns"]}
    per_minute = rows // 1440
    total = per_minute * 1440
    stored, sketching = _day_minutes(columns, per_minute)
    start = time.perf_counter()
    hours = [merge_packed(stored[h * 60 : (h + 1) * 60]) for h in range(24)]
    merging = time.perf_counter() - start
    minute_bytes, hour_bytes = sum(len(b) for b in stored), sum(len(b) for b in hours)
    print(
        f"24 h, {total:,} rows x {FEATURES}: sketching {sketching / total * 1e6:.2f} us/row ({sketching:.1f} s in all);"
        f" hourly merges {merging / total * 1e6:.2f} us/row ({merging:.1f} s for 24 hours)"
    )
    print(
        f"stored: minutes {minute_bytes / 1e6:.0f} MB ({minute_bytes / 1440 / FEATURES / 1e3:.1f} kB per feature "
        f"and minute), hours {hour_bytes / 1e6:.0f} MB ({hour_bytes / 24 / FEATURES / 1e3:.1f} kB per feature and "
        f"hour)"
    )
    minutes_s, from_minutes = _best_of(1, lambda: compute_report(profile, _merge(stored)))
    hours_s, from_hours = _best_of(3, lambda: compute_report(profile, _merge(hours)))
    tail = _tail(per_minute)
    edges = stored[30:60] + stored[:29]  # 30 minutes before the first whole hour, 29 after the last
    window_s, windowed = _best_of(3, lambda: compute_report(profile, _window(columns, hours[1:] + edges, tail)))
    drifted = [r["dataset"]["n_drifted"] for r in (from_minutes, from_hours, windowed)]
    print(
        f"report: from 1440 minutes {minutes_s:.3f} s, from 24 hours {hours_s:.3f} s, scheduled window (23 hours + "
        f"59 minutes + {per_minute:,} raw rows) {window_s:.3f} s; drifted {'/'.join(map(str, drifted))}"
    )
    return stored


def day_in_db(stored: list[bytes], rows: int, reference: dict[str, np.ndarray], db_url: str, redis_url: str) -> None:
    """The same day through ``monitoring.services.drift.compute`` on Postgres, as a scheduled report reads it: a
    scratch database (recreated, migrated, dropped after) with a deployment whose version's training-data profile
    is the reference, the 1440 stored minutes as ``PredictionRollup`` rows of a 24 h window ending at hh:30, the
    watermark a minute before its end and that minute's rows in the prediction log. Times the hourly rollups of the
    23 whole hours (``rollup_hour_compute``: read 60 minutes, merge, upsert), then the report with the hours, then
    without them (every minute read and merged: the path before hourly rollups)."""
    import argparse

    import pandas as pd

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_drift_evidently as harness

    work = argparse.Namespace(work_dir="/tmp/keel-bench-drift-day", db_url=db_url, redis_url=redis_url)
    env = harness.keel_env(work)
    os.environ.update(env)
    name = db_url.rsplit("/", 1)[-1]
    harness._admin_execute(db_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    harness._admin_execute(db_url, f"CREATE DATABASE {name}")
    try:
        root = Path(__file__).resolve().parents[1]
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=root, env=env, check=True)
        import django

        django.setup()
        _day_in_db(stored, rows, pd.DataFrame(reference), harness.KeelSide())
        from django.db import connections

        connections.close_all()
    finally:
        harness._admin_execute(db_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _day_in_db(stored: list[bytes], rows: int, reference: Any, side: Any) -> None:
    import json
    from datetime import timedelta

    import pandas as pd
    from django.db import connection
    from django.utils import timezone

    from core.storage import blob_read_verified
    from monitoring.services.drift import compute
    from monitoring.services.rollups import rollup_hour_compute
    from serving.latency import Histogram
    from serving.models import PredictionRollup, PredictionRollupHour, RollupWatermark
    from serving.traffic import WATERMARK

    deployment = side.deployment(reference)
    version = deployment.current_revision.variants.get().model_version
    profile = json.loads(blob_read_verified(version.reference_profile_sha256))
    target = next(c for c in profile["columns"] if c["name"] == version.signature["output"]["name"])
    per_minute = rows // 1440
    output = pack({target["name"]: sketch_current(target, [minute % 2 for minute in range(per_minute)])})
    end = timezone.now().replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    start, mark = end - timedelta(hours=24), end - timedelta(minutes=1)
    latency = Histogram.from_values([1.0] * per_minute).to_list()
    for first in range(0, 1439, 60):
        PredictionRollup.objects.bulk_create(
            PredictionRollup(
                project_id=deployment.project_id,
                deployment_id=deployment.pk,
                variant="primary",
                model_version_id=version.pk,
                minute=start + timedelta(minutes=i),
                requests=per_minute,
                latency_sum_ms=float(per_minute),
                latency_ok=latency,
                latency_error=Histogram().to_list(),
                feature_sketches=stored[i],
                output_sketch=output,
            )
            for i in range(first, min(first + 60, 1439))
        )
    RollupWatermark.objects.update_or_create(name=WATERMARK, defaults={"until": mark})
    side.log(deployment, pd.DataFrame(_features(per_minute, seed=9_999, shift=SHIFT)), mark + timedelta(seconds=30))
    hours = [start.replace(minute=0) + timedelta(hours=h) for h in range(1, 24)]
    upkeep = time.perf_counter()
    for hour in hours:
        rollup_hour_compute(hour=hour)
    upkeep = time.perf_counter() - upkeep
    with connection.cursor() as cursor:
        sizes = {}
        for table in (PredictionRollup._meta.db_table, PredictionRollupHour._meta.db_table):
            cursor.execute(f"SELECT count(*), avg(octet_length(feature_sketches)) FROM {table}")  # noqa: S608 (model tables)
            sizes[table] = cursor.fetchone()
    (minutes_n, minute_avg), (hours_n, hour_avg) = sizes.values()
    print(
        f"in Postgres: hourly rollups of 23 hours {upkeep:.1f} s ({upkeep / (23 * 60 * per_minute) * 1e6:.2f} us per "
        f"logged row); feature sketches {float(minute_avg) / FEATURES / 1e3:.1f} kB per feature and minute "
        f"({minutes_n} minutes), {float(hour_avg) / FEATURES / 1e3:.1f} kB per feature and hour ({hours_n} hours)"
    )
    compute(deployment=deployment, window_start=start - timedelta(hours=24), window_end=start)  # warm-up, empty

    def report() -> dict[str, Any]:
        return compute(deployment=deployment, window_start=start, window_end=end)

    first_s, _ = _best_of(1, report)  # the first report of the process also reads and parses the profile
    with_hours_s, with_hours = _best_of(3, report)
    PredictionRollupHour.objects.all().delete()
    minutes_s, from_minutes = _best_of(1, report)
    counts = [(r["n_rows"], r["result"]["dataset"]["n_drifted"]) for r in (with_hours, from_minutes)]
    print(
        f"in Postgres: drift.compute over the 24 h window {with_hours_s:.3f} s with hourly rollups (first in the "
        f"process {first_s:.3f} s), {minutes_s:.3f} s from the minutes alone; (rows, drifted) {counts[0]} / "
        f"{counts[1]}"
    )


def main(sizes: list[int], day_rows: int, db_url: str, redis_url: str) -> None:
    reference = _features(REFERENCE_ROWS, seed=1, shift=0.0)
    start = time.perf_counter()
    profile = {"columns": [profile_column_from_values(n, v, "numeric") for n, v in reference.items()]}
    print(f"reference profile: {REFERENCE_ROWS:,} rows x {FEATURES} numeric in {time.perf_counter() - start:.3f} s")
    try:
        import evidently  # noqa: F401
    except ImportError:
        print("evidently is not installed: comparison skipped")
    print(
        f"{'rows':>9} {'raw s':>9} {'sketch s':>9} {'sketched s':>9} {'speedup':>10} {'drifted':>7} {'max gap':>9} "
        f"{'evidently':>9}"
    )
    for rows in sizes:
        run(rows, profile, reference)
    print("raw s / sketched s: compute_report on raw values / merging 60 minute sketches and reporting; sketch s:")
    print("sketching the window per minute; drifted: columns drifted raw/sketched; max gap: largest |raw - sketched|")
    print("normed Wasserstein distance")
    if day_rows:
        stored = day(day_rows, profile)
        if db_url:
            day_in_db(stored, day_rows, reference, db_url, redis_url)


if __name__ == "__main__":
    args = sys.argv[1:]
    day_rows = 5_000_000
    if "--day" in args:
        index = args.index("--day")
        day_rows = int(args[index + 1])
        del args[index : index + 2]
    options = {"--db": "", "--redis": "redis://127.0.0.1:6379/10"}
    for flag in options:
        if flag in args:
            index = args.index(flag)
            options[flag] = args[index + 1]
            del args[index : index + 2]
    main([int(a) for a in args] or [10_000, 100_000, 1_000_000], day_rows, options["--db"], options["--redis"])
