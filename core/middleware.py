from __future__ import annotations

import functools
import math
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from core import context
from core.auth import token_from_header
from core.errors import problem
from core.throttling import client_ip, token_failures

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _refuse_nul(request: HttpRequest) -> HttpResponse | None:
    """A NUL character in the path or query string is a 400: no name, path or filter legitimately holds one, and
    PostgreSQL text cannot store it (the query would fail with a server error)."""
    query = request.META.get("QUERY_STRING", "")
    if "\x00" not in request.path and "\x00" not in unquote(query):
        return None
    fields = [name for name, value in parse_qsl(query, keep_blank_values=True) if "\x00" in name + value]
    if "\x00" in request.path:
        fields = ["path", *fields]  # the URL path itself
    fields = fields or ["query"]
    message = f"{fields[0]}: must not contain a NUL character"
    # foreign protocols answer in their own error shape (MLflow's REST API, the Open Inference Protocol)
    if request.path.startswith("/api/2.0/"):
        return JsonResponse({"error_code": "INVALID_PARAMETER_VALUE", "message": message}, status=400)
    if request.path.startswith("/v2/"):
        return JsonResponse({"error": message}, status=400)
    errors = [{"field": name, "message": "must not contain a NUL character", "code": "invalid"} for name in fields]
    body = problem(400, "validation", "Invalid input", message, errors)
    return JsonResponse(body, status=400, content_type="application/problem+json")


def too_many_requests(request: HttpRequest, wait: float, message: str) -> HttpResponse:
    """A 429 with ``Retry-After`` in the shape of the request's prefix: MLflow's ``{error_code, message}`` under
    /api/2.0/, the Open Inference Protocol's ``{"error"}`` under /v2/, plain text on /metrics, problem details
    elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/2.0/"):
        response = JsonResponse({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": message}, status=429)
    elif request.path.startswith("/v2/"):
        response = JsonResponse({"error": message}, status=429)
    elif request.path == "/metrics":
        response = HttpResponse(message + "\n", status=429, content_type="text/plain")
    else:
        body = problem(429, "throttled", "Too many requests", message)
        response = JsonResponse(body, status=429, content_type="application/problem+json")
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


API_PREFIXES = ("/api/", "/v2/")


def _routes_to_a_view(path: str, urlconf: str | None) -> bool:
    """Whether `path` names a real endpoint (not a catch-all that answers "no such endpoint"). Remembered per
    path and URLconf: the answer depends on nothing else, and a resolution costs a predict a few percent of its
    CPU."""
    return _routes(path, urlconf or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=4096)
def _routes(path: str, urlconf: str) -> bool:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    view_cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return not getattr(view_cls, "route_fallback", False)


class OptionalSlashMiddleware:
    """API paths answer with or without their trailing slash, for every method, with no redirect.

    Django's APPEND_SLASH answers a 301 that clients follow as a GET (a POST to `…/predict` became `405 GET not
    allowed`). Here a path under /api/ or /v2/ that matches no endpoint is tried with the slash added or removed,
    and when that spelling matches, the request is resolved as if it had been sent so. The schema documents the
    spelling the URLconf declares. Runs first, so logs, audit rows and views all see that one spelling.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(API_PREFIXES) and path not in API_PREFIXES:
            urlconf = getattr(request, "urlconf", None)
            if not _routes_to_a_view(path, urlconf):
                other = path[:-1] if path.endswith("/") else path + "/"
                if _routes_to_a_view(other, urlconf):
                    request.path = request.path[: len(request.path) - len(path)] + other
                    request.path_info = other
        return self.get_response(request)


class TokenFailureLimitMiddleware:
    """Hold every request that presents a bearer token from an address over its limit of failed token
    authentications (``core.throttling.TokenFailures``), before the token is looked at: one mechanism for
    /api/v1/, the MLflow and OIP prefixes and /metrics. Requests without a token pass (they guess nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if token_from_header(request) is not None:
            wait = token_failures.wait(client_ip(request))
            if wait is not None:
                message = f"Too many failed token authentications from this address; retry in {math.ceil(wait)} s."
                return too_many_requests(request, wait, message)
        return self.get_response(request)


class RequestIdMiddleware:
    """Accept a sane incoming X-Request-ID or mint one; expose it to services and echo it on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")  # request.headers would build a map of every header
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        ctx = context.RequestContext(
            request_id=request_id,
            method=request.method or "",
            path=request.path[:500],
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:300],
        )
        token = context.activate(ctx)
        try:
            response = _refuse_nul(request) or self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response


class AuditFallbackMiddleware:
    """Guarantee an audit row for every successful mutating API call.

    Services record rich events themselves (``core.audit.audit_record``); when a mutating call succeeded without
    one, a generic event naming the route and its arguments is written here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in MUTATING and request.path.startswith("/api/") and response.status_code < 400:
            self._fallback(request, response)
        return response

    def _fallback(self, request: HttpRequest, response: HttpResponse) -> None:
        from core.audit import audit_record_route

        ctx = context.current()
        match = request.resolver_match
        if ctx is None or ctx.audited or match is None:
            return
        view_cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        if getattr(view_cls, "audit_exempt", False):
            return
        user = getattr(request, "user", None)
        audit_record_route(
            user=user if user is not None and user.is_authenticated else None,
            route=match.view_name or match.url_name or "",
            kwargs={k: str(v) for k, v in match.kwargs.items()},
            status_code=response.status_code,
        )


# Attributes through which a view gives a response a policy of its own (django-csp's decorators).
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_POLICIES = (  # header, setting, the response attribute that exempts it, report-only
    (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with each header built once per process for the responses that take the
    settings' policy as it is (no policy of their own from django-csp's decorators, no nonce): django-csp builds it
    from the settings on every response, which cost an API request more than its validation. Responses with a
    policy of their own or a nonce go through django-csp unchanged; the headers are the same either way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self._built: dict[bool, tuple[Any, str]] = {}  # report-only -> (the setting it was built from, header)

    def process_response(self, request: HttpRequest, response: Any) -> Any:
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _OWN_POLICY):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:  # Django's debug pages, as django-csp leaves them
            return response
        for header, setting, exempt, report_only in _POLICIES:
            policy = getattr(settings, setting, None)
            value = self._header(policy, report_only)
            excluded = request.path_info.startswith(tuple((policy or {}).get("EXCLUDE_URL_PREFIXES", None) or ()))
            if value and header not in response and getattr(response, exempt, False) is False and not excluded:
                response[header] = value
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _header(self, policy: Any, report_only: bool) -> str:
        built = self._built.get(report_only)
        if built is None or built[0] is not policy:
            built = (policy, build_policy(report_only=report_only))
            self._built[report_only] = built
        return built[1]
