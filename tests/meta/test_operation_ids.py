"""Operation ids and tags come from the route names (core/schema.py). A view spells out ``operation_id`` only where
the rule derives another id; the generated SDK's method names are these ids, so the rule must keep them stable."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.schema import KeelAutoSchema, operation_id, tag

COLLECTIONS = {"model", "model-version", "model-alias", "retraining-policy", "webhook-delivery", "run"}


@pytest.mark.parametrize(
    ("name", "method", "methods", "expected"),
    [
        ("model-list", "GET", ["GET", "POST"], "models_list"),
        ("model-list", "POST", ["GET", "POST"], "models_create"),
        ("model-version-detail", "GET", ["GET", "PATCH", "DELETE"], "model_versions_retrieve"),
        ("model-version-detail", "PATCH", ["GET", "PATCH", "DELETE"], "model_versions_update"),
        ("retraining-policy-detail", "PUT", ["GET", "PUT", "DELETE"], "retraining_policies_replace"),
        ("model-alias-detail", "DELETE", ["GET", "PUT", "DELETE"], "model_aliases_delete"),
        ("webhook-delivery-redeliver", "POST", ["POST"], "webhook_deliveries_redeliver"),
        ("model-version-card", "GET", ["GET", "PATCH"], "model_versions_card"),
        ("model-version-card", "PATCH", ["GET", "PATCH"], "model_versions_card_update"),
        ("run-tags", "DELETE", ["POST", "DELETE"], "runs_tags_delete"),
        ("config-plan", "POST", ["POST"], "config_plan"),
        ("health-live", "GET", ["GET", "OPTIONS"], "health_live"),
    ],
)
def test_operation_id_from_the_route_name(name: str, method: str, methods: list[str], expected: str) -> None:
    assert operation_id(name, method, methods, COLLECTIONS) == expected


def test_tag_by_the_longest_leading_words() -> None:
    assert (tag("deployment-rollback"), tag("deployment-performance"), tag("run-tags")) == (
        "serving",
        "monitoring",
        "projects",
    )
    with pytest.raises(KeyError):
        tag("unheard-of")


def test_no_view_spells_out_the_operation_id_its_route_derives(monkeypatch: pytest.MonkeyPatch) -> None:
    derived_id = KeelAutoSchema.get_operation_id
    get_operation = KeelAutoSchema.get_operation
    spelled_out: list[tuple[str, str, str]] = []

    def spy(self: KeelAutoSchema, *args: Any, **kwargs: Any) -> Any:
        operation = get_operation(self, *args, **kwargs)
        if operation and operation["operationId"] != "<derived>":  # an explicit operation_id
            spelled_out.append((operation["operationId"], derived_id(self), f"{self.method} {self.path}"))
        return operation

    monkeypatch.setattr(KeelAutoSchema, "get_operation_id", lambda self: "<derived>")
    monkeypatch.setattr(KeelAutoSchema, "get_operation", spy)
    SchemaGenerator().get_schema(request=None, public=True)

    assert spelled_out, "the spy saw no explicit operation id: the test no longer looks at the views"
    redundant = [f"{where}: {explicit}" for explicit, derived, where in spelled_out if explicit == derived]
    assert not redundant, f"drop operation_id= where the route name derives it: {redundant}"
