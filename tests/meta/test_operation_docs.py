"""What an operation's documentation reads off the code (core/schema.py): its description is its handler's
docstring, or the view's where the handler is inherited; a body is documented only where the view or handler
declares one. ``@extend_schema`` on a handler carries only what cannot be read off the code."""

from __future__ import annotations

import ast

from drf_spectacular.generators import SchemaGenerator

from core.schema import unwrapped
from tests.meta.test_imports import MODULES


def test_a_wrapped_docstring_becomes_one_line_per_paragraph_and_list_item() -> None:
    doc = (
        "Change traffic with a strategy;\neach call creates a revision.\n\n"
        "- single: the version takes\n  all traffic.\n- shadow: a copy."
    )
    assert unwrapped(doc) == (
        "Change traffic with a strategy; each call creates a revision.\n\n"
        "- single: the version takes all traffic.\n- shadow: a copy."
    )


def _operations() -> dict[str, dict]:  # type: ignore[type-arg]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {op["operationId"]: op for item in schema["paths"].values() for op in item.values() if "operationId" in op}


def test_descriptions_and_action_bodies_come_from_the_code() -> None:
    operations = _operations()
    # a handler's docstring, unwrapped
    assert operations["model_versions_upload"]["description"].startswith(
        "Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type list and must "
        "predict on input_example."
    )
    # an inherited handler: the view's docstring, its list items kept apart; the body is the view's body_serializer
    deploy = operations["deployments_deploy"]
    assert deploy["description"].startswith("Change traffic with a strategy; each call creates a new immutable")
    assert (
        "\n- canary: the version takes steps[0]% and moves through steps on interval_seconds while"
        in (deploy["description"])
    )
    body = deploy["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/DeployRequest")
    rollback = operations["deployments_rollback"]
    assert rollback["description"] == "Return to the previous revision (or a named one) in one call."
    assert rollback["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RollbackRequest")


def test_a_request_body_is_documented_only_where_it_is_declared() -> None:
    operations = _operations()
    assert "requestBody" not in operations["experiments_restore"]  # a POST with no body
    assert "requestBody" not in operations["model_versions_verify"]
    log_batch = operations["runs_log_batch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert log_batch.endswith("/RunLogBatchRequest")  # named by the handler's @extend_schema
    created = operations["models_create"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert created.endswith("/RegisteredModelCreateRequest")  # the view's create_serializer_class


def handler_descriptions() -> list[str]:
    """``@extend_schema(description=...)`` on a method: that text belongs in the method's docstring."""
    found = []
    for path in MODULES.values():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", None) == "extend_schema"
                    and any(keyword.arg == "description" for keyword in decorator.keywords)
                ):
                    found.append(f"{path.name}:{decorator.lineno}: {node.name}")
    return found


def test_handlers_describe_themselves_in_their_docstrings() -> None:
    assert handler_descriptions() == []
