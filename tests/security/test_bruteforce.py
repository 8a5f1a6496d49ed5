"""Password and token guessing are limited: logins lock per account and per address (django-axes), failed bearer
tokens are counted per address and answered 429 with Retry-After on every API prefix.

Every request names its client address (``REMOTE_ADDR``), as the server sees it behind no proxy.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from core.roles import Role
from tests.factories import UserFactory
from tests.serving.conftest import approved, deploy
from tests.serving.test_throttling import rates  # noqa: F401 - the fixture

PASSWORD = "pw-keel-test-1"  # the factories' password
ATTACKER, OTHER, THIRD = "203.0.113.7", "198.51.100.20", "192.0.2.44"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- logins ---------------------------------------------------------------------------------------------------------


def login(url: str, username: str, password: str, address: str) -> tuple[int, bool]:
    """POST the sign-in form from ``address``; the status and whether a session was opened."""
    client = Client()
    response = client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code, "_auth_user_id" in client.session


def guess_passwords(url: str, username: str, address: str, attempts: int) -> list[int]:
    return [login(url, username, f"wrong-{n}", address)[0] for n in range(attempts)]


def forget_attempts_older_than_now() -> None:
    """The clock moves on past the cool-off: every recorded failure becomes older than it."""
    from axes.models import AccessAttempt

    cooloff = timedelta(seconds=django_settings.KEEL_LOGIN_COOLOFF_SECONDS + 1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - cooloff)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_wrong_passwords_lock_the_account_and_the_address(db, url):
    alice = UserFactory(username="alice", is_staff=True)
    UserFactory(username="bob", is_staff=True)
    codes = guess_passwords(url, "alice", ATTACKER, 150)
    first = codes.index(429) if 429 in codes else None
    assert first is not None, f"150 wrong passwords never locked the account: {sorted(set(codes))}"
    assert first <= django_settings.KEEL_LOGIN_FAILURE_LIMIT
    assert set(codes[first:]) == {429}
    assert all(code == 200 for code in codes[:first])  # the form again, with its error

    locked = Client().post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert locked.status_code == 429 and "_auth_user_id" not in locked.client.session
    assert "too many" in locked.content.decode().lower()
    assert 1 <= int(locked["Retry-After"]) <= django_settings.KEEL_LOGIN_COOLOFF_SECONDS
    assert login(url, "alice", PASSWORD, OTHER) == (429, False)  # the account, from any address
    assert login(url, "bob", PASSWORD, ATTACKER) == (429, False)  # the address, for any account
    assert login(url, "bob", PASSWORD, THIRD) == (302, True)  # another account from another address

    forget_attempts_older_than_now()
    assert login(url, "alice", PASSWORD, ATTACKER) == (302, True)
    assert alice.is_active


def test_login_lockout_ignores_x_forwarded_for_unless_configured(db, settings):
    UserFactory(username="alice")
    UserFactory(username="carol")
    limit = settings.KEEL_LOGIN_FAILURE_LIMIT
    for n in range(limit + 2):  # a different forged address on every attempt
        Client().post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"10.9.0.{n}",
        )
    assert login("/accounts/login/", "carol", PASSWORD, ATTACKER) == (429, False)

    settings.KEEL_CLIENT_IP_HEADER = "X-Forwarded-For"  # behind a proxy that appends the client's address
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "carol", "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,  # the proxy's address, shared by every client
        HTTP_X_FORWARDED_FOR=f"10.0.0.1, {THIRD}",
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_dashboard_session_login_still_works(db):
    UserFactory(username="dana")
    client = Client()
    response = client.post("/accounts/login/", {"username": "dana", "password": PASSWORD}, REMOTE_ADDR=OTHER)
    assert response.status_code == 302
    assert client.get("/dashboard/", REMOTE_ADDR=OTHER).status_code == 200


# --- bearer tokens --------------------------------------------------------------------------------------------------


def problem_shape(response) -> str:
    body = response.json()
    assert body["status"] == response.status_code and body["type"].startswith("urn:keel:problem:")
    return body["code"]


def mlflow_shape(response) -> str:
    body = response.json()
    assert set(body) == {"error_code", "message"}
    return body["error_code"]


def oip_shape(response) -> str:
    body = response.json()
    assert set(body) == {"error"}
    return "error"


def text_shape(response) -> str:
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


PREFIXES = {
    "api-v1": ("/api/v1/projects/", problem_shape),
    "mlflow": ("/api/2.0/mlflow/experiments/search?max_results=5", mlflow_shape),
    "mlflow-artifacts": ("/api/2.0/mlflow-artifacts/artifacts?path=", mlflow_shape),
    "oip": ("/v2/models/api/ready", oip_shape),
    "metrics": ("/metrics", text_shape),
}


@pytest.fixture
def valid_token(team, settings):
    """A token that the prefix under test accepts (the metrics token for /metrics), and its 200 request."""
    settings.KEEL_METRICS_TOKEN = "metrics-" + secrets.token_urlsafe(16)
    approved(team)
    assert deploy(team).status_code == 201

    def token_for(prefix: str) -> str:
        if prefix == "metrics":
            return settings.KEEL_METRICS_TOKEN
        client = team.client(Role.PREDICTOR if prefix == "oip" else Role.VIEWER)
        return client._credentials["HTTP_AUTHORIZATION"].split(" ", 1)[1]

    return token_for


def call(path: str, token: str, address: str, **extra: str):
    return APIClient().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address, **extra)


def guess_tokens(path: str, address: str, attempts: int, **extra: str) -> list:
    return [call(path, "keel_" + secrets.token_urlsafe(24), address, **extra) for _ in range(attempts)]


@pytest.mark.parametrize("prefix", list(PREFIXES))
def test_random_tokens_get_429_with_retry_after_and_other_addresses_are_unaffected(team, valid_token, prefix):
    path, shape = PREFIXES[prefix]
    good = valid_token(prefix)
    assert call(path, good, OTHER).status_code == 200

    responses = guess_tokens(path, ATTACKER, 200)
    codes = [r.status_code for r in responses]
    assert 429 in codes, f"200 random tokens on {path} were never limited: {sorted(set(codes))}"
    first = codes.index(429)
    assert first == django_settings.KEEL_TOKEN_FAILURE_LIMIT
    assert set(codes[:first]) == ({403} if prefix == "metrics" else {401})
    assert set(codes[first:]) == {429}
    for refused in responses[first:]:
        assert 1 <= int(refused["Retry-After"]) <= django_settings.KEEL_TOKEN_FAILURE_WINDOW_SECONDS
    shape(responses[first])  # the prefix's own error shape
    if shape is problem_shape:
        assert problem_shape(responses[first]) == "throttled"
    if shape is mlflow_shape:
        assert mlflow_shape(responses[first]) == "REQUEST_LIMIT_EXCEEDED"

    held = call(path, good, ATTACKER)  # the right token waits too, once the address is over the limit
    assert held.status_code == 429 and int(held["Retry-After"]) >= 1
    assert call(path, good, OTHER).status_code == 200  # another address with a valid token is unaffected
    assert call(path, good, THIRD).status_code == 200


def test_token_failures_ignore_x_forwarded_for_unless_configured(team, settings):
    limit = settings.KEEL_TOKEN_FAILURE_LIMIT
    for n in range(limit):
        call("/api/v1/projects/", "keel_wrong", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.9.0.{n}")
    assert call("/api/v1/projects/", "keel_wrong", ATTACKER, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429

    settings.KEEL_CLIENT_IP_HEADER = "X-Forwarded-For"
    good = team.client(Role.VIEWER)._credentials["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    behind_proxy = call("/api/v1/projects/", good, ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.1, {THIRD}")
    assert behind_proxy.status_code == 200  # the proxy's address is not the client's


def test_requests_without_a_token_are_not_held_by_token_failures(team, settings):
    for _ in range(settings.KEEL_TOKEN_FAILURE_LIMIT + 1):
        call("/api/v1/projects/", "keel_wrong", ATTACKER)
    assert APIClient().get("/livez", REMOTE_ADDR=ATTACKER).status_code == 200
    assert APIClient().get("/api/v1/projects/", REMOTE_ADDR=ATTACKER).status_code == 401


def test_mlflow_rate_limit_429_has_retry_after(team, rates):  # noqa: F811 - the fixture
    rates(user="2/min")
    client = team.client(Role.VIEWER)
    responses = [client.get("/api/2.0/mlflow/experiments/search?max_results=5") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert mlflow_shape(responses[2]) == "REQUEST_LIMIT_EXCEEDED"
    assert 1 <= int(responses[2]["Retry-After"]) <= 60
