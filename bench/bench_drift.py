"""Drift report benchmark: ``compute_report`` on raw current values against the scheduled path's merged sketches.

30 numeric features, a 50,000-row reference profile (so the default method is the normed Wasserstein distance),
and current windows of 10k, 100k and 1M rows with half of the features shifted by 0.5 std. For each size it prints
the report time on raw values, the time to sketch the window as the per-minute rollups do (60 minutes), the time to
merge those minutes and report, and whether both verdicts agree. If the ``evidently`` package is importable, its
DataDriftPreset is timed on the same frames; otherwise that comparison is skipped (it is not a dependency).

Then the scheduled report over 24 hours (``--day ROWS``, default 5,000,000): 1440 per-minute packed sketches of the
30 features, as the rollups store them, are unpacked, merged and reported; it prints the sketching cost per logged
row (what maintaining the rollups adds, beyond reading the rows), the stored bytes and the report time.

Usage: uv run python bench/bench_drift.py [rows ...] [--day ROWS]     (default: 10000 100000 1000000)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitoring.drift import compute_report, merge_current, pack, profile_column_from_values, sketch_current, unpack

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


def day(rows: int, profile: dict[str, Any]) -> None:
    """The scheduled report over 24 h of ``rows`` logged rows: 1440 stored minutes merged and reported."""
    columns = {c["name"]: c for c in profile["columns"]}
    per_minute = rows // 1440
    stored, sketching = [], 0.0
    for minute in range(1440):
        values = _features(per_minute, seed=10_000 + minute, shift=SHIFT)
        start = time.perf_counter()
        stored.append(pack({name: sketch_current(columns[name], v) for name, v in values.items()}))
        sketching += time.perf_counter() - start
    size = sum(len(b) for b in stored)
    report_s, report = _best_of(2, lambda: compute_report(profile, _merge(stored)))
    merge_s, _ = _best_of(2, lambda: _merge(stored))
    total, drifted = per_minute * 1440, report["dataset"]["n_drifted"]
    print(
        f"24 h, {total:,} rows x {FEATURES}: sketching {sketching / total * 1e6:.2f} us/row "
        f"({sketching:.1f} s in all), "
        f"stored {size / 1e6:.0f} MB ({size / 1440 / FEATURES / 1e3:.1f} kB per feature and minute); "
        f"report {report_s:.3f} s (unpack + merge {merge_s:.3f} s); drifted {drifted}"
    )


def main(sizes: list[int], day_rows: int) -> None:
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
        day(day_rows, profile)


if __name__ == "__main__":
    args = sys.argv[1:]
    day_rows = 5_000_000
    if "--day" in args:
        index = args.index("--day")
        day_rows = int(args[index + 1])
        del args[index : index + 2]
    main([int(a) for a in args] or [10_000, 100_000, 1_000_000], day_rows)
