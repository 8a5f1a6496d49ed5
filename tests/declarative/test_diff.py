"""The diff itself, pure (no database): order, unmanaged kinds, rule identity, secret redaction."""

from __future__ import annotations

from declarative.diff import plan
from declarative.state import rule_names

PROJECT = {"slug": "p", "name": "P"}


def _summary(changes):
    return [(c.action, c.kind, c.name) for c in changes]


def test_same_documents_have_no_changes():
    document = {"project": PROJECT, "members": [{"username": "a", "role": "owner"}]}
    assert plan(document, document) == []


def test_a_missing_kind_is_unmanaged_and_an_empty_one_deletes_everything():
    current = {"project": PROJECT, "alert_rules": [{"name": "r", "threshold": 1}], "members": []}
    assert plan(current, {"project": PROJECT}) == []
    assert _summary(plan(current, {"project": PROJECT, "alert_rules": []})) == [("delete", "alert_rule", "r")]


def test_creates_and_updates_come_in_dependency_order_then_deletes_in_reverse():
    current = {
        "project": PROJECT,
        "channels": [{"name": "old", "kind": "email", "config": {"to": ["a@b"]}, "enabled": True}],
        "alert_rules": [{"name": "gone", "deployment": "api", "threshold": 1.0}],
    }
    desired = {
        "project": PROJECT | {"name": "Renamed"},
        "channels": [],
        "alert_rules": [{"name": "new", "deployment": "api", "threshold": 2.0}],
        "deployments": [{"name": "api", "variants": []}],
    }
    assert _summary(plan(current, desired)) == [
        ("update", "project", "p"),
        ("create", "deployment", "api"),
        ("create", "alert_rule", "new"),
        ("delete", "alert_rule", "gone"),
        ("delete", "channel", "old"),
    ]


def test_a_new_project_is_a_create():
    changes = plan({"project": None}, {"project": PROJECT})
    assert [c.as_dict() for c in changes] == [
        {"action": "create", "kind": "project", "name": "p", "changes": {"name": {"from": None, "to": "P"}}}
    ]


def test_datasets_are_never_deleted_but_their_rules_are():
    rule = {"kind": "not_null", "column": "x", "params": {}, "description": "", "enabled": True}
    current = {
        "project": PROJECT,
        "datasets": [
            {"name": "d", "description": "", "tags": {}, "rules": [rule, rule | {"params": {"a": 1}}]},
            {"name": "other", "description": "", "tags": {}, "rules": [rule]},
        ],
    }
    desired = {"project": PROJECT, "datasets": [{"name": "d", "description": "", "tags": {}, "rules": [rule]}]}
    changes = plan(current, desired)
    assert _summary(changes) == [("delete", "dataset_rule", "d/not_null:x#2")]


def test_rule_names_number_rules_that_share_kind_and_column():
    rules = [{"kind": "range", "column": "x"}, {"kind": "row_count", "column": ""}, {"kind": "range", "column": "x"}]
    assert rule_names("d", rules) == ["d/range:x", "d/row_count", "d/range:x#2"]


def test_channel_secrets_never_appear_in_a_change():
    channel = {"name": "hook", "kind": "webhook", "config": {"url": "https://a/x", "secret": "one"}, "enabled": True}
    current = {"project": PROJECT, "channels": [channel]}
    desired = {"project": PROJECT, "channels": [channel | {"config": {"url": "https://a/x", "secret": "two"}}]}
    (change,) = plan(current, desired)
    assert change.as_dict()["changes"] == {"config.secret": {"from": "<redacted>", "to": "<redacted>"}}
    assert "two" not in str(change.as_dict())
