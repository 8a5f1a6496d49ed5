"""The OpenAPI document as the SDK generator should read it: free-form objects in request bodies become plain dicts.

openapi-python-client turns every `type: object` schema into a model class, even one with no declared properties
(`{"type": "object", "additionalProperties": {}}`: predict rows, a training spec, tags). Such a class must be built
with `from_dict`, so `PredictRequest(inputs=[{"mean_radius": 17.99}])` failed in `to_dict` with
`'dict' object has no attribute 'to_dict'`. Without `type`, the generator types the field `Any` and sends the dict
as it is, so the natural call works. Only schemas reached from request bodies alone change; responses keep their
classes (which read like dicts). openapi.yaml itself is untouched: Swagger UI and validators still see objects.

Usage: python scripts/sdk_spec.py openapi.yaml OUT.yaml
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

REF = "#/components/schemas/"


def refs(node: Any) -> set[str]:
    """Component names referenced anywhere under `node`."""
    if isinstance(node, dict):
        found = {node["$ref"].removeprefix(REF)} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(item) for item in node))
    return set()


def closure(names: set[str], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(refs(schemas[name]) - seen)
    return seen


def is_free_form(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "object"
        and not schema.get("properties")
        and "additionalProperties" in schema
    )


def loosen(schema: Any) -> None:
    """Drop `type: object` from free-form objects nested in `schema` (its properties, items, map values)."""
    if not isinstance(schema, dict):
        return
    children = [*(schema.get("properties") or {}).values(), schema.get("items"), schema.get("additionalProperties")]
    for key in ("allOf", "oneOf", "anyOf"):
        children.extend(schema.get(key) or [])
    for child in children:
        if is_free_form(child):
            del child["type"]
        loosen(child)


def transform(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.get("components", {}).get("schemas", {})
    operations = [op for item in document.get("paths", {}).values() for op in item.values() if isinstance(op, dict)]
    requests = closure(set().union(*(refs(op.get("requestBody", {})) for op in operations)), schemas)
    responses = closure(set().union(*(refs(op.get("responses", {})) for op in operations)), schemas)
    for name in sorted(requests - responses):
        loosen(schemas[name])
    return document


def main(source: str, target: str) -> None:
    with open(source) as handle:
        document = yaml.safe_load(handle)
    with open(target, "w") as handle:
        yaml.safe_dump(transform(document), handle, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
