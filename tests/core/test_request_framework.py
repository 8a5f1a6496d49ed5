"""What the request machinery around every API view answers, as a client sees it on the predict route: the
Content-Security-Policy headers (built once per process, still following the settings and a view's own policy),
content negotiation (remembered per Accept header, refusals included every time), the request id, and the caller's
token and account as each request sees them."""

from __future__ import annotations

import pytest
from csp.utils import build_policy

from core.roles import Role
from serving.models import PredictionLog
from tests.serving.conftest import approved, deploy, rows, url

pytestmark = pytest.mark.django_db

OTHER_POLICY = {"DIRECTIVES": {"default-src": ["'none'"], "img-src": ["'self'"]}}


@pytest.fixture
def served(team):
    approved(team)
    assert deploy(team).status_code == 201
    return team


def _predict(team, **headers):
    return team.client(Role.PREDICTOR).post(
        url(team, suffix="predict/"), {"inputs": rows(1)}, format="json", headers=headers
    )


def test_every_answer_carries_the_policy_the_settings_give(served, client, settings):
    assert _predict(served)["Content-Security-Policy"] == build_policy()
    assert client.get("/livez")["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in _predict(served)
    settings.CONTENT_SECURITY_POLICY = OTHER_POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"script-src": ["'self'"]}}
    changed = _predict(served)
    assert set(changed["Content-Security-Policy"].split("; ")) == {"default-src 'none'", "img-src 'self'"}
    assert changed["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
    settings.CONTENT_SECURITY_POLICY = {**OTHER_POLICY, "EXCLUDE_URL_PREFIXES": ["/api/"]}
    assert "Content-Security-Policy" not in _predict(served)
    assert client.get("/livez")["Content-Security-Policy"]


def test_a_page_with_its_own_policy_and_a_nonce_still_gets_both(served, client):
    plain = client.get("/livez")["Content-Security-Policy"]
    first, second = (client.get("/api/redoc/")["Content-Security-Policy"] for _ in range(2))
    assert "'nonce-" in first and "worker-src" in first and first != second  # a nonce of its own each time
    assert client.get("/livez")["Content-Security-Policy"] == plain


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (None, 200),
        ("application/json", 200),
        ("text/html, */*;q=0.1", 200),
        ("application/json; indent=4", 200),
        ("text/html", 406),
    ],
)
def test_the_answer_format_follows_the_accept_header_every_time(served, accept, status):
    headers = {"Accept": accept} if accept else {}
    for _ in range(2):  # the second answer comes from the remembered choice
        response = _predict(served, **headers)
        assert response.status_code == status, response.content[:300]
        assert response["Content-Type"] == "application/json"
        if status == 200:
            indented = b'\n    "request_id"' in response.content
            assert indented == (accept == "application/json; indent=4")
    assert PredictionLog.objects.count() == (2 if status == 200 else 0)


def test_the_request_id_is_taken_from_the_client_or_minted(served):
    given = _predict(served, **{"X-Request-ID": "client-id.1:2"})
    assert given["X-Request-ID"] == "client-id.1:2" and given.json()["request_id"] == "client-id.1:2"
    minted = _predict(served, **{"X-Request-ID": "not valid!"})
    assert minted["X-Request-ID"] != "not valid!" and minted.json()["request_id"] == minted["X-Request-ID"]
    assert PredictionLog.objects.filter(request_id="client-id.1:2").count() == 1


def test_each_request_has_its_own_copy_of_the_cached_token_and_account(served):
    from core.auth import resolve_token

    secret = served.client(Role.PREDICTOR)._credentials["HTTP_AUTHORIZATION"].split()[1]
    resolve_token(secret)  # the first use records the token's last use and caches it
    first, second = resolve_token(secret), resolve_token(secret)
    assert first is not second and first.user is not second.user and first.pk == second.pk
    first.name = "changed"
    first.user.username = "changed"
    third = resolve_token(secret)
    assert third.name != "changed" and third.user.username != "changed"
    assert third.user.pk == served.users[Role.PREDICTOR].pk and third.user.is_service_account
    assert _predict(served).json()["model"] == {"name": "cancer", "version": 1}
