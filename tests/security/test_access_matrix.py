"""Every route under /api/v1/ against every role, and every role of one project against another project's objects.

The intended outcome of each cell comes from the view's ``access`` declaration (core/permissions.py, core/roles.py):
a role the action allows gets past authorization (never 401/403/404 on a seeded object, never 5xx, and a read
answers 200); a role it does not allow gets 403 and changes nothing. A member of project A asking for project B's
objects gets 404 and changes nothing, and A's lists never show B's objects. Each request runs in a savepoint that
is rolled back, so destructive cells (delete the project, revoke the token) do not disturb the next one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from core.permissions import AUTHENTICATED, HUMAN
from core.roles import Role, role_allows
from serving import runtime
from tests.conftest import Team, make_team
from tests.core.test_urlconf_access import HTTP_METHODS, _routes
from tests.security.seed import READ_STATUS, Seeded, route_kwargs, seed_project

pytestmark = pytest.mark.django_db

ROLES = (Role.PREDICTOR, Role.VIEWER, Role.EDITOR, Role.MAINTAINER, Role.OWNER)
# Tables a refused request may touch: the caller's token records when it was last used.
BOOKKEEPING_TABLES = {"core_apitoken"}


def api_routes() -> Iterator[tuple[str, str, Any]]:
    """(url name, namespaced name, view class) of every route under /api/v1/."""
    for route, namespace, pattern in _routes():
        if route.startswith("api/v1/"):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield pattern.name, name, pattern.callback.cls


def _writes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: count for name, count in cursor.fetchall() if name not in BOOKKEEPING_TABLES}


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name, count in after.items() if count != before.get(name, 0))


def call(client: APIClient, method: str, url: str) -> tuple[int, str, list[str]]:
    """One request in a rolled-back savepoint: (status, body, tables it wrote to)."""
    runtime.models.clear()
    runtime.routes.forget()
    client.raise_request_exception = False  # a 500 is a finding to report, not a crash of the test
    with transaction.atomic():
        before = _writes()
        response = getattr(client, method)(url, {} if method != "get" else None, format="json")
        try:
            changed = _changed(before, _writes())
        except Exception:  # an aborted transaction is a 5xx, reported by the status
            changed = ["<aborted transaction>"]
        transaction.set_rollback(True)
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    return response.status_code, body, changed


def url_for(seeded: Seeded, name: str, namespaced: str, view_cls: Any, client_user: Any) -> str:
    kwargs, query = route_kwargs(seeded)[name]
    kwargs = dict(kwargs)
    if kwargs.get("token_id") == "<own>":
        kwargs["token_id"] = client_user.api_tokens.order_by("-id").first().pk
    if kwargs.get("username") == "<viewer>":
        kwargs["username"] = seeded.team.users[Role.VIEWER].username
    if "project" in _pattern_params(namespaced):
        kwargs["project"] = seeded.team.project.slug
    url = reverse(namespaced, kwargs=kwargs)
    return f"{url}?{query}" if query else url


def _pattern_params(namespaced: str) -> set[str]:
    from django.urls import get_resolver

    possibilities = get_resolver().reverse_dict.getlist(namespaced.split(":")[-1])
    params: set[str] = set()
    for options, *_ in possibilities:
        for _, names in options:
            params.update(names)
    return params


def methods_of(view_cls: Any) -> list[str]:
    return [m for m in HTTP_METHODS if hasattr(view_cls, m) and m.upper() in view_cls.access]


def allowed(view_cls: Any, method: str, role: str, user: Any) -> bool:
    action = view_cls.access[method.upper()]
    if action == AUTHENTICATED:
        return True
    if action == HUMAN:
        return not user.is_service_account
    return role_allows(role, action)


@pytest.fixture
def world(db) -> tuple[Seeded, Seeded]:
    alpha, beta = make_team("alpha"), make_team("beta")
    return seed_project(alpha), seed_project(beta)


def test_every_api_route_has_a_fixture_mapping():
    names = {name for name, _, _ in api_routes()}
    mapping = set(route_kwargs(Seeded(team=None, ids=defaultdict(str))))  # type: ignore[arg-type]
    assert not names - mapping, f"routes without a fixture in tests/security/seed.py: {sorted(names - mapping)}"
    assert not mapping - names, f"fixtures for routes that no longer exist: {sorted(mapping - names)}"


def test_each_role_gets_exactly_the_cells_its_access_declaration_allows(db):
    alpha = seed_project(make_team("alpha"))
    team: Team = alpha.team
    problems: list[str] = []
    cells = 0
    for name, namespaced, view_cls in api_routes():
        for method in methods_of(view_cls):
            for role in ROLES:
                user = team.users[role]
                url = url_for(alpha, name, namespaced, view_cls, user)
                status, body, changed = call(team.client(role), method, url)
                cells += 1
                cell = f"{role:10} {method.upper():6} {url} -> {status}"
                if allowed(view_cls, method, role, user):
                    if method == "get" and status != READ_STATUS.get(name, 200):
                        problems.append(f"{cell} (allowed read) {body[:200]}")
                    elif method != "get" and (status >= 500 or status in (401, 403, 404, 405)):
                        problems.append(f"{cell} (allowed) {body[:200]}")
                elif status != 403 or changed:
                    problems.append(f"{cell} (denied) wrote {changed} {body[:200]}")
    assert not problems, f"{len(problems)} of {cells} cells wrong:\n" + "\n".join(problems)


def test_members_of_one_project_cannot_reach_another_projects_objects_or_see_them_listed(world):
    alpha, beta = world
    problems: list[str] = []
    cells = 0
    for name, namespaced, view_cls in api_routes():
        if "project" not in _pattern_params(namespaced):
            continue
        for method in methods_of(view_cls):
            for role in ROLES:
                url = url_for(beta, name, namespaced, view_cls, alpha.team.users[role])
                status, body, changed = call(alpha.team.client(role), method, url)
                cells += 1
                if status != 404 or changed:
                    problems.append(f"{role:10} {method.upper():6} {url} -> {status} wrote {changed} {body[:200]}")
    assert cells > 200
    assert not problems, f"{len(problems)} of {cells} cross-project cells wrong:\n" + "\n".join(problems)
    _account_routes_do_not_cross_users(alpha, beta)
    _lists_and_reads_never_show_another_projects_objects(alpha, beta)


def _account_routes_do_not_cross_users(alpha: Seeded, beta: Seeded) -> None:
    stranger = beta.team.users[Role.OWNER].api_tokens.order_by("-id").first()
    for role in ROLES:
        client = alpha.team.client(role)
        status, _, changed = call(client, "delete", reverse("token-detail", kwargs={"token_id": stranger.pk}))
        assert (status, changed) == (404 if role != Role.PREDICTOR else 403, []), role
        listing = client.get(reverse("project-list"))
        if role == Role.PREDICTOR:  # service accounts only predict: no project list at all
            assert listing.status_code == 403, role
            continue
        assert listing.status_code == 200
        assert [p["slug"] for p in listing.json()["results"]] == ["alpha"], role


def _lists_and_reads_never_show_another_projects_objects(alpha: Seeded, beta: Seeded) -> None:
    leaks: list[str] = []
    for name, namespaced, view_cls in api_routes():
        if "get" not in methods_of(view_cls):
            continue
        for role in (Role.VIEWER, Role.OWNER):
            user = alpha.team.users[role]
            url = url_for(alpha, name, namespaced, view_cls, user)
            status, body, _ = call(alpha.team.client(role), "get", url)
            found = [secret for secret in beta.secrets if re.search(re.escape(secret), body)]
            if found:
                leaks.append(f"{role} GET {url} -> {status} shows {found}")
    assert not leaks, "\n".join(leaks)
