"""Domain errors raised by services, and the one exception handler that turns every error into problem details.

Response shape (RFC 9457 problem details), for every 4xx/5xx of the API:

    {"type": "urn:keel:problem:validation", "title": "Invalid input", "status": 400,
     "detail": "...", "errors": [{"field": "name", "message": "...", "code": "..."}], "request_id": "..."}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError as DbInterfaceError
from django.db import OperationalError as DbOperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, JsonResponse
from redis import exceptions as redis_exceptions
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response

from core import context

logger = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    title = "Invalid request"

    def __init__(self, detail: str, *, errors: Iterable[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors or [])
        self.extra = extra


class ValidationFailed(DomainError):
    status_code = 400
    code = "validation"
    title = "Invalid input"

    @classmethod
    def field(cls, field: str, message: str, code: str = "invalid") -> ValidationFailed:
        return cls(f"{field}: {message}", errors=[{"field": field, "message": message, "code": code}])


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    title = "Conflict"

    @classmethod
    def taken(cls, detail: str, field: str = "name") -> Conflict:
        """A name (given in ``field``) that another object of its kind already has."""
        return cls(detail, errors=[{"field": field, "message": "already exists", "code": "unique"}])


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    title = "Forbidden"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
    title = "Payload too large"

    @classmethod
    def file(cls, detail: str) -> PayloadTooLarge:
        """An uploaded file over a size limit (the ``file`` field)."""
        return cls(detail, errors=[{"field": "file", "message": "too large", "code": "too_large"}])


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "unavailable"
    title = "Service unavailable"


def problem(
    status_code: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:keel:problem:{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    ctx = context.current()
    if ctx is not None:
        body["request_id"] = ctx.request_id
    return body


def flatten_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested ``ErrorDetail`` structures into ``[{field, message, code}]``."""
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key)
            if isinstance(key, int) or name.isdigit():
                path = f"{prefix}[{name}]"
            elif name == "non_field_errors":
                path = prefix
            elif prefix:
                path = f"{prefix}.{name}"
            else:
                path = name
            out.extend(flatten_errors(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                out.append({"field": prefix or None, "message": str(item), "code": getattr(item, "code", "invalid")})
        else:
            for index, item in enumerate(detail):
                out.extend(flatten_errors(item, f"{prefix}[{index}]"))
    else:
        out.append({"field": prefix or None, "message": str(detail), "code": getattr(detail, "code", "invalid")})
    return out


_DRF_TITLES = {
    400: ("validation", "Invalid input"),
    401: ("not_authenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    429: ("throttled", "Too many requests"),
}


# A dependency that cannot be reached (database restarting, Redis down) is an outage, not a bug: 503 with a
# Retry-After, so clients back off and retry instead of seeing a storm of 500s; Keel reconnects on its own.
UNAVAILABLE = (DbOperationalError, DbInterfaceError, redis_exceptions.ConnectionError, redis_exceptions.TimeoutError)
RETRY_AFTER_S = 5


def exception_handler(exc: Exception, ctx: dict[str, Any]) -> Response | None:
    if isinstance(exc, UNAVAILABLE):
        logger.warning("dependency unavailable: %s: %s", type(exc).__name__, (str(exc).splitlines() or [""])[0][:300])
        part = "cache/broker" if isinstance(exc, redis_exceptions.RedisError) else "database"
        body = problem(503, ServiceUnavailable.code, ServiceUnavailable.title, f"The {part} is unavailable; retry.")
        return Response(body, status=503, headers={"Retry-After": str(RETRY_AFTER_S)})
    if isinstance(exc, DomainError):
        body = problem(exc.status_code, exc.code, exc.title, exc.detail, exc.errors, **exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, ProtectedError | RestrictedError):
        exc = _in_use(exc)
        return Response(problem(409, exc.code, exc.title, exc.detail), status=409)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = drf_exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    if isinstance(exc, drf_exceptions.APIException):
        code, title = _DRF_TITLES.get(exc.status_code, ("error", "Error"))
        headers: dict[str, str] = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, drf_exceptions.Throttled) and wait is not None:
            headers["Retry-After"] = str(max(1, int(wait + 0.999)))
        if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Bearer realm="keel"'
        if isinstance(exc, drf_exceptions.ValidationError):
            errors = flatten_errors(exc.detail)
            first = errors[0] if errors else {"field": None, "message": "Invalid input"}
            summary = f"{first['field']}: {first['message']}" if first.get("field") else str(first["message"])
            body = problem(400, code, title, summary, errors)
        else:
            detail_text = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
            body = problem(exc.status_code, getattr(exc.detail, "code", None) or code, title, detail_text)
        return Response(body, status=exc.status_code, headers=headers)
    return None


def _in_use(exc: ProtectedError | RestrictedError) -> Conflict:
    """A deletion that other objects still depend on (PROTECT / RESTRICT foreign keys) is a conflict, not a 500."""
    blockers = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blockers})
    return Conflict(f"Still in use by {', '.join(kinds)}; remove or archive those first.")


def json_problem_response(request: HttpRequest, status_code: int, detail: str) -> JsonResponse:
    code, title = _DRF_TITLES.get(status_code, ("error", "Server error"))
    body = problem(status_code, code, title, detail)
    return JsonResponse(body, status=status_code, content_type="application/problem+json")


def handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_problem_response(request, 404, f"No route matches {request.path}")


def handler500(request: HttpRequest) -> JsonResponse:
    response = json_problem_response(request, 500, "An unexpected error occurred; it has been logged.")
    response.status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    return response


def handler400(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # Django raises RequestDataTooBig (a SuspiciousOperation, hence here) for a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    if isinstance(exception, RequestDataTooBig):
        return json_problem_response(request, 413, "The request body is over the size limit (KEEL_MAX_JSON_BYTES).")
    return json_problem_response(request, 400, str(exception) if exception else "Bad request")


def handler403(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_problem_response(request, 403, "You do not have permission to perform this action.")
