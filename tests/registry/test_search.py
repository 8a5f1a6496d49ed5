"""registry/search.py: the tokenizer and parser, without a database."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from registry import search
from registry.models import RunSource, RunStatus
from registry.search import BoolOp, Comparison, Entity, OrderKey, SearchSyntaxError, parse_filter, parse_order_by


def _error(text: str) -> SearchSyntaxError:
    with pytest.raises(SearchSyntaxError) as info:
        parse_filter(text)
    return info.value


def test_parse_filter_empty_is_none():
    assert parse_filter("") is None
    assert parse_filter("   ") is None


def test_parse_filter_the_example_from_the_docs():
    node = parse_filter("metrics.f1 > 0.8 and params.estimator = 'random_forest' and tags.team = 'risk'")
    assert node == BoolOp(
        "and",
        (
            Comparison(Entity("metric", "f1"), ">", 0.8, 0),
            Comparison(Entity("param", "estimator"), "=", "random_forest", 21),
            Comparison(Entity("tag", "team"), "=", "risk", 60),
        ),
    )


@pytest.mark.parametrize("op", ["=", "!=", "<", "<=", ">", ">="])
def test_parse_filter_metric_operators(op):
    node = parse_filter(f"metrics.loss {op} -1.5e-3")
    assert node == Comparison(Entity("metric", "loss"), op, -0.0015, 0)


def test_parse_filter_normalises_alternative_operators():
    assert parse_filter("metrics.a == 1").op == "="
    assert parse_filter("metrics.a <> 1").op == "!="


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("params.lr = '0.1'", "=", "0.1"),
        ('params.lr != "0.1"', "!=", "0.1"),
        ("params.model LIKE 'rf%'", "LIKE", "rf%"),
        ("params.model ilike '%Forest'", "ILIKE", "%Forest"),
        ("params.model IN ('a', 'b')", "IN", ("a", "b")),
        ("params.model not in ('a')", "NOT IN", ("a",)),
    ],
)
def test_parse_filter_string_operators(text, op, value):
    node = parse_filter(text)
    assert isinstance(node, Comparison)
    assert (node.entity, node.op, node.value) == (Entity("param", "lr" if "lr" in text else "model"), op, value)


def test_parse_filter_prefix_aliases():
    assert parse_filter("metric.a > 1").entity == Entity("metric", "a")
    assert parse_filter("parameters.a = 'x'").entity == Entity("param", "a")
    assert parse_filter("tag.a = 'x'").entity == Entity("tag", "a")
    assert parse_filter("attributes.status = 'running'").entity == Entity("attribute", "status")
    assert parse_filter("run.run_name = 'x'").entity == Entity("attribute", "name")


def test_parse_filter_quoted_keys_and_escaped_quotes():
    assert parse_filter("metrics.`my metric` > 1").entity == Entity("metric", "my metric")
    assert parse_filter("params.\"odd key\" = 'x'").entity == Entity("param", "odd key")
    assert parse_filter("tags.`a``b` = 'x'").entity == Entity("tag", "a`b")
    assert parse_filter("params.a = 'it''s'").value == "it's"
    assert parse_filter("metrics.eval/f1-macro.v2 > 0").entity == Entity("metric", "eval/f1-macro.v2")


def test_parse_filter_attributes():
    assert parse_filter("status = 'FINISHED'").value == "finished"  # MLflow spells statuses in capitals
    assert parse_filter("source IN ('Training', 'mlflow')").value == ("training", "mlflow")
    assert parse_filter("user = 'ann'").entity == Entity("attribute", "user")
    assert parse_filter("experiment LIKE 'churn%'").entity == Entity("attribute", "experiment")
    assert parse_filter("run_id = 'abc'").entity == Entity("attribute", "run_id")


def test_parse_filter_times_accept_epoch_millis_and_iso_strings():
    expected = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_filter("start_time >= 1704164645000").value == expected
    assert parse_filter("end_time < '2024-01-02T03:04:05Z'").value == expected
    assert parse_filter("end_time < '2024-01-02 03:04:05'").value == expected


def test_parse_filter_datasets():
    assert parse_filter("datasets.name = 'churn'").entity == Entity("dataset", "name")
    assert parse_filter("datasets.version >= 2").value == 2.0
    assert parse_filter("datasets.context = 'training'").entity == Entity("dataset", "role")


def test_parse_filter_and_binds_tighter_than_or():
    node = parse_filter("metrics.a > 1 or metrics.b > 2 and metrics.c > 3")
    assert isinstance(node, BoolOp) and node.op == "or"
    first, second = node.operands
    assert isinstance(first, Comparison) and first.entity.key == "a"
    assert isinstance(second, BoolOp) and second.op == "and"


def test_parse_filter_parentheses_override_precedence():
    node = parse_filter("(metrics.a > 1 OR metrics.b > 2) AND metrics.c > 3")
    assert isinstance(node, BoolOp) and node.op == "and"
    assert isinstance(node.operands[0], BoolOp) and node.operands[0].op == "or"


def test_parse_filter_chains_flatten():
    node = parse_filter("metrics.a > 1 and metrics.b > 1 and metrics.c > 1")
    assert isinstance(node, BoolOp) and len(node.operands) == 3


@pytest.mark.parametrize(
    ("text", "position", "token", "message"),
    [
        ("metrics.f1 >", 12, "", "expected a value"),
        ("metrics.f1 > 0.8 and", 20, "", "expected a comparison"),
        ("metrics.f1 > 0.8 params.a = 'x'", 17, "params.a", "expected 'and', 'or'"),
        ("metrics.f1 = 'x'", 13, "'x'", "compares with a number"),
        ("params.a > '1'", 9, ">", "is a string"),
        ("params.a = 1", 11, "1", "quoted string"),
        ("f1 > 2", 0, "f1", "did you mean metrics.f1"),
        ("foo.x = 1", 0, "foo.x", "unknown entity"),
        ("(metrics.a > 1", 14, "", "expected ')'"),
        ("metrics.a > 1)", 13, ")", "unexpected ')'"),
        ("params.x = 'abc", 11, "'abc", "unterminated string"),
        ("metrics.`abc > 1", 8, "`abc > 1", "unterminated key"),
        ("status = 'running2'", 9, "'running2'", "unknown status"),
        ("metrics.a IN (1)", 10, "IN", "does not apply"),
        ("metrics.a LIKE 'x'", 10, "LIKE", "does not apply"),
        ("params.a IN ('x' 'y')", 17, "'y'", "expected ',' or ')'"),
        ("params.a NOT LIKE 'x'", 13, "LIKE", "expected IN after NOT"),
        ("metrics.a # 1", 10, "#", "unexpected character"),
        ("metrics.a > 12abc", 12, "12a", "malformed number"),
        ("metrics. > 1", 8, " ", "expected a key"),
        ("datasets.version = 1.5", 19, "1.5", "whole number"),
        ("datasets.size = 1", 0, "datasets.size", "unknown dataset field"),
        ("start_time > 'yesterday'", 13, "'yesterday'", "ISO 8601"),
        ("metrics.a", 9, "", "expected an operator"),
        ("and metrics.a > 1", 0, "and", "expected a comparison"),
    ],
)
def test_parse_filter_errors_point_at_the_offending_token(text, position, token, message):
    error = _error(text)
    assert (error.position, error.token) == (position, token)
    assert message in error.message
    assert text[position : position + len(token)] == token


def test_search_syntax_error_str_names_position_and_token():
    assert str(_error("metrics.a > 1)")) == "unexpected ')': expected 'and', 'or' or the end of the filter " + (
        "(at position 13, near ')')"
    )


def test_parse_order_by():
    assert parse_order_by("metrics.f1 DESC, params.lr ASC, start_time") == [
        OrderKey(Entity("metric", "f1"), True),
        OrderKey(Entity("param", "lr"), False),
        OrderKey(Entity("attribute", "start_time"), False),
    ]
    assert parse_order_by("") == []
    assert parse_order_by("tags.`my tag` desc") == [OrderKey(Entity("tag", "my tag"), True)]


@pytest.mark.parametrize(
    ("text", "position", "token"),
    [
        ("metrics.f1 DOWN", 11, "DOWN"),
        ("metrics.f1 DESC,", 16, ""),
        ("datasets.name", 0, "datasets.name"),
        ("nonsense", 0, "nonsense"),
        ("metrics.f1 DESC DESC", 16, "DESC"),
    ],
)
def test_parse_order_by_errors(text, position, token):
    with pytest.raises(SearchSyntaxError) as info:
        parse_order_by(text)
    assert (info.value.position, info.value.token) == (position, token)


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("rf%", ["rf", "rf-100", "rf\nx"], ["xrf", "RF"]),
        ("%forest", ["random_forest"], ["forest2"]),
        ("a_c", ["abc", "a.c"], ["ac", "abbc"]),
        (r"100\%", ["100%"], ["1000"]),
        ("a.b(c)*", ["a.b(c)*"], ["axb(c)", "a.b(c)"]),
    ],
)
def test_like_to_regex(pattern, matches, misses):
    regex = re.compile(search.like_to_regex(pattern))
    for text in matches:
        assert regex.search(text), text
    for text in misses:
        assert not regex.search(text), text


def test_enumerations_match_the_models():
    assert tuple(RunStatus.values) == search.RUN_STATUSES
    assert tuple(RunSource.values) == search.RUN_SOURCES


def test_parse_filter_limits_nesting_and_size():
    assert parse_filter("(" * 20 + "metrics.a > 1" + ")" * 20) is not None
    error = _error("(" * 21 + "metrics.a > 1" + ")" * 21)
    assert (error.position, error.token) == (20, "(")
    error = _error(" or ".join(["metrics.a > 1"] * 201))
    assert error.position == 200 * len("metrics.a > 1 or ") and "200 comparisons" in error.message
