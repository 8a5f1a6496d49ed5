from __future__ import annotations

from serving.validation import check_rows, rows_from_payload

SIGNATURE = {
    "inputs": [
        {"name": "age", "kind": "integer", "min": 18, "max": 90},
        {"name": "income", "kind": "numeric", "min": 0.0, "max": 1e6},
        {"name": "city", "kind": "categorical", "categories": ["paris", "rome"]},
        {"name": "member", "kind": "boolean"},
    ]
}
GOOD = {"age": 40, "income": 5000.5, "city": "rome", "member": True}


def _fields(result):
    return {(e["field"], e["code"]) for e in result.errors}


def test_valid_rows_pass_and_out_of_range_is_flagged():
    result = check_rows([GOOD, {**GOOD, "age": 120}], SIGNATURE)
    assert not result.errors
    assert result.flags == [[], ["age outside training range [18, 90]"]]


def test_each_bad_input_is_reported_per_row_and_field():
    rows = [
        {k: v for k, v in GOOD.items() if k != "city"},
        {**GOOD, "extra": 1},
        {**GOOD, "age": "forty"},
        {**GOOD, "income": float("inf")},
        {**GOOD, "city": "oslo"},
        {**GOOD, "member": "yes"},
        "not an object",
    ]
    assert _fields(check_rows(rows, SIGNATURE)) == {
        ("inputs[0].city", "missing_feature"),
        ("inputs[1].extra", "unknown_feature"),
        ("inputs[2].age", "type"),
        ("inputs[3].income", "not_finite"),
        ("inputs[4].city", "unseen_category"),
        ("inputs[5].member", "type"),
        ("inputs[6]", "invalid"),
    }


def test_unknown_features_can_be_ignored_by_policy():
    assert not check_rows([{**GOOD, "extra": 1}], SIGNATURE, unknown_features="ignore").errors


def test_nulls_follow_the_policy_then_the_signature_and_bools_are_not_numbers():
    row = {**GOOD, "income": None}
    assert _fields(check_rows([row], SIGNATURE)) == {("inputs[0].income", "missing_value")}
    allowed = check_rows([row, GOOD], SIGNATURE, missing_values="allow")
    assert not allowed.errors and allowed.missing == [["income"], []]
    nullable = {"inputs": [{**f, "nullable": f["name"] == "income"} for f in SIGNATURE["inputs"]]}
    assert check_rows([row], nullable).missing == [["income"]]
    assert _fields(check_rows([row], nullable, missing_values="reject")) == {("inputs[0].income", "missing_value")}
    assert _fields(check_rows([{**GOOD, "age": True}], SIGNATURE)) == {("inputs[0].age", "type")}


def test_columnar_payload_and_ragged_batch():
    rows, errors = rows_from_payload({"columns": ["age", "city"], "data": [[30, "rome"], [40, "paris"]]}, 10)
    assert rows == [{"age": 30, "city": "rome"}, {"age": 40, "city": "paris"}] and not errors
    _, ragged = rows_from_payload({"columns": ["age", "city"], "data": [[30, "rome"], [40]]}, 10)
    assert ragged == [{"field": "data[1]", "message": "expected 2 values", "code": "ragged"}]
    _, too_many = rows_from_payload({"inputs": [GOOD] * 11}, 10)
    assert too_many[0]["code"] == "too_many_rows"
    _, missing = rows_from_payload({}, 10)
    assert missing[0]["code"] == "required"
