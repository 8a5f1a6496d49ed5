"""MLflow's searches of registered models, model versions and experiments on Keel's tables.

Filters and order_by clauses are parsed by registry/search.py with MLflow's grammars (``REGISTERED_MODELS``,
``MODEL_VERSIONS``, ``EXPERIMENTS``) and translated here into Django conditions: attributes are columns, tags are
keys of the object's JSON tags. As in MLflow's own store, an object without a tag matches no comparison on that
tag (``!=`` included), except ``mlflow.prompt.is_prompt``, which every non-prompt object lacks and which the MLflow
client compares with ``!= 'true'`` on every registry search: a missing value reads as ``'false'``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.expressions import OrderBy
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from interop.mlflow import errors
from registry import search
from registry.selectors.experiments import value_condition

IS_PROMPT_TAG = "mlflow.prompt.is_prompt"

Columns = dict[str, Any]  # attribute -> a field path or an expression
TagExpression = Callable[[str], Any]


def _json_tag(column: str) -> TagExpression:
    return lambda key: KeyTextTransform(key, column)


def _version_tag(key: str) -> Any:
    if key == "keel.approval":
        return F("approval")
    if key == "keel.health":
        return F("health")
    return KeyTextTransform(key, "mlflow_link__tags")


def _experiment_tag(key: str) -> Any:
    if key == "mlflow.note.content":
        return Coalesce(KeyTextTransform(key, "tags"), NullIf(F("description"), Value("")))
    return KeyTextTransform(key, "tags")


_MODEL_COLUMNS: Columns = {
    "name": "name",
    "timestamp": "created_at",
    "creation_timestamp": "created_at",
    "last_updated_timestamp": "updated_at",
}
_VERSION_COLUMNS: Columns = {
    "name": "registered_model__name",
    "version_number": "number",
    "run_id": "run__run_id",
    "source_path": Coalesce(
        F("mlflow_link__source"),
        Concat(
            Value("keel:/"),
            F("registered_model__name"),
            Value("/"),
            Cast("number", CharField()),
            output_field=CharField(),
        ),
        output_field=CharField(),
    ),
    "timestamp": "created_at",
    "creation_timestamp": "created_at",
    "last_updated_timestamp": "created_at",
}
_EXPERIMENT_COLUMNS: Columns = {
    "name": "name",
    "experiment_id": Cast("id", CharField()),
    "creation_time": "created_at",
    "last_update_time": "updated_at",
}


def _parse(grammar: search.Grammar, text: str, order_by: Sequence[str]) -> tuple[Any, list[search.OrderKey]]:
    try:
        node = search.parse_filter(text, grammar)
    except search.SearchSyntaxError as exc:
        raise errors.invalid(f"Invalid filter {text!r}: {exc}") from None
    keys: list[search.OrderKey] = []
    for clause in order_by:
        try:
            keys.extend(search.parse_order_by(clause, grammar))
        except search.SearchSyntaxError as exc:
            raise errors.invalid(f"Invalid order_by clause {clause!r}: {exc}") from None
    return node, keys


class _Translator:
    """One search: annotates the queryset with each attribute expression and tag it compares, then filters."""

    def __init__(self, columns: Columns, tag: TagExpression) -> None:
        self.columns = columns
        self.tag = tag
        self.annotations: dict[str, Any] = {}

    def column(self, entity: search.Entity) -> str:
        if entity.kind == "attribute":
            target = self.columns[entity.key]
            if isinstance(target, str):
                return target
            return self._annotate(f"_attr_{entity.key}", target)
        expression = self.tag(entity.key)
        if entity.key == IS_PROMPT_TAG:
            expression = Coalesce(expression, Value("false"), output_field=CharField())
        return self._annotate(f"_tag_{len(self.annotations)}", expression, key=("tag", entity.key))

    def _annotate(self, alias: str, expression: Any, key: tuple[str, str] | None = None) -> str:
        marker = f"{key[0]}:{key[1]}" if key else alias
        for name, (seen, _) in self.annotations.items():
            if seen == marker:
                return name
        self.annotations[alias] = (marker, expression)
        return alias

    def condition(self, node: search.Node) -> Q:
        if isinstance(node, search.BoolOp):
            parts = [self.condition(operand) for operand in node.operands]
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if node.op == "and" else combined | part
            return combined
        return value_condition(self.column(node.entity), node)

    def order(self, key: search.OrderKey) -> OrderBy:
        expression = F(self.column(key.entity))
        return expression.desc(nulls_last=True) if key.descending else expression.asc(nulls_last=True)

    def apply(
        self, queryset: QuerySet[Any], node: Any, keys: list[search.OrderKey], default: Sequence[str]
    ) -> QuerySet[Any]:
        condition = self.condition(node) if node is not None else None
        ordering = [self.order(key) for key in keys]
        if self.annotations:
            queryset = queryset.annotate(**{alias: expr for alias, (_, expr) in self.annotations.items()})
        if condition is not None:
            queryset = queryset.filter(condition)
        return queryset.order_by(*ordering, *default)


def registered_models(queryset: QuerySet[Any], *, filter_string: str, order_by: Sequence[str]) -> QuerySet[Any]:
    """Registered models as MLflow searches them; ordered by the given keys, then by name."""
    node, keys = _parse(search.REGISTERED_MODELS, filter_string, order_by)
    return _Translator(_MODEL_COLUMNS, _json_tag("tags")).apply(queryset, node, keys, ["name"])


def model_versions(queryset: QuerySet[Any], *, filter_string: str, order_by: Sequence[str]) -> QuerySet[Any]:
    """Model versions as MLflow searches them; by default newest first, then by name and number (descending)."""
    node, keys = _parse(search.MODEL_VERSIONS, filter_string, order_by)
    default = ["registered_model__name", "-number"] if keys else ["-created_at", "registered_model__name", "-number"]
    return _Translator(_VERSION_COLUMNS, _version_tag).apply(queryset, node, keys, default)


def experiments(queryset: QuerySet[Any], *, filter_string: str, order_by: Sequence[str]) -> QuerySet[Any]:
    """Experiments as MLflow searches them; by default newest first, ties by id."""
    node, keys = _parse(search.EXPERIMENTS, filter_string, order_by)
    default = ["id"] if keys else ["-created_at", "id"]
    return _Translator(_EXPERIMENT_COLUMNS, _experiment_tag).apply(queryset, node, keys, default)
