"""Progressive delivery decisions for canary and rolling rollouts, pure (no Django).

A plan moves the new version's traffic share through ``steps`` (percent, ascending, ending at 100) and holds each
step for ``interval_seconds``. ``decide`` is called periodically with the statistics of the current step's window
and returns one action:

- ``rollback`` as soon as a guardrail fails, even before the interval ends (a guardrail is judged only once its
  own data minimum is met);
- ``wait`` while a gate lacks data or the interval has not elapsed (the reasons say which);
- ``advance`` to the next step when the interval has elapsed and every gate passes;
- ``promote`` when the last step (100 %) has held for its interval and every gate passes.

Gates (error rate = errors / requests; quality is higher-is-better, e.g. accuracy on labelled rows):

    absolute, both kinds                                                    judged when
      error_rate           new error rate <= max_error_rate                   new.requests >= min_requests
      p95_latency          new p95 <= max_p95_ms (only if max_p95_ms is set)  new.requests >= min_requests
    compared with the primary, canary only
      error_rate_increase  new error rate - primary error rate <= max_error_rate_increase   both >= min_requests
      p95_ratio            new p95 / primary p95 <= max_p95_ratio                          both >= min_requests
                           (skipped while the new p95 is under p95_ratio_min_ms: a ratio of sub-millisecond
                           latencies measures the scheduler, not the model)
      quality_drop         primary quality - new quality <= max_quality_drop               both >= min_labelled

A gate without its data is ``insufficient`` and blocks an advance, except in two cases where it is ``skipped`` and
does not block: the quality gate (labels arrive late; it judges only when both sides have ``min_labelled``
labelled rows) and the comparison gates at a step of 100 %, where the primary no longer serves traffic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, cast

Kind = Literal["canary", "rolling"]
KINDS = ("canary", "rolling")
PASS, FAIL, INSUFFICIENT, SKIPPED = "pass", "fail", "insufficient", "skipped"
MAX_STEPS = 20
INTERVAL_RANGE = (10, 86400)
DEFAULT_INTERVAL = 300
_TOLERANCE = 1e-9  # so that 0.07 - 0.05 does not breach a limit of 0.02
# field: (low, high, integer?) inclusive ranges for validate_plan
GUARDRAIL_RANGES: dict[str, tuple[float, float, bool]] = {
    "max_error_rate": (0.0, 1.0, False),
    "max_error_rate_increase": (0.0, 1.0, False),
    "max_p95_ratio": (1.0, 100.0, False),
    "max_quality_drop": (0.0, 1.0, False),
    "min_requests": (1, 1_000_000, True),
    "min_labelled": (1, 1_000_000, True),
    "max_p95_ms": (1.0, 600_000.0, False),
    "p95_ratio_min_ms": (0.0, 600_000.0, False),
}
PLAN_KEYS = frozenset({"kind", "steps", "interval_seconds", "guardrails"})


@dataclass(frozen=True)
class Guardrails:
    """Limits for the new version; ``max_p95_ms`` (absolute, optional) is the only latency gate of a rolling plan."""

    max_error_rate: float = 0.05
    max_error_rate_increase: float = 0.02
    max_p95_ratio: float = 1.5
    max_quality_drop: float = 0.02
    min_requests: int = 50
    min_labelled: int = 30
    max_p95_ms: float | None = None
    p95_ratio_min_ms: float = 5.0


@dataclass(frozen=True)
class RolloutPlan:
    """Traffic steps (percent for the new version) held ``interval_seconds`` each, and the guardrails."""

    kind: Kind
    steps: list[float]
    interval_seconds: int
    guardrails: Guardrails = field(default_factory=Guardrails)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict that ``validate_plan`` accepts."""
        return asdict(self)


@dataclass(frozen=True)
class WindowStats:
    """One variant over the current step's window; ``quality`` is computed over ``labelled`` rows."""

    requests: int
    errors: int
    p95_ms: float | None
    quality: float | None = None
    labelled: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.errors <= self.requests and self.labelled >= 0):
            raise ValueError("need 0 <= errors <= requests and labelled >= 0")

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.requests if self.requests else None


@dataclass(frozen=True)
class Decision:
    """What to do now. ``next_step_index`` is None after a rollback (``next_weight`` 0)."""

    action: Literal["wait", "advance", "promote", "rollback"]
    next_step_index: int | None
    next_weight: float
    reasons: list[str]
    checks: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, status: str, value: float | None, threshold: float | None, message: str) -> dict[str, Any]:
    return {"name": name, "status": status, "value": value, "threshold": threshold, "message": message}


def _judge(name: str, value: float, limit: float, label: str, spec: str, context: str = "") -> dict[str, Any]:
    """Pass when value <= limit (with a float tolerance); the message shows both with the format ``spec``."""
    ok = value <= limit + _TOLERANCE
    verb = "is within" if ok else "exceeds"
    message = f"{label} {value:{spec}}{context} {verb} the limit {limit:{spec.lstrip('+')}}"
    return _check(name, PASS if ok else FAIL, value, limit, message)


def _requests_short(stats: WindowStats | None, minimum: int, side: str) -> str | None:
    if stats is None:
        return f"no {side} statistics"
    if stats.requests < minimum:
        prefix = "" if side == "new" else f"{side}: "
        return f"{prefix}only {stats.requests} of {minimum} requests"
    return None


def _labels_short(stats: WindowStats | None, minimum: int, side: str) -> str | None:
    labelled = stats.labelled if stats is not None and stats.quality is not None else 0
    if labelled < minimum:
        return f"{side}: only {labelled} of {minimum} labelled rows"
    return None


def _error_rate_gate(g: Guardrails, new: WindowStats) -> dict[str, Any]:
    short = _requests_short(new, g.min_requests, "new")
    if short or new.error_rate is None:
        return _check("error_rate", INSUFFICIENT, None, g.max_error_rate, short or "no requests")
    return _judge("error_rate", new.error_rate, g.max_error_rate, "error rate", ".2%")


def _p95_gate(g: Guardrails, new: WindowStats) -> dict[str, Any]:
    limit = g.max_p95_ms
    if limit is None:
        return _check("p95_latency", SKIPPED, None, None, "no absolute p95 limit")
    short = _requests_short(new, g.min_requests, "new")
    if short or new.p95_ms is None:
        return _check("p95_latency", INSUFFICIENT, None, limit, short or "no p95 for the new version")
    return _judge("p95_latency", new.p95_ms, limit, "p95 (ms)", "g")


def _error_increase_gate(g: Guardrails, new: WindowStats, primary: WindowStats) -> dict[str, Any]:
    limit = g.max_error_rate_increase
    if primary.error_rate is None or new.error_rate is None:
        return _check("error_rate_increase", INSUFFICIENT, None, limit, "no requests")
    context = f" ({new.error_rate:.2%} vs primary {primary.error_rate:.2%})"
    return _judge(
        "error_rate_increase", new.error_rate - primary.error_rate, limit, "error rate increase", "+.2%", context
    )


def _p95_ratio_gate(g: Guardrails, new: WindowStats, primary: WindowStats) -> dict[str, Any]:
    limit = g.max_p95_ratio
    if primary.p95_ms is None or new.p95_ms is None:
        return _check("p95_ratio", INSUFFICIENT, None, limit, "no p95 to compare")
    if primary.p95_ms <= 0:
        return _check("p95_ratio", SKIPPED, None, limit, "primary p95 is 0 ms; ratio not judged")
    ratio = new.p95_ms / primary.p95_ms
    context = f" ({new.p95_ms:g} ms vs primary {primary.p95_ms:g} ms)"
    if new.p95_ms < g.p95_ratio_min_ms:
        message = f"p95 ratio {ratio:.2f}{context} not judged: the new p95 is under {g.p95_ratio_min_ms:g} ms"
        return _check("p95_ratio", SKIPPED, ratio, limit, message)
    return _judge("p95_ratio", ratio, limit, "p95 ratio", ".2f", context)


def _comparison_gates(
    g: Guardrails, new: WindowStats, primary: WindowStats | None, weight: float
) -> list[dict[str, Any]]:
    """Error rate increase and p95 ratio; insufficient without data, skipped at 100 % when the primary has none."""
    limits = {"error_rate_increase": g.max_error_rate_increase, "p95_ratio": g.max_p95_ratio}
    primary_short = _requests_short(primary, g.min_requests, "primary")
    if weight >= 100 and primary_short:
        note = f"{primary_short}; not compared at 100 % (the primary serves no traffic)"
        return [_check(name, SKIPPED, None, limit, note) for name, limit in limits.items()]
    short = _requests_short(new, g.min_requests, "new") or primary_short
    if short or primary is None:
        return [_check(name, INSUFFICIENT, None, limit, short or "") for name, limit in limits.items()]
    return [_error_increase_gate(g, new, primary), _p95_ratio_gate(g, new, primary)]


def _quality_gate(g: Guardrails, new: WindowStats, primary: WindowStats | None) -> dict[str, Any]:
    limit = g.max_quality_drop
    short = _labels_short(new, g.min_labelled, "new") or _labels_short(primary, g.min_labelled, "primary")
    if short or primary is None or primary.quality is None or new.quality is None:
        return _check("quality_drop", SKIPPED, None, limit, f"{short or 'no quality'}; quality not judged")
    context = f" ({new.quality:.4f} vs primary {primary.quality:.4f})"
    return _judge("quality_drop", primary.quality - new.quality, limit, "quality drop", "+.4f", context)


def evaluate_gates(
    plan: RolloutPlan, *, weight: float, new: WindowStats, primary: WindowStats | None
) -> list[dict[str, Any]]:
    """Every gate of the plan as ``{"name", "status", "value", "threshold", "message"}``."""
    g = plan.guardrails
    checks = [_error_rate_gate(g, new), _p95_gate(g, new)]
    if plan.kind == "canary":
        checks += [*_comparison_gates(g, new, primary, weight), _quality_gate(g, new, primary)]
    return checks


def _wait_reasons(plan: RolloutPlan, checks: list[dict[str, Any]], elapsed: float) -> list[str]:
    reasons = list(dict.fromkeys(c["message"] for c in checks if c["status"] == INSUFFICIENT))
    remaining = plan.interval_seconds - elapsed
    if remaining > 0:
        reasons.append(f"interval ends in {math.ceil(remaining)} s")
    return reasons


def decide(
    plan: RolloutPlan,
    *,
    step_index: int,
    step_started_at: float,
    now: float,
    new: WindowStats,
    primary: WindowStats | None,
) -> Decision:
    """The next action for a rollout at ``step_index`` whose step began at ``step_started_at`` (epoch seconds)."""
    if not 0 <= step_index < len(plan.steps):
        raise ValueError(f"step_index {step_index} is outside the plan's {len(plan.steps)} steps")
    weight = float(plan.steps[step_index])
    checks = evaluate_gates(plan, weight=weight, new=new, primary=primary)
    failed = [c["message"] for c in checks if c["status"] == FAIL]
    if failed:
        return Decision("rollback", None, 0.0, failed, checks)
    waiting = _wait_reasons(plan, checks, now - step_started_at)
    if waiting:
        return Decision("wait", step_index, weight, waiting, checks)
    held = f"all gates passed after {plan.interval_seconds} s at {weight:g} %"
    if step_index == len(plan.steps) - 1:
        return Decision("promote", step_index, 100.0, [held], checks)
    return Decision("advance", step_index + 1, float(plan.steps[step_index + 1]), [held], checks)


class _Errors(list[dict[str, str]]):
    def add(self, field_name: str, message: str, code: str) -> None:
        self.append({"field": field_name, "message": message, "code": code})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_kind(raw: Mapping[str, Any], errors: _Errors) -> str:
    kind = raw.get("kind")
    if kind is None:
        errors.add("kind", "is required", "required")
    elif kind not in KINDS:
        errors.add("kind", f"must be one of {', '.join(KINDS)}", "invalid_choice")
    return str(kind)


def _check_step_values(steps: list[Any], errors: _Errors) -> None:
    for i, step in enumerate(steps):
        if not _is_number(step):
            errors.add(f"steps[{i}]", "must be a number", "invalid")
        elif not 0 < step <= 100:
            errors.add(f"steps[{i}]", "must be in (0, 100]", "out_of_range")
        elif i and _is_number(steps[i - 1]) and step <= steps[i - 1]:
            errors.add(f"steps[{i}]", "must be greater than the previous step", "not_ascending")


def _check_steps(raw: Mapping[str, Any], errors: _Errors) -> list[float]:
    steps = raw.get("steps")
    if steps is None:
        errors.add("steps", "is required", "required")
        return []
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        errors.add("steps", f"must be a list of 1 to {MAX_STEPS} percentages", "invalid")
        return []
    before = len(errors)
    _check_step_values(steps, errors)
    if len(errors) == before and steps[-1] != 100:
        errors.add("steps", "the last step must be 100", "last_not_100")
    return [float(step) for step in steps] if len(errors) == before else []


def _check_interval(raw: Mapping[str, Any], errors: _Errors) -> int:
    value = raw.get("interval_seconds", DEFAULT_INTERVAL)
    low, high = INTERVAL_RANGE
    if not _is_int(value):
        errors.add("interval_seconds", "must be an integer", "invalid")
        return DEFAULT_INTERVAL
    if not low <= value <= high:
        errors.add("interval_seconds", f"must be between {low} and {high}", "out_of_range")
    return int(value)


def _check_guardrail(name: str, value: Any, errors: _Errors) -> None:
    low, high, integer = GUARDRAIL_RANGES[name]
    if value is None and name == "max_p95_ms":
        return
    if not (_is_int(value) if integer else _is_number(value)):
        errors.add(f"guardrails.{name}", "must be an integer" if integer else "must be a number", "invalid")
    elif not low <= value <= high:
        errors.add(f"guardrails.{name}", f"must be between {low:g} and {high:g}", "out_of_range")


def _check_guardrails(raw: Mapping[str, Any], errors: _Errors) -> Guardrails:
    values = raw.get("guardrails", {})
    if not isinstance(values, Mapping):
        errors.add("guardrails", "must be an object", "invalid")
        return Guardrails()
    known = {f.name for f in fields(Guardrails)}
    for key in sorted(set(values) - known):
        errors.add(f"guardrails.{key}", f"unknown field; known fields: {', '.join(sorted(known))}", "unknown_field")
    for key in sorted(set(values) & known):
        _check_guardrail(key, values[key], errors)
    return Guardrails(**{key: values[key] for key in known & set(values)})


def validate_plan(raw: Mapping[str, Any]) -> tuple[RolloutPlan | None, list[dict[str, str]]]:
    """A plan from API input, or field errors ``{"field", "message", "code"}``; ``interval_seconds`` defaults to 300."""
    errors = _Errors()
    if not isinstance(raw, Mapping):
        errors.add("plan", "must be an object", "invalid")
        return None, list(errors)
    for key in sorted(set(raw) - PLAN_KEYS):
        errors.add(key, f"unknown field; known fields: {', '.join(sorted(PLAN_KEYS))}", "unknown_field")
    kind = _check_kind(raw, errors)
    steps = _check_steps(raw, errors)
    interval = _check_interval(raw, errors)
    guardrails = _check_guardrails(raw, errors)
    if errors:
        return None, list(errors)
    return RolloutPlan(cast(Kind, kind), steps, interval, guardrails), []
