"""The plan: what changes, object by object, between the current and the desired document. It compares two
normalized documents and queries nothing, but imports ``declarative.state`` (which loads the ORM models) for its
secret keys and rule names.

Both documents are normalized (see declarative/document.py and declarative/state.py). A kind is compared only when
the desired document lists it; objects of a listed kind that the document does not name are deleted, except
datasets (data is not configuration: a dataset is created or updated, never deleted; its rules are fully managed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from declarative.document import KINDS, REDACTED
from declarative.state import SECRET_KEYS, rule_names

CREATE, UPDATE, DELETE = "create", "update", "delete"
# Document key -> the kind named in changes, and the key that names an object.
_KIND = {
    "members": ("member", "username"),
    "datasets": ("dataset", "name"),
    "channels": ("channel", "name"),
    "deployments": ("deployment", "name"),
    "drift": ("drift", "deployment"),
    "alert_rules": ("alert_rule", "name"),
    "retraining_policies": ("retraining_policy", "name"),
}


@dataclass
class Change:
    action: str
    kind: str
    name: str
    changes: dict[str, dict[str, Any]]
    desired: dict[str, Any] = field(default_factory=dict)  # the whole desired object (create/update)
    path: str = ""  # where the object is in the document, to name it in errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "changes": _redact(self.kind, self.changes),
        }


def _redact(kind: str, changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    if kind != "channel":
        return changes
    out = {}
    for key, change in changes.items():
        if key.removeprefix("config.") in SECRET_KEYS:
            change = {side: None if value is None else REDACTED for side, value in change.items()}
        out[key] = change
    return out


def _fields(kind: str, obj: dict[str, Any], key: str) -> dict[str, Any]:
    values = {k: v for k, v in obj.items() if k not in (key, "rules")}
    if kind == "channel":  # compare (and report) each setting on its own, so a secret never shows in full
        config = values.pop("config")
        values |= {f"config.{k}": v for k, v in sorted(config.items())}
    if kind == "dataset_rule":
        values.pop("dataset", None)
    return values


def _compare(kind: str, name: str, have: dict[str, Any] | None, want: dict[str, Any], path: str) -> Change | None:
    if have is None:
        changes = {k: {"from": None, "to": v} for k, v in want.items()}
        return Change(CREATE, kind, name, changes, want, path)
    changes = {k: {"from": have.get(k), "to": v} for k, v in want.items() if have.get(k) != v}
    return Change(UPDATE, kind, name, changes, want, path) if changes else None


def _entities(kind: str, key: str, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item[key]: _fields(kind, item, key) for item in items}


def _rules(datasets: list[dict[str, Any]], only: set[str] | None = None) -> dict[str, dict[str, Any]]:
    out = {}
    for dataset in datasets:
        if only is not None and dataset["name"] not in only:
            continue
        for name, rule in zip(rule_names(dataset["name"], dataset["rules"]), dataset["rules"], strict=True):
            out[name] = {"dataset": dataset["name"], **rule}
    return out


def _diff_rules(current: list[dict[str, Any]], desired: list[dict[str, Any]]) -> tuple[list[Change], list[Change]]:
    have = _rules(current, only={d["name"] for d in desired})
    paths = {}
    for d_index, dataset in enumerate(desired):
        for r_index, name in enumerate(rule_names(dataset["name"], dataset["rules"])):
            paths[name] = f"datasets[{d_index}].rules[{r_index}]"
    upserts = []
    for name, rule in _rules(desired).items():
        change = _compare(
            "dataset_rule",
            name,
            _fields("dataset_rule", have[name], "") if name in have else None,
            _fields("dataset_rule", rule, ""),
            paths[name],
        )
        if change is not None:
            change.desired = rule
            upserts.append(change)
    deletes = [
        Change(
            DELETE,
            "dataset_rule",
            name,
            {k: {"from": v, "to": None} for k, v in _fields("dataset_rule", rule, "").items()},
            rule,
            "datasets",
        )
        for name, rule in have.items()
        if name not in paths
    ]
    return upserts, deletes


def _project_change(current: dict[str, Any] | None, desired: dict[str, Any]) -> Change | None:
    want = {k: v for k, v in desired["project"].items() if k != "slug"}
    existing = (current or {}).get("project")
    have = None if existing is None else {k: v for k, v in existing.items() if k != "slug"}
    return _compare("project", desired["project"]["slug"], have, want, "project")


def plan(current: dict[str, Any] | None, desired: dict[str, Any]) -> list[Change]:
    """Creates and updates in dependency order (project, members, datasets and their rules, channels, deployments,
    drift, alert rules, retraining policies), then deletes in the reverse order."""
    upserts: list[Change] = []
    deletes: list[list[Change]] = []
    project = _project_change(current, desired)
    if project is not None:
        upserts.append(project)
    for doc_key in KINDS:
        if doc_key not in desired:
            continue
        kind, key = _KIND[doc_key]
        have_items = (current or {}).get(doc_key, [])
        have = _entities(kind, key, have_items)
        kind_deletes: list[Change] = []
        for index, item in enumerate(desired[doc_key]):
            change = _compare(kind, item[key], have.get(item[key]), _fields(kind, item, key), f"{doc_key}[{index}]")
            if change is not None:
                change.desired = item
                upserts.append(change)
        if doc_key == "datasets":
            rule_upserts, kind_deletes = _diff_rules(have_items, desired[doc_key])
            upserts.extend(rule_upserts)
        else:
            wanted = {item[key] for item in desired[doc_key]}
            kind_deletes = [
                Change(DELETE, kind, name, {k: {"from": v, "to": None} for k, v in fields.items()}, {}, doc_key)
                for name, fields in have.items()
                if name not in wanted
            ]
        deletes.append(kind_deletes)
    return upserts + [change for group in reversed(deletes) for change in group]
