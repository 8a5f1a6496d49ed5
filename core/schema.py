"""drf-spectacular extensions: operation ids and tags from the route names, the bearer-token scheme and
problem-details error responses on every operation."""

from __future__ import annotations

import functools
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_COMPONENT = {
    "type": "object",
    "description": "Problem details (RFC 9457): the shape of every error response.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        "request_id": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail", "code"],
}

FIELD_ERROR_COMPONENT = {
    "type": "object",
    "description": "One invalid input: the field (dotted path, null for the request as a whole), why, and a code.",
    "properties": {
        "field": {"type": "string", "nullable": True},
        "message": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["field", "message", "code"],
}

_ERRORS = {
    "400": "Invalid input: see `errors` for each field.",
    "401": "Missing, unknown, revoked or expired credentials.",
    "403": "Your role does not allow this action.",
    "404": "Not found, or not visible to you.",
    "429": "Too many requests: retry after the `Retry-After` header.",
}


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "core.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "A Keel API token (keel_...)."}


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: document problem-details error responses on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_COMPONENT
    schemas["FieldError"] = FIELD_ERROR_COMPONENT
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            secured = operation.get("security") != [{}] and operation.get("security") != []
            for code, description in _ERRORS.items():
                if code in ("401", "403") and not secured:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/problem+json": {"schema": PROBLEM_REF},
                            "application/json": {"schema": PROBLEM_REF},
                        },
                    },
                )
    return result


def prefer_json_request_bodies(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: a body that can be JSON is documented as JSON only.

    DRF also parses form and multipart bodies on those views, but listing the same schema three times makes
    generated clients take a union of three identical types. Upload views (multipart only) keep multipart.
    """
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            content = operation.get("requestBody", {}).get("content") if isinstance(operation, dict) else None
            if method in {"post", "put", "patch"} and content and "application/json" in content:
                operation["requestBody"]["content"] = {"application/json": content["application/json"]}
    return result


FREE_FORM = {"type": "object", "additionalProperties": {}}
JSON_OBJECT_COMPONENT = {
    "type": "object",
    "description": "A JSON object whose keys depend on the operation (see its description).",
    "additionalProperties": {},
}


def name_free_form_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: free-form object responses share one `JsonObject` component.

    Inline, every such response would become its own anonymous type in generated clients
    (`DeploymentsAbAnalysisResponse200`, ...).
    """
    used = False
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                media = response.get("content", {}).get("application/json") if isinstance(response, dict) else None
                if media is not None and media.get("schema") == FREE_FORM:
                    media["schema"] = {"$ref": "#/components/schemas/JsonObject"}
                    used = True
    if used:
        result.setdefault("components", {}).setdefault("schemas", {})["JsonObject"] = JSON_OBJECT_COMPONENT
    return result


# The tag of a route: looked up by the longest leading words of its name.
TAGS = {
    "project": "projects",
    "member": "projects",
    "service-account": "projects",
    "audit-event": "projects",
    "webhook": "projects",
    "experiment": "projects",
    "run": "projects",
    "token": "tokens",
    "health": "health",
    "config": "config",
    "dataset": "datasets",
    "model": "models",
    "approval-request": "models",
    "deployment": "serving",
    "prediction": "prediction log",
    "training-job": "training",
    "alert": "monitoring",
    "channel": "monitoring",
    "drift": "monitoring",
    "load-test": "monitoring",
    "retraining": "monitoring",
    "deployment-performance": "monitoring",
    "deployment-readiness": "monitoring",
    "deployment-simulate": "monitoring",
}

VERBS = {"GET": "retrieve", "POST": "create", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + "es" if word.endswith(("s", "x", "ch", "sh")) else word + "s"


def _leading(words: list[str], keys: Any) -> int:
    """How many leading words of ``words`` make the longest entry of ``keys`` (0 for none)."""
    return next((n for n in range(len(words), 0, -1) if "-".join(words[:n]) in keys), 0)


def operation_id(name: str, method: str, methods: list[str], collections: set[str]) -> str:
    """The operation id of ``method`` on the route named ``name`` (answering ``methods``).

    The subject is the name, dashes as underscores, with the collection it starts with in the plural (the
    longest name prefix ``x`` that has a ``x-list`` route): ``model-version-verify`` -> ``model_versions_verify``.
    A ``-list`` route adds ``list`` (GET) or ``create`` (POST); a ``-detail`` route adds ``retrieve`` (GET),
    ``replace`` (PUT), ``update`` (PATCH), ``delete`` (DELETE) or ``create`` (POST). Any other route is named
    after what it does (``deployment-rollback``, ``model-version-card``, ``config-plan``): its first method
    (GET, POST, PUT, PATCH, DELETE, in this order) takes the subject alone, the others add the same verbs
    (``model_versions_card`` and ``model_versions_card_update``). A view sets ``operation_id`` only where its
    verb is none of these (an alias GET "resolves", a member POST "sets").
    """
    words = name.split("-")
    kind = words.pop() if words[-1] in ("list", "detail") else None
    n = _leading(words, collections)
    if n:
        words[n - 1] = _plural(words[n - 1])
    subject = "_".join(words)
    if kind == "list" and method == "GET":
        return f"{subject}_list"
    if kind is None and method == next(m for m in VERBS if m in methods):
        return subject
    return f"{subject}_{VERBS[method]}"


def tag(name: str) -> str:
    """The tag of the route named ``name`` (see TAGS)."""
    words = name.split("-")
    n = _leading(words, TAGS)
    if not n:
        raise KeyError(f"no tag for the route {name!r}: add its first words to core.schema.TAGS")
    return TAGS["-".join(words[:n])]


def _routes(patterns: list[Any], prefix: str = "") -> Any:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)  # as drf's EndpointEnumerator joins them (AutoSchema.path_regex)
        if isinstance(pattern, URLPattern):
            yield route, pattern.name
        elif isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)


@functools.cache
def route_names() -> dict[str, str]:
    """The name of each route of the root URLconf, by its joined pattern."""
    return {route: name for route, name in _routes(get_resolver().url_patterns) if name}


@functools.cache
def collections() -> set[str]:
    """The collections: ``x`` for every route named ``x-list``."""
    return {name.removesuffix("-list") for name in route_names().values() if name.endswith("-list")}


def unwrapped(doc: str) -> str:
    """``doc`` with each wrapped line joined to the one before: a docstring wraps at the line length, while a
    description's paragraph, or list item (``- ...``), is one line."""
    lines: list[str] = []
    for line in doc.split("\n"):
        if lines and lines[-1] and line.strip() and not line.startswith("- "):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines)


_BODIES = {"POST": "create_serializer_class", "PATCH": "update_serializer_class", "PUT": "update_serializer_class"}


class KeelAutoSchema(AutoSchema):
    """Operation ids and tags from the route's name (see ``operation_id`` and ``tag``); drf-spectacular's
    defaults for a route without a name or outside the root URLconf. The generic handlers of core.base_views
    document their input serializer as the request body, and a create as a 201; a POST action's request body is
    the view's ``body_serializer``. Any other request body is the one a handler's ``@extend_schema`` names (none by
    default, where drf-spectacular would take the view's serializer_class). A description is the handler's or the
    view's docstring."""

    def generic_body(self) -> Any:
        """The input serializer of the generic handler for this method (``_BODIES``), if the view has one."""
        return getattr(self.view, _BODIES.get(self.method, ""), None)

    def get_request_serializer(self) -> Any:
        action_body = getattr(self.view, "body_serializer", None) if self.method == "POST" else None
        return self.generic_body() or action_body

    def get_response_serializers(self) -> Any:
        if self.method == "POST" and self.generic_body() is not None:
            view: Any = self.view
            return {201: view.get_serializer_class()}
        return super().get_response_serializers()

    def get_description(self) -> str:  # type: ignore[override]
        """The handler's docstring, else the view's (drf-spectacular's choice), unwrapped (see ``unwrapped``)."""
        return unwrapped(super().get_description())

    def route_name(self) -> str | None:
        return route_names().get(self.path_regex)

    def get_operation_id(self) -> str:
        name = self.route_name()
        if name is None:
            return super().get_operation_id()
        return operation_id(name, self.method, self.view.allowed_methods, collections())

    def get_tags(self) -> list[str]:
        name = self.route_name()
        return super().get_tags() if name is None else [tag(name)]
