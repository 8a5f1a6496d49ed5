from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core import services
from core.models import Project, User
from core.roles import Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let test teardown flush the append-only audit table (core migration 0003); only in the test database."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET keel.audit_allow_truncate = 'on'")
            connection.close()  # new sessions read the database's settings
    yield
    from serving import prediction_log

    prediction_log.close()  # the prediction log's own connection, before the test database is dropped


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Unit tests hash passwords with few rounds: the million-round default took most of their CPU. Integration
    tests keep the default, because a live server re-hashes a weaker hash at sign-in, which signs out the user's
    other sessions."""
    if request.node.get_closest_marker("integration") is not None:
        yield
        return
    with override_settings(PASSWORD_HASHERS=["tests.hashers.FastPBKDF2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _test_defaults(request, settings, tmp_path):
    """Unit tests run Celery tasks eagerly and store artifacts in a temporary folder; integration tests opt out."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "artifacts": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "artifacts")},
        },
    }
    settings.ARTIFACT_ROOT = tmp_path / "artifacts"
    if request.node.get_closest_marker("integration") is None:
        previous = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        yield
        celery_app.conf.task_always_eager = previous
    else:
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from core import hotcache
    from serving import runtime

    cache.clear()
    hotcache.stamps.forget()
    hotcache.access.clear()
    runtime.routes.forget()
    yield


def token_client(user: User) -> APIClient:
    issued = services.api_token_create(user=user, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    return client


@dataclass
class Team:
    project: Project
    users: dict[str, User]
    clients: dict[str, APIClient]

    def client(self, role: str) -> APIClient:
        return self.clients[role]


def make_team(slug: str) -> Team:
    project = ProjectFactory(slug=slug)
    users: dict[str, User] = {}
    clients: dict[str, APIClient] = {}
    for role in (Role.VIEWER, Role.EDITOR, Role.MAINTAINER, Role.OWNER):
        user = UserFactory(username=f"{slug}-{role}")
        MembershipFactory(project=project, user=user, role=role)
        users[role] = user
        clients[role] = token_client(user)
    issued = services.service_account_create(project=project, actor=users[Role.OWNER], name="app")
    users[Role.PREDICTOR] = issued.token.user
    predictor = APIClient()
    predictor.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    clients[Role.PREDICTOR] = predictor
    outsider = UserFactory(username=f"{slug}-outsider")
    users["outsider"] = outsider
    clients["outsider"] = token_client(outsider)
    clients["anonymous"] = APIClient()
    return Team(project=project, users=users, clients=clients)


@pytest.fixture
def team(db) -> Team:
    return make_team("alpha")


@pytest.fixture
def other_team(db) -> Team:
    return make_team("beta")
