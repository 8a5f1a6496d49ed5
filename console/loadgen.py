"""Pure helpers of the in-process load test: inputs generated from a model signature, and latency figures.

No Django imports: usable from a notebook or a benchmark script.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NUMERIC = ("numeric", "integer")


def _value(spec: dict[str, Any], rng: np.random.Generator) -> Any:
    kind = spec.get("kind")
    if kind in NUMERIC:
        low, high = spec.get("min"), spec.get("max")
        low = 0.0 if low is None else float(low)
        high = low + 1.0 if high is None else float(high)
        value = float(rng.uniform(low, high)) if high > low else low
        return round(value) if kind == "integer" else value
    if kind == "boolean":
        return bool(rng.integers(0, 2))
    if kind == "categorical" and spec.get("categories"):
        categories = list(spec["categories"])
        return str(categories[int(rng.integers(0, len(categories)))])
    if kind in ("categorical", "text"):
        return f"value-{int(rng.integers(0, 1000))}"
    return "2026-01-01T00:00:00+00:00"  # datetime


def rows_from_signature(signature: dict[str, Any], n: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` rows that pass the signature's checks: numbers inside the training range, known categories."""
    rng = np.random.default_rng(seed)
    inputs = signature.get("inputs", [])
    return [{spec["name"]: _value(spec, rng) for spec in inputs} for _ in range(n)]


def summarize(latencies_ms: list[float], errors: int, duration_s: float) -> dict[str, float | int]:
    """Throughput, latency percentiles and error rate of a finished run (all requests, failed ones included)."""
    requests = len(latencies_ms)
    values = np.asarray(latencies_ms or [0.0])
    p50, p95, p99 = (float(round(x, 3)) for x in np.percentile(values, [50, 95, 99]))
    return {
        "requests": requests,
        "errors": errors,
        "duration_s": round(duration_s, 3),
        "rps": round(requests / duration_s, 2) if duration_s > 0 else 0.0,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "error_rate": round(errors / requests, 6) if requests else 0.0,
    }
