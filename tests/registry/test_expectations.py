"""Each rule kind passes and fails on purpose-built frames (pure: no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from registry.expectations import RuleError, RuleSpec, evaluate_rules, generate_rules, validate_rule
from registry.tabular import infer_schema, profile_frame

FRAME = pd.DataFrame(
    {
        "age": [25, 32, 47, 51, None, 38],
        "city": pd.array(["paris", "rome", "paris", "oslo", "rome", "paris"], dtype="string"),
        "email": pd.array(["a@x.org", "b@x.org", "c@x.org", "bad", "d@x.org", "e@x.org"], dtype="string"),
        "code": [1, 2, 3, 4, 5, 6],
    }
)
SCHEMA = infer_schema(FRAME)


def _run(rule_kind, column="", **params):
    return evaluate_rules([RuleSpec(rule_kind, column, params)], FRAME, SCHEMA)[0]


@pytest.mark.parametrize(
    ("kind", "column", "passing", "failing"),
    [
        ("column_present", "age", {}, None),
        ("column_type", "age", {"kind": "integer"}, {"kind": "categorical"}),
        ("not_null", "age", {"mostly": 0.8}, {}),
        ("range", "age", {"min": 20, "max": 60}, {"min": 30}),
        ("allowed_set", "city", {"values": ["paris", "rome", "oslo"]}, {"values": ["paris", "rome"]}),
        ("unique", "code", {}, None),
        ("regex", "email", {"pattern": r"@", "mostly": 0.8}, {"pattern": r"^[a-z]@x\.org$"}),
        ("row_count", "", {"min": 1, "max": 10}, {"min": 7}),
        ("no_duplicate_rows", "", {}, None),
        ("statistic", "age", {"statistic": "mean", "min": 30, "max": 40}, {"statistic": "max", "max": 50}),
    ],
)
def test_rule_passes_and_fails(kind, column, passing, failing):
    assert _run(kind, column, **passing).passed is True
    if failing is not None:
        result = _run(kind, column, **failing)
        assert result.passed is False
        assert result.message


def test_missing_column_fails_the_rule():
    result = _run("column_present", "gone")
    assert result.passed is False
    assert "missing" in result.message


def test_unique_and_duplicate_rows_fail_with_examples():
    frame = pd.concat([FRAME, FRAME.iloc[[0]]], ignore_index=True)
    schema = infer_schema(frame)
    unique, dupes = evaluate_rules([RuleSpec("unique", "code"), RuleSpec("no_duplicate_rows")], frame, schema)
    assert unique.passed is False and unique.observed == 1 and unique.failing_examples == [1]
    assert dupes.passed is False and dupes.failing_examples == ["row 6"]


def test_failing_examples_are_listed():
    result = _run("allowed_set", "city", values=["paris"])
    assert sorted(result.failing_examples) == ["oslo", "rome"]
    assert result.observed == pytest.approx(0.5)
    nulls = _run("not_null", "age")
    assert nulls.failing_examples == ["row 4"]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (RuleSpec("sorcery", "age"), "kind"),
        (RuleSpec("range", "age", {"min": 5, "max": 1}), "params.min"),
        (RuleSpec("range", "age", {}), "params"),
        (RuleSpec("range", "city", {"min": 1}), "column"),
        (RuleSpec("range", "nope", {"min": 1}), "column"),
        (RuleSpec("not_null", "age", {"mostly": 1.5}), "params.mostly"),
        (RuleSpec("regex", "email", {"pattern": "("}), "params.pattern"),
        (RuleSpec("allowed_set", "city", {"values": []}), "params.values"),
        (RuleSpec("row_count", "age", {"min": 1}), "column"),
        (RuleSpec("row_count", "", {"min": -1}), "params.min"),
        (RuleSpec("statistic", "age", {"statistic": "vibes", "min": 1}), "params.statistic"),
        (RuleSpec("unique", "age", {"strict": True}), "params.strict"),
        (RuleSpec("column_type", "age", {"kind": "float"}), "params.kind"),
        (RuleSpec("range", "age", {"min": float("inf")}), "params.min"),
    ],
)
def test_invalid_rules_name_the_field(spec, field):
    with pytest.raises(RuleError) as info:
        validate_rule(spec, SCHEMA)
    assert info.value.field == field


def test_generated_rules_hold_on_reference_and_catch_a_shift():
    rng = np.random.default_rng(0)
    reference = pd.DataFrame({"x": rng.normal(10, 2, 2000), "c": rng.choice(["a", "b"], 2000)})
    schema = infer_schema(reference)
    specs = generate_rules(profile_frame(reference, schema), schema, tolerance=0.1)
    assert {s.kind for s in specs} >= {"column_present", "column_type", "not_null", "range", "statistic", "allowed_set"}
    assert all(r.passed for r in evaluate_rules(specs, reference, schema))
    shifted = reference.assign(x=reference["x"] + 3, c=rng.choice(["a", "b", "z"], 2000))
    failed = {(r.kind, r.params.get("statistic")) for r in evaluate_rules(specs, shifted, schema) if not r.passed}
    assert ("statistic", "mean") in failed
    assert ("allowed_set", None) in failed
