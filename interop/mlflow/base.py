"""The base of every MLflow endpoint: which Keel project a call lands in, the authorization decision (Keel's own
``ProjectAccess`` with the project resolved from the request rather than the URL), request parsing and errors
in MLflow's shape."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from rest_framework import exceptions as drf_exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import ProjectAPIView
from core.models import User
from core.selectors import project_slugs_for_user
from interop.mlflow import errors
from interop.projects import PROJECT_HEADER, header_project_slug, token_project_slug


def project_slug_for(request: Request) -> str:
    """The project an MLflow call lands in: the ``X-Keel-Project`` header, else ``KEEL_MLFLOW_DEFAULT_PROJECT``,
    else the token's default project, else a service account's project, else the caller's first membership."""
    slug = header_project_slug(request) or str(getattr(settings, "KEEL_MLFLOW_DEFAULT_PROJECT", "") or "")
    user = request.user
    if slug or not isinstance(user, User):
        return slug
    slug = token_project_slug(request)
    if slug:
        return slug
    slugs = project_slugs_for_user(user=user, limit=1)
    return slugs[0] if slugs else ""


class MlflowView(ProjectAPIView):
    """An MLflow REST endpoint mapped onto the caller's Keel project; ``access`` maps methods to Keel actions."""

    schema = None  # a foreign protocol: not part of Keel's OpenAPI description
    pagination_class = None
    access: ClassVar[dict[str, str]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)
        if request.user and request.user.is_authenticated:
            slug = project_slug_for(request)
            if not slug:
                raise errors.missing(f"No Keel project for this caller: send the {PROJECT_HEADER} header.")
            self.kwargs = {**self.kwargs, "project": slug}  # read by ProjectAccess, not passed to handlers
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        error = errors.to_mlflow(exc)
        if error is None:
            return super().handle_exception(exc)
        headers = {"WWW-Authenticate": 'Bearer realm="keel"'} if error.error_code == errors.UNAUTHENTICATED else {}
        wait = getattr(exc, "wait", None) if isinstance(exc, drf_exceptions.Throttled) else None
        if error.status_code == 429:
            headers["Retry-After"] = str(max(1, math.ceil(wait or 1)))
        return Response(errors.body(error), status=error.status_code, headers=headers)

    # --- request parsing -------------------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        """The JSON body of a POST/PATCH/DELETE (MLflow sends JSON), or the query string of a GET."""
        if self.request.method == "GET":
            return {key: values if len(values) > 1 else values[0] for key, values in self.request.query_params.lists()}
        data = self.request.data
        if not isinstance(data, dict):
            raise errors.invalid("The request body must be a JSON object.")
        if not data and self.request.query_params:
            return {k: v if len(v) > 1 else v[0] for k, v in self.request.query_params.lists()}
        return dict(data)

    def page(
        self, data: dict[str, Any], key: str, items: Any, shape: Callable[[Any], Any], *, default: int, limit: int
    ) -> Response:
        """One page of ``items`` (after the request's ``page_token``, at most its ``max_results``) shaped under
        ``key``, with ``next_page_token`` when more follow."""
        max_results = integer(data, "max_results")
        page, token = paginate(
            items, token=data.get("page_token"), max_results=max_results, default=default, limit=limit
        )
        body: dict[str, Any] = {key: [shape(item) for item in page]}
        if token:
            body["next_page_token"] = token
        return ok(body)

    def list_param(self, data: dict[str, Any], name: str) -> list[Any]:
        if name in self.request.query_params and self.request.method == "GET":
            return self.request.query_params.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


def ok(payload: dict[str, Any] | None = None) -> Response:
    return Response(payload or {})


def required(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value is None or value == "":
        raise errors.invalid(f"Missing value for required parameter '{name}'.")
    return value


def string(data: dict[str, Any], name: str, *, default: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise errors.invalid(f"Invalid value {value!r} for parameter '{name}': must be a string.")
    return value


def integer(data: dict[str, Any], name: str, *, default: int | None = None) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.invalid(f"Invalid value {value!r} for parameter '{name}': must be an integer.") from None


def pairs(items: Any, name: str) -> dict[str, str]:
    """MLflow's ``[{"key": k, "value": v}]`` as a dict (later keys win)."""
    if items is None:
        return {}
    if not isinstance(items, list) or not all(isinstance(i, dict) and "key" in i for i in items):
        raise errors.invalid(f"Invalid value for parameter '{name}': must be a list of {{key, value}} objects.")
    return {str(i["key"]): "" if i.get("value") is None else i["value"] for i in items}


def page_offset(token: Any) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(str(token).encode()))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise errors.invalid("Invalid page_token.") from None
    if not isinstance(offset, int) or not 0 <= offset < 2**62:
        raise errors.invalid("Invalid page_token.")
    return offset


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def paginate(items: Any, *, token: Any, max_results: int | None, default: int, limit: int) -> tuple[list[Any], str]:
    """One page of a queryset or list and the token of the next one ('' on the last page)."""
    size = default if max_results is None else max_results
    if size < 1 or size > limit:
        raise errors.invalid(f"Invalid value {size} for parameter 'max_results': must be between 1 and {limit}.")
    offset = page_offset(token)
    page = list(items[offset : offset + size + 1])
    if len(page) > size:
        return page[:size], page_token(offset + size)
    return page, ""
