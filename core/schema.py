"""drf-spectacular extensions: the bearer-token scheme and problem-details error responses on every operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

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
