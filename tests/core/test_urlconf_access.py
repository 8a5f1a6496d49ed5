"""Deny by default: every route makes an authorization decision, except an explicit list of public ones."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.permissions import AccountAccess, ProjectAccess

# "metrics" takes no Keel credentials, but it is not open: the view itself requires KEEL_METRICS_TOKEN or a
# client address in KEEL_METRICS_ALLOWED_NETWORKS (tests/monitoring/test_metrics.py).
PUBLIC_ROUTES = {"health-live", "health-ready", "schema", "swagger-ui", "redoc", "metrics", "login", "logout"}
# The Open Inference Protocol's server health and metadata are public by the protocol (clients probe them first).
PUBLIC_ROUTES |= {"oip-health-live", "oip-health-ready", "oip-server-metadata"}
# "/" is a static page whose script turns MLflow UI links into Keel paths (the objects behind them need a login).
PUBLIC_ROUTES |= {"home"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def _routes():
    return list(_walk(get_resolver().url_patterns))


def test_every_route_makes_an_authorization_decision():
    problems = []
    seen_public = set()
    for route, namespace, pattern in _routes():
        if namespace == "admin":
            continue  # the admin site wraps every view in admin_view (staff login); tested below
        view_cls = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if view_cls is None:
            problems.append(f"{route}: function view without a declared authorization decision")
            continue
        if getattr(view_cls, "dashboard_access", False):
            # Dashboard pages: session login (login_required) plus project membership checked in the view;
            # tests/dashboard/test_views.py proves every dashboard route redirects anonymous users to the login.
            continue
        if getattr(view_cls, "public", False):
            seen_public.add(pattern.name)
            if pattern.name not in PUBLIC_ROUTES:
                problems.append(f"{route}: public but not in the public list")
            continue
        classes = set(getattr(view_cls, "permission_classes", []))
        if not classes & {AccountAccess, ProjectAccess}:
            problems.append(f"{route}: {view_cls.__name__} has no Keel access permission")
            continue
        declared = set(view_cls.access)
        for method in HTTP_METHODS:
            if hasattr(view_cls, method) and method.upper() not in declared:
                problems.append(f"{route}: {view_cls.__name__}.{method} has no declared access")
    assert not problems, "\n".join(problems)
    assert seen_public == PUBLIC_ROUTES


@pytest.mark.django_db
def test_non_public_api_routes_refuse_anonymous_callers():
    client = APIClient()
    checked = 0
    for route, namespace, pattern in _routes():
        if namespace == "admin" or pattern.name in PUBLIC_ROUTES or not route.startswith("api/v1/"):
            continue
        url = "/" + route.replace("<slug:project>", "alpha")
        url = __import__("re").sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", url)
        url = __import__("re").sub(r"<[^>]+>", "1", url)
        view_cls = pattern.callback.cls
        for method in HTTP_METHODS:
            if hasattr(view_cls, method):
                response = getattr(client, method)(url)
                assert response.status_code == 401, (method, url, response.status_code)
                checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_admin_requires_staff_login():
    response = APIClient().get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]  # the admin keeps its own staff-only login


@pytest.mark.django_db
def test_public_routes_answer_without_credentials():
    client = APIClient()
    assert client.get("/livez").status_code == 200
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/redoc/").status_code == 200
