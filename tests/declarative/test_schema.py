"""The published keel.yaml JSON Schema: fresh, accepts what the server accepts, refuses unknown keys everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from declarative.schema import document_schema, schema_json
from tests.declarative.conftest import full_document

PUBLISHED = Path(__file__).resolve().parents[2] / "cli" / "keel_cli" / "keel.schema.json"


def test_the_published_schema_is_fresh():
    assert PUBLISHED.read_text() == schema_json(), "run scripts/openapi.sh (it writes cli/keel_cli/keel.schema.json)"


def test_the_schema_is_valid_and_accepts_a_full_document():
    schema = json.loads(PUBLISHED.read_text())
    Draft202012Validator.check_schema(schema)
    document = full_document("alpha", {"owner": "o", "maintainer": "m", "editor": "e", "viewer": "v"})
    assert list(Draft202012Validator(schema).iter_errors(document)) == []


@pytest.mark.parametrize(
    "path",
    [
        ("project",),
        ("channels", 0),
        ("alert_rules", 0),
        ("datasets", 0, "rules", 0),
        ("deployments", 0, "variants", 0),
        ("drift", 0),
        ("retraining_policies", 0),
        ("members", 0),
    ],
)
def test_the_schema_closes_every_object(path):
    document = full_document("alpha", {"owner": "o", "maintainer": "m", "editor": "e", "viewer": "v"})
    node = document
    for part in path:
        node = node[part]
    node["typo_key"] = 1
    errors = list(Draft202012Validator(document_schema()).iter_errors(document))
    assert [(e.validator, tuple(e.absolute_path)) for e in errors] == [("additionalProperties", path)]
