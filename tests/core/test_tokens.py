from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.auth import hash_token
from core.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_token_create_shows_secret_once_and_stores_only_hash():
    user = UserFactory()
    response = _session_client(user).post("/api/v1/tokens/", {"name": "laptop"}, format="json")
    assert response.status_code == 201
    secret = response.json()["token"]
    assert secret.startswith("keel_")
    stored = ApiToken.objects.get(pk=response.json()["id"])
    assert stored.key_hash == hash_token(secret)
    assert secret not in (stored.key_hash, stored.prefix)
    listing = _session_client(user).get("/api/v1/tokens/").json()
    assert listing["count"] == 1
    assert "token" not in listing["results"][0]


def test_token_authenticates_and_records_last_use():
    user = UserFactory()
    secret = _session_client(user).post("/api/v1/tokens/", {"name": "ci"}, format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/projects/").status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_revoked_token_is_refused():
    user = UserFactory()
    session = _session_client(user)
    created = session.post("/api/v1/tokens/", {"name": "old"}, format="json").json()
    assert session.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_expired_token_is_refused():
    user = UserFactory()
    session = _session_client(user)
    created = session.post(
        "/api/v1/tokens/",
        {"name": "short", "expires_at": (timezone.now() + timedelta(hours=1)).isoformat()},
        format="json",
    ).json()
    ApiToken.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_expiry_in_the_past_is_a_field_error():
    user = UserFactory()
    response = _session_client(user).post(
        "/api/v1/tokens/", {"name": "x", "expires_at": "2001-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "expires_at"


def test_unknown_and_malformed_tokens_are_401_with_challenge():
    for value in ("Bearer keel_nope", "Bearer something-else"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=value)
        response = client.get("/api/v1/projects/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["status"] == 401


def test_user_cannot_revoke_another_users_token():
    alice, bob = UserFactory(), UserFactory()
    created = _session_client(alice).post("/api/v1/tokens/", {"name": "a"}, format="json").json()
    assert _session_client(bob).delete(f"/api/v1/tokens/{created['id']}/").status_code == 404
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is None


def test_service_account_token_can_not_manage_tokens_or_projects(team):
    predictor = team.client("predictor")
    assert predictor.get("/api/v1/tokens/").status_code == 403
    assert predictor.post("/api/v1/projects/", {"slug": "x", "name": "x"}, format="json").status_code == 403
    assert predictor.get(f"/api/v1/projects/{team.project.slug}/").status_code == 403


def test_disabling_service_account_revokes_its_tokens(team):
    owner = team.client("owner")
    account = team.users["predictor"]
    url = f"/api/v1/projects/{team.project.slug}/service-accounts/{account.pk}/"
    assert owner.delete(url).status_code == 204
    assert not ApiToken.objects.active().filter(user=account).exists()
    assert team.client("predictor").get("/api/v1/projects/").status_code == 401
