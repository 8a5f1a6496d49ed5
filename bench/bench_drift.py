"""Drift report benchmark: ``compute_report`` on raw current values against pre-binned current counts.

30 numeric features, a 50,000-row reference profile (so the default method is the normed Wasserstein distance),
and current windows of 10k, 100k and 1M rows with half of the features shifted by 0.5 std. For each size it prints
the report time on raw values, the time to pre-bin the window (the work the scale path does upstream, chunk by
chunk), the report time on the bins, and whether both verdicts agree. If the ``evidently`` package is importable,
its DataDriftPreset is timed on the same frames; otherwise that comparison is skipped (it is not a dependency).

Usage: uv run python bench/bench_drift.py [rows ...]     (default: 10000 100000 1000000)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitoring.drift import bin_current, compute_report, profile_column_from_values

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
    bin_s, bins = _best_of(repeats, lambda: {n: bin_current(columns[n], v) for n, v in current.items()})
    binned_s, binned = _best_of(repeats, lambda: compute_report(profile, bins))
    (raw_n, raw_d), (binned_n, binned_d) = _verdict(raw), _verdict(binned)
    gap = max(abs(a - b) for a, b in zip(raw_d, binned_d, strict=True))
    evidently = _evidently_seconds(reference, current)
    evidently_text = f"{evidently:8.3f}" if evidently is not None else "skipped"
    print(
        f"{rows:>9,} {raw_s:9.3f} {bin_s:9.3f} {binned_s:9.4f} {raw_s / binned_s:9.0f}x "
        f"{raw_n:>3}/{binned_n:<3} {gap:9.4f} {evidently_text:>9}"
    )


def main(sizes: list[int]) -> None:
    reference = _features(REFERENCE_ROWS, seed=1, shift=0.0)
    start = time.perf_counter()
    profile = {"columns": [profile_column_from_values(n, v, "numeric") for n, v in reference.items()]}
    print(f"reference profile: {REFERENCE_ROWS:,} rows x {FEATURES} numeric in {time.perf_counter() - start:.3f} s")
    try:
        import evidently  # noqa: F401
    except ImportError:
        print("evidently is not installed: comparison skipped")
    print(
        f"{'rows':>9} {'raw s':>9} {'bin s':>9} {'binned s':>9} {'speedup':>10} {'drifted':>7} {'max gap':>9} "
        f"{'evidently':>9}"
    )
    for rows in sizes:
        run(rows, profile, reference)
    print("raw s / binned s: compute_report on raw values / on pre-binned counts; bin s: pre-binning the window;")
    print("drifted: columns drifted raw/binned; max gap: largest |raw - binned| normed Wasserstein distance")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
