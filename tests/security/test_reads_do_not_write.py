"""Reads do not write: every GET route in the URLconf (the API, MLflow interop, the Open Inference Protocol, the
dashboard, the MLflow link pages, /metrics and health, the admin's index, changelists and change forms), called
on a populated project, leaves every table as it was.

Two checks: per request, PostgreSQL's per-transaction write counters (``pg_stat_xact_user_tables``) name any
table a request inserted into, updated or deleted from (an update that rewrites a row unchanged counts too);
after the walk, every table's row count and a checksum of its rows must equal the snapshot taken before it.

Tables left out, and why (each is bookkeeping of who is calling, not of the project's state):

- ``django_session``: the signed-in session of the browser-like clients (Django may re-save it on any request).
- ``axes_accessattempt``, ``axes_accessfailurelog``, ``axes_accesslog``: django-axes's sign-in log.
- ``core_apitoken``: a token records when it was last used (``KEEL_TOKEN_LAST_USED_RESOLUTION``).

Throttling counters live in the cache, not in tables. Requests run in the test's transaction, so work deferred
to ``transaction.on_commit`` (Celery enqueues) does not happen; the services that defer work are writes anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import User
from core.roles import Role
from monitoring.models import DriftConfig
from registry.models import Experiment
from serving import runtime
from tests.conftest import make_team
from tests.core.test_urlconf_access import _routes
from tests.security.seed import Seeded, route_kwargs, seed_project

pytestmark = pytest.mark.django_db

EXCLUDED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "core_apitoken",
}
SKIPPED_ROUTES = {
    "logout",  # signing out is a write of the session, by design (and ends the walk's login)
}


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY relname"
        )
        return [name for (name,) in cursor.fetchall() if name not in EXCLUDED_TABLES]


def snapshot() -> dict[str, tuple[int, str]]:
    """Per table: (row count, md5 of its rows' text in a fixed order)."""
    out = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') "  # noqa: S608
                f"FROM {quoted} t"
            )
            count, digest = cursor.fetchone()
            out[table] = (count, digest)
    return out


def _writes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: n for name, n in cursor.fetchall() if name not in EXCLUDED_TABLES}


def _written(client: Any, url: str, **extra: Any) -> tuple[int, list[str]]:
    runtime.models.clear()
    runtime.routes.forget()
    before = _writes()
    response = client.get(url, **extra)
    after = _writes()
    return response.status_code, sorted(t for t, n in after.items() if n != before.get(t, 0))


def _gets(view: Any) -> bool:
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return True
    access = getattr(cls, "access", None)
    if isinstance(access, dict) and access:
        return "GET" in access and hasattr(cls, "get")
    return hasattr(cls, "get")


def _foreign_urls(seeded: Seeded, route: str, name: str) -> Iterator[str]:
    """The URL(s) of a route outside /api/v1/, with parameters that reach the seeded objects."""
    i = seeded.ids
    experiment = i["experiment_pk"]
    query = (
        f"experiment_id={experiment}&experiment_name=churn&run_id={i['run']}&run_uuid={i['run']}&name=cancer"
        f"&version=1&alias=candidate&metric_key=loss&path=&experiment_ids={experiment}&max_results=10"
    )
    regex = {
        "mlflow-not-found": "/api/2.0/mlflow/no-such-endpoint",
        "mlflow-gateway-not-implemented": "/api/2.0/gateway/routes",
        "mlflow-later-api": "/api/3.0/mlflow/experiments/get?" + query,
    }
    if name in regex:
        yield regex[name]
        return
    params = {
        "project": seeded.team.project.slug,
        "name": "cancer" if "/models/" in route else "api",
        "model": "api",
        "version": "1",
        "number": "1",
        "experiment_id": str(experiment),
        "run_id": i["run"],
        "model_id": "m-unknown",
        "tag_key": "k",
        "artifact_path": "notes.txt",
    }
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: params[m.group(1)], route)
    yield url + ("?" + query if route.startswith("api/2.0/mlflow") else "")


def _admin_urls() -> Iterator[str]:
    yield reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])


@pytest.fixture
def seeded(db) -> Seeded:
    seeded = seed_project(make_team("alpha"))
    seeded.ids["experiment_pk"] = Experiment.objects.get(project=seeded.team.project, name="churn").pk
    return seeded


def test_every_get_route_leaves_every_table_unchanged(seeded, settings):
    settings.KEEL_METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    team = seeded.team
    owner = team.users[Role.OWNER]
    api: APIClient = team.client(Role.OWNER)
    api.credentials(**api._credentials, HTTP_X_KEEL_PROJECT=team.project.slug)
    browser = Client()
    browser.force_login(owner)
    staff = User.objects.create_superuser("root-reader", "root@example.com", "pw-root-reader-1")
    admin_client = Client()
    admin_client.force_login(staff)
    api.raise_request_exception = browser.raise_request_exception = admin_client.raise_request_exception = False

    calls: list[tuple[Any, str]] = []
    for route, namespace, pattern in _routes():
        if namespace == "admin" or pattern.name in SKIPPED_ROUTES or not _gets(pattern.callback):
            continue
        if route.startswith("api/v1/"):
            kwargs, query = route_kwargs(seeded)[pattern.name]
            kwargs = {k: v for k, v in kwargs.items() if v not in ("<own>", "<viewer>")} | {
                k: (owner.api_tokens.order_by("-id").first().pk if v == "<own>" else team.users[Role.VIEWER].username)
                for k, v in kwargs.items()
                if v in ("<own>", "<viewer>")
            }
            if "<slug:project>" in route:
                kwargs["project"] = team.project.slug
            url = reverse(f"{namespace}:{pattern.name}" if namespace else pattern.name, kwargs=kwargs)
            calls.append((api, f"{url}?{query}" if query else url))
        elif route.startswith(("api/2.0", "v2/")) or pattern.name == "mlflow-later-api":
            calls += [(api, url) for url in _foreign_urls(seeded, route, pattern.name)]
        else:
            calls += [(browser, url) for url in _foreign_urls(seeded, route, pattern.name)]
    calls += [(admin_client, url) for url in _admin_urls()]

    before = snapshot()
    offenders, statuses = [], {}
    for client, url in calls:
        status, tables = _written(client, url, REMOTE_ADDR="127.0.0.1")
        statuses[url] = status
        if tables:
            offenders.append(f"GET {url} -> {status} wrote {tables}")
    changed = {t: (before.get(t), v) for t, v in snapshot().items() if before.get(t) != v}

    assert not offenders, "\n".join(offenders)
    assert not changed, changed
    errors = {url: s for url, s in statuses.items() if s >= 500 and s != 501}  # 501: MLflow's unimplemented
    assert not errors, errors
    ok = sum(1 for s in statuses.values() if s == 200)
    print(f"{len(calls)} GETs, {ok} answered 200:", {u: s for u, s in statuses.items() if s != 200})
    assert len(calls) >= 150 and ok >= 0.8 * len(calls), {u: s for u, s in statuses.items() if s != 200}


def test_get_drift_config_on_a_fresh_deployment_creates_nothing(seeded):
    """The offender this walk first found: reading a deployment's drift config stored (and enabled) one."""
    assert not DriftConfig.objects.exists()
    response = seeded.team.client(Role.VIEWER).get(
        f"/api/v1/projects/{seeded.team.project.slug}/deployments/api/drift-config/"
    )
    assert response.status_code == 200 and response.json()["is_default"] is True
    assert not DriftConfig.objects.exists()
