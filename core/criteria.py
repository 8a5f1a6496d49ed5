"""Acceptance criteria: ``[{"metric": "f1_macro", "op": ">=", "threshold": 0.9}]`` checked against metrics."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": lambda value, threshold: math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12),
}


def check_criterion(metrics: Mapping[str, float | None], criterion: Mapping[str, Any]) -> dict[str, Any]:
    """One criterion's result: ``{metric, op, threshold, value, passed}`` plus ``reason`` when it fails to apply."""
    metric, op, threshold = criterion.get("metric"), criterion.get("op", ">="), criterion.get("threshold")
    value = metrics.get(metric) if isinstance(metric, str) else None
    result: dict[str, Any] = {"metric": metric, "op": op, "threshold": threshold, "value": value, "passed": False}
    if op not in OPERATORS:
        return result | {"reason": f"unknown operator {op!r}; one of {', '.join(OPERATORS)}"}
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        return result | {"reason": "the threshold is not a number"}
    if not isinstance(metric, str) or metric not in metrics:
        return result | {"reason": f"metric {metric!r} was not computed"}
    if value is None or not math.isfinite(value):
        return result | {"value": None, "reason": f"metric {metric!r} has no value"}
    return result | {"value": float(value), "passed": bool(OPERATORS[op](float(value), float(threshold)))}


def check_criteria(metrics: Mapping[str, float | None], criteria: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"passed": all criteria passed, "results": [...]}``; no criteria pass trivially."""
    results = [check_criterion(metrics, criterion) for criterion in criteria]
    return {"passed": all(result["passed"] for result in results), "results": results}
