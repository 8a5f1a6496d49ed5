"""MLflow's error shape (``{"error_code": ..., "message": ...}``) and the mapping of Keel's errors onto it.

The MLflow client raises ``RestException`` (an ``MlflowException``) carrying ``error_code`` for any non-200 answer
in this shape. Codes the client would retry (HTTP 429/5xx) are avoided for domain errors.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions as drf_exceptions

from core.errors import Conflict, DomainError, Forbidden, NotFound, PayloadTooLarge

INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS"
RESOURCE_CONFLICT = "RESOURCE_CONFLICT"
PERMISSION_DENIED = "PERMISSION_DENIED"
UNAUTHENTICATED = "UNAUTHENTICATED"
ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND"
NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
BAD_REQUEST = "BAD_REQUEST"
REQUEST_LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED"

HTTP_STATUS = {
    INVALID_PARAMETER_VALUE: 400,
    RESOURCE_ALREADY_EXISTS: 400,
    BAD_REQUEST: 400,
    RESOURCE_DOES_NOT_EXIST: 404,
    ENDPOINT_NOT_FOUND: 404,
    RESOURCE_CONFLICT: 409,
    PERMISSION_DENIED: 403,
    UNAUTHENTICATED: 401,
    NOT_IMPLEMENTED: 501,
    REQUEST_LIMIT_EXCEEDED: 429,
}


class MlflowError(Exception):
    """An error answered in MLflow's shape."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message

    @property
    def status_code(self) -> int:
        return HTTP_STATUS.get(self.error_code, 400)


def invalid(message: str) -> MlflowError:
    return MlflowError(INVALID_PARAMETER_VALUE, message)


def missing(message: str) -> MlflowError:
    return MlflowError(RESOURCE_DOES_NOT_EXIST, message)


def _from_conflict(exc: Conflict) -> MlflowError:
    codes = {error.get("code") for error in exc.errors}
    if "unique" in codes:
        return MlflowError(RESOURCE_ALREADY_EXISTS, exc.detail)
    if "immutable" in codes or "exists" in codes:
        return MlflowError(INVALID_PARAMETER_VALUE, exc.detail)
    return MlflowError(RESOURCE_CONFLICT, exc.detail)


def from_domain(exc: DomainError) -> MlflowError:
    if isinstance(exc, NotFound):
        return MlflowError(RESOURCE_DOES_NOT_EXIST, exc.detail)
    if isinstance(exc, Forbidden):
        return MlflowError(PERMISSION_DENIED, exc.detail)
    if isinstance(exc, Conflict):
        return _from_conflict(exc)
    if isinstance(exc, PayloadTooLarge):
        return MlflowError(INVALID_PARAMETER_VALUE, exc.detail)
    return MlflowError(INVALID_PARAMETER_VALUE, exc.detail)


def from_drf(exc: drf_exceptions.APIException) -> MlflowError:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        return MlflowError(UNAUTHENTICATED, detail)
    if isinstance(exc, drf_exceptions.PermissionDenied):
        return MlflowError(PERMISSION_DENIED, detail)
    if isinstance(exc, drf_exceptions.NotFound):
        return MlflowError(RESOURCE_DOES_NOT_EXIST, detail)
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        return MlflowError(ENDPOINT_NOT_FOUND, detail)
    if isinstance(exc, drf_exceptions.Throttled):
        return MlflowError(REQUEST_LIMIT_EXCEEDED, detail)
    return MlflowError(BAD_REQUEST if exc.status_code != 400 else INVALID_PARAMETER_VALUE, detail)


def to_mlflow(exc: Exception) -> MlflowError | None:
    if isinstance(exc, MlflowError):
        return exc
    if isinstance(exc, DomainError):
        return from_domain(exc)
    if isinstance(exc, drf_exceptions.APIException):
        return from_drf(exc)
    return None


def body(error: MlflowError) -> dict[str, Any]:
    return {"error_code": error.error_code, "message": error.message}
