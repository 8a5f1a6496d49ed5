"""The keel.yaml JSON Schema, derived from the document serializers, and the check of a document against it.

The schema comes from drf-spectacular (the same source as openapi.yaml), rewritten as a standalone JSON Schema
(draft 2020-12) that refuses unknown keys at every level. ``jsonschema`` checks a document against it before the
serializers run, so a typo (``enabld``) is refused with its document path instead of being ignored.
cli/keel_cli/keel.schema.json is this schema, published for editors (``keel config schema`` prints it;
``manage.py config_schema`` writes it).
"""

from __future__ import annotations

import difflib
import functools
import json
from typing import Any

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import PLATFORM_ONLY
from declarative.document import ConfigDocumentSerializer

SCHEMA_ID = "https://keel.dev/schemas/keel.schema.json"
_ROOT = "ConfigDocument"
_DEPRECATED = {"ConfigProject": PLATFORM_ONLY}  # refused when true by the serializer; ``false`` still applies


def _name(ref: str) -> str:
    name = ref.rsplit("/", 1)[-1]
    return name.removesuffix("Request")


def _rewrite(node: Any) -> Any:
    """OpenAPI 3.0 component -> JSON Schema: local $defs, ``nullable`` as a null type, closed objects."""
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _rewrite(value) for key, value in node.items() if key not in ("readOnly", "writeOnly", "nullable")}
    if "$ref" in out:
        out["$ref"] = f"#/$defs/{_name(out['$ref'])}"
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


class _DocumentSource(serializers.Serializer):
    document = ConfigDocumentSerializer()


class _DocumentView(APIView):
    """Never routed: drf-spectacular reads the document's components from this operation."""

    @extend_schema(operation_id="keel_document", request=_DocumentSource, responses={204: None})
    def post(self, request: Request) -> Response:
        return Response(status=204)


@functools.cache
def document_schema() -> dict[str, Any]:
    """The JSON Schema of a keel.yaml document (keys sorted, stable across runs)."""
    patterns = [path("keel-document/", _DocumentView.as_view())]
    components = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)["components"]
    schemas = components["schemas"]
    defs: dict[str, Any] = {}
    pending = [f"{_ROOT}Request"]
    while pending:
        source = pending.pop()
        name = _name(source)
        if name in defs:
            continue
        defs[name] = _rewrite(schemas[source])
        pending.extend(ref.rsplit("/", 1)[-1] for ref in _refs(schemas[source]))
    for name, keys in _DEPRECATED.items():
        for key in keys:
            defs[name]["properties"][key] = {"deprecated": True, "description": keys[key]}
    root = defs.pop(_ROOT)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "keel.yaml (apiVersion keel/v1)",
        **root,
        "$defs": dict(sorted(defs.items())),
    }
    return json.loads(json.dumps(schema, sort_keys=True))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def schema_json() -> str:
    return json.dumps(document_schema(), indent=2, sort_keys=True) + "\n"


def _message(error: SchemaError) -> tuple[list[Any], str]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known), key=str)
        key = unknown[0] if unknown else ""
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(known))}"
        return [*path, key], f"unknown key{hint}"
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        return [*path, missing], "This field is required."
    if error.validator == "enum":
        choices = ", ".join(repr(choice) for choice in error.validator_value)
        return path, f"{error.instance!r} is not a valid choice; one of {choices}"
    return path, error.message


def _nest(path: list[Any], message: str, into: dict[str, Any]) -> None:
    """{"channels": {"0": {"enabld": [msg]}}}: the shape the error handler flattens to ``channels[0].enabld``."""
    node = into
    for part in path[:-1]:
        node = node.setdefault(str(part), {})
        if not isinstance(node, dict):
            return
    leaf = node.setdefault(str(path[-1]) if path else "non_field_errors", [])
    if isinstance(leaf, list) and message not in leaf:
        leaf.append(message)


def document_check(data: Any) -> None:
    """400 naming every path where ``data`` breaks the schema (unknown keys first, one message per path)."""
    validator = Draft202012Validator(document_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (e.validator != "additionalProperties", e.path))
    if not errors:
        return
    detail: dict[str, Any] = {}
    seen: set[tuple[str, ...]] = set()
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            error = max(error.context, key=lambda e: len(e.absolute_path))
        path, message = _message(error)
        key = tuple(str(p) for p in path)
        if any(key[: len(s)] == s or s[: len(key)] == key for s in seen):
            continue  # one error per branch: the deepest, most specific first
        seen.add(key)
        _nest(path, message, detail)
    raise serializers.ValidationError(detail)
