"""Canary and rolling decisions: every gate, every action, and plan validation."""

from __future__ import annotations

import json

import pytest

from serving.rollout_gates import Decision, Guardrails, RolloutPlan, WindowStats, decide, validate_plan

START = 1_700_000_000.0
CANARY = RolloutPlan("canary", [5.0, 25.0, 50.0, 100.0], 300, Guardrails())
ROLLING = RolloutPlan("rolling", [25.0, 50.0, 100.0], 120, Guardrails(max_p95_ms=250.0))
HEALTHY = WindowStats(requests=200, errors=2, p95_ms=100.0, quality=0.91, labelled=60)
PRIMARY = WindowStats(requests=2000, errors=20, p95_ms=100.0, quality=0.92, labelled=600)


def _decide(
    plan: RolloutPlan = CANARY,
    *,
    step: int = 0,
    elapsed: float = 400.0,
    new: WindowStats = HEALTHY,
    primary: WindowStats | None = PRIMARY,
) -> Decision:
    return decide(plan, step_index=step, step_started_at=START, now=START + elapsed, new=new, primary=primary)


def _status(decision: Decision) -> dict[str, str]:
    return {check["name"]: check["status"] for check in decision.checks}


def test_decide_advance_when_the_interval_elapsed_and_every_gate_passes():
    decision = _decide(step=1)
    assert (decision.action, decision.next_step_index, decision.next_weight) == ("advance", 2, 50.0)
    assert _status(decision) == {
        "error_rate": "pass",
        "p95_latency": "skipped",
        "error_rate_increase": "pass",
        "p95_ratio": "pass",
        "quality_drop": "pass",
    }
    assert decision.reasons == ["all gates passed after 300 s at 25 %"]


def test_decide_wait_while_the_interval_runs():
    decision = _decide(elapsed=260.0)
    assert (decision.action, decision.next_step_index, decision.next_weight) == ("wait", 0, 5.0)
    assert decision.reasons == ["interval ends in 40 s"]


def test_decide_wait_with_too_few_requests_even_after_the_interval():
    decision = _decide(new=WindowStats(requests=12, errors=5, p95_ms=900.0))
    assert decision.action == "wait"
    assert decision.reasons == ["only 12 of 50 requests"]
    assert _status(decision)["error_rate"] == "insufficient"


def test_decide_wait_for_primary_requests():
    decision = _decide(primary=WindowStats(requests=10, errors=0, p95_ms=90.0))
    assert decision.action == "wait"
    assert decision.reasons == ["primary: only 10 of 50 requests"]


def test_decide_wait_without_primary_statistics():
    assert _decide(primary=None).reasons == ["no primary statistics"]


def test_decide_wait_lists_every_reason():
    decision = _decide(elapsed=100.0, new=WindowStats(requests=30, errors=0, p95_ms=50.0))
    assert decision.reasons == ["only 30 of 50 requests", "interval ends in 200 s"]


def test_decide_rollback_on_absolute_error_rate_before_the_interval_ends():
    decision = _decide(elapsed=30.0, new=WindowStats(requests=100, errors=7, p95_ms=100.0), primary=None)
    assert (decision.action, decision.next_step_index, decision.next_weight) == ("rollback", None, 0.0)
    assert decision.reasons == ["error rate 7.00% exceeds the limit 5.00%"]


def test_decide_rollback_on_error_rate_increase():
    primary = WindowStats(requests=1000, errors=5, p95_ms=100.0)
    decision = _decide(new=WindowStats(requests=100, errors=4, p95_ms=100.0), primary=primary)
    assert decision.action == "rollback"
    assert _status(decision)["error_rate"] == "pass"
    assert decision.reasons == ["error rate increase +3.50% (4.00% vs primary 0.50%) exceeds the limit 2.00%"]


def test_decide_error_rate_increase_at_the_limit_passes():
    primary = WindowStats(requests=100, errors=2, p95_ms=100.0)
    decision = _decide(new=WindowStats(requests=100, errors=4, p95_ms=100.0), primary=primary)
    assert _status(decision)["error_rate_increase"] == "pass"  # 0.04 - 0.02 is 0.020000000000000004
    assert decision.action == "advance"


def test_decide_rollback_on_p95_ratio():
    decision = _decide(new=WindowStats(requests=100, errors=0, p95_ms=160.0))
    assert decision.action == "rollback"
    assert decision.reasons == ["p95 ratio 1.60 (160 ms vs primary 100 ms) exceeds the limit 1.50"]


def test_decide_does_not_judge_the_p95_ratio_of_latencies_under_the_floor():
    """A 0.2 ms model preempted twice has a p95 of a few ms: twenty times its primary, and still fast."""
    fast_primary = WindowStats(requests=100, errors=0, p95_ms=0.2)
    decision = _decide(new=WindowStats(requests=100, errors=0, p95_ms=4.0), primary=fast_primary)
    assert decision.action == "advance"
    ratio = next(c for c in decision.checks if c["name"] == "p95_ratio")
    assert (ratio["status"], ratio["value"]) == ("skipped", pytest.approx(20.0))
    assert ratio["message"] == "p95 ratio 20.00 (4 ms vs primary 0.2 ms) not judged: the new p95 is under 5 ms"

    at_floor = _decide(new=WindowStats(requests=100, errors=0, p95_ms=5.0), primary=fast_primary)
    assert at_floor.action == "rollback"
    assert at_floor.reasons == ["p95 ratio 25.00 (5 ms vs primary 0.2 ms) exceeds the limit 1.50"]

    no_floor = RolloutPlan("canary", [10.0, 100.0], 60, Guardrails(p95_ratio_min_ms=0))
    assert _decide(no_floor, new=WindowStats(requests=100, errors=0, p95_ms=4.0), primary=fast_primary).action == (
        "rollback"
    )


def test_decide_rollback_on_quality_drop():
    decision = _decide(new=WindowStats(requests=100, errors=0, p95_ms=100.0, quality=0.88, labelled=40))
    assert decision.action == "rollback"
    assert decision.reasons == ["quality drop +0.0400 (0.8800 vs primary 0.9200) exceeds the limit 0.0200"]


def test_decide_quality_is_not_judged_without_enough_labels():
    decision = _decide(new=WindowStats(requests=100, errors=0, p95_ms=100.0, quality=0.5, labelled=29))
    assert _status(decision)["quality_drop"] == "skipped"
    assert decision.action == "advance"
    assert "new: only 29 of 30 labelled rows" in decision.checks[-1]["message"]


def test_decide_rollback_on_absolute_p95_when_set():
    plan = RolloutPlan("canary", [10.0, 100.0], 60, Guardrails(max_p95_ms=120.0))
    decision = _decide(plan, new=WindowStats(requests=100, errors=0, p95_ms=130.0))
    assert decision.action == "rollback"
    assert "p95 (ms) 130 exceeds the limit 120" in decision.reasons


def test_decide_rollback_reports_every_breach():
    decision = _decide(new=WindowStats(requests=100, errors=10, p95_ms=400.0))
    assert decision.action == "rollback"
    assert [c["name"] for c in decision.checks if c["status"] == "fail"] == [
        "error_rate",
        "error_rate_increase",
        "p95_ratio",
    ]
    assert len(decision.reasons) == 3


def test_decide_promote_after_the_last_step_held():
    decision = _decide(step=3)
    assert (decision.action, decision.next_step_index, decision.next_weight) == ("promote", 3, 100.0)


def test_decide_at_full_traffic_skips_comparisons_without_primary_traffic():
    decision = _decide(step=3, primary=WindowStats(requests=0, errors=0, p95_ms=None))
    assert decision.action == "promote"
    assert _status(decision)["error_rate_increase"] == "skipped"
    assert _status(decision)["p95_ratio"] == "skipped"


def test_decide_wait_on_the_last_step_until_the_interval_ends():
    decision = _decide(step=3, elapsed=299.5)
    assert (decision.action, decision.reasons) == ("wait", ["interval ends in 1 s"])


def test_decide_rolling_ignores_the_primary():
    worse_than_primary = WindowStats(requests=100, errors=4, p95_ms=240.0, quality=0.5, labelled=100)
    decision = _decide(ROLLING, elapsed=130.0, new=worse_than_primary, primary=PRIMARY)
    assert decision.action == "advance"
    assert _status(decision) == {"error_rate": "pass", "p95_latency": "pass"}


def test_decide_rolling_rolls_back_on_absolute_gates():
    slow = _decide(ROLLING, new=WindowStats(requests=100, errors=0, p95_ms=300.0), primary=None)
    failing = _decide(ROLLING, new=WindowStats(requests=100, errors=6, p95_ms=10.0), primary=None)
    assert (slow.action, slow.reasons) == ("rollback", ["p95 (ms) 300 exceeds the limit 250"])
    assert (failing.action, failing.reasons) == ("rollback", ["error rate 6.00% exceeds the limit 5.00%"])


def test_decide_rolling_waits_for_requests():
    decision = _decide(ROLLING, new=WindowStats(requests=3, errors=3, p95_ms=5000.0), primary=None)
    assert (decision.action, decision.reasons) == ("wait", ["only 3 of 50 requests"])


def test_decision_is_json_safe():
    assert json.loads(json.dumps(_decide().to_dict(), allow_nan=False))["action"] == "advance"


def test_decide_rejects_a_step_outside_the_plan():
    with pytest.raises(ValueError):
        _decide(step=4)


def test_window_stats_rejects_more_errors_than_requests():
    with pytest.raises(ValueError):
        WindowStats(requests=1, errors=2, p95_ms=None)


def test_validate_plan_accepts_a_full_plan():
    raw = {
        "kind": "canary",
        "steps": [1, 10, 50, 100],
        "interval_seconds": 600,
        "guardrails": {"max_error_rate": 0.01, "min_requests": 200, "max_p95_ms": 300},
    }
    plan, errors = validate_plan(raw)
    assert errors == []
    assert plan == RolloutPlan(
        "canary", [1.0, 10.0, 50.0, 100.0], 600, Guardrails(max_error_rate=0.01, min_requests=200, max_p95_ms=300)
    )
    assert validate_plan(plan.to_dict()) == (plan, [])


def test_validate_plan_defaults_the_interval_and_guardrails():
    plan, errors = validate_plan({"kind": "rolling", "steps": [100]})
    assert errors == []
    assert plan == RolloutPlan("rolling", [100.0], 300, Guardrails())


def _raw(**values: object) -> dict[str, object]:
    return {"kind": "canary", "steps": [100], **values}


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ({"steps": [100]}, "kind", "required"),
        (_raw(kind="blue-green"), "kind", "invalid_choice"),
        ({"kind": "canary"}, "steps", "required"),
        (_raw(steps=[]), "steps", "invalid"),
        (_raw(steps="10,100"), "steps", "invalid"),
        (_raw(steps=[*range(1, 21), 100]), "steps", "invalid"),
        (_raw(steps=[10, 50]), "steps", "last_not_100"),
        (_raw(steps=[0, 100]), "steps[0]", "out_of_range"),
        (_raw(steps=[10, 150]), "steps[1]", "out_of_range"),
        (_raw(steps=[50, 20, 100]), "steps[1]", "not_ascending"),
        (_raw(steps=[50, 50, 100]), "steps[1]", "not_ascending"),
        (_raw(steps=[10, "x", 100]), "steps[1]", "invalid"),
        (_raw(interval_seconds=5), "interval_seconds", "out_of_range"),
        (_raw(interval_seconds=86401), "interval_seconds", "out_of_range"),
        (_raw(interval_seconds=60.5), "interval_seconds", "invalid"),
        (_raw(guardrails=[]), "guardrails", "invalid"),
        (_raw(guardrails={"max_error_rate": 2}), "guardrails.max_error_rate", "out_of_range"),
        (_raw(guardrails={"max_error_rate_increase": -0.1}), "guardrails.max_error_rate_increase", "out_of_range"),
        (_raw(guardrails={"max_p95_ratio": 0.9}), "guardrails.max_p95_ratio", "out_of_range"),
        (_raw(guardrails={"p95_ratio_min_ms": -1}), "guardrails.p95_ratio_min_ms", "out_of_range"),
        (_raw(guardrails={"p95_ratio_min_ms": "5ms"}), "guardrails.p95_ratio_min_ms", "invalid"),
        (_raw(guardrails={"max_quality_drop": True}), "guardrails.max_quality_drop", "invalid"),
        (_raw(guardrails={"min_requests": 1.5}), "guardrails.min_requests", "invalid"),
        (_raw(guardrails={"min_labelled": 0}), "guardrails.min_labelled", "out_of_range"),
        (_raw(guardrails={"max_p95_ms": "fast"}), "guardrails.max_p95_ms", "invalid"),
        (_raw(guardrails={"max_latency": 1}), "guardrails.max_latency", "unknown_field"),
        (_raw(speed="fast"), "speed", "unknown_field"),
    ],
)
def test_validate_plan_names_the_field(raw, field, code):
    plan, errors = validate_plan(raw)
    assert plan is None
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in errors]


def test_validate_plan_reports_every_error():
    _, errors = validate_plan(
        {"kind": "x", "steps": [0], "interval_seconds": 1, "guardrails": {"max_quality_drop": -1}}
    )
    assert [e["field"] for e in errors] == ["kind", "steps[0]", "interval_seconds", "guardrails.max_quality_drop"]


def test_validate_plan_rejects_a_non_object():
    assert validate_plan([]) == (None, [{"field": "plan", "message": "must be an object", "code": "invalid"}])
