"""Per-process access caching (core/hotcache.py): fast for the hot path, and revocations still take effect.

Changes made in this process are seen at once; changes published by another process (a new access epoch in the
shared cache) are seen once the stamp's TTL has passed.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import hotcache
from core.models import ApiToken, Membership
from core.roles import Role
from tests.serving.conftest import deploy, rows

pytestmark = pytest.mark.django_db


def _predict(team, client):
    return client.post(
        f"/api/v1/projects/{team.project.slug}/deployments/api/predict/", {"inputs": rows(1)}, format="json"
    )


@pytest.fixture
def served(team, v1):
    assert deploy(team).status_code == 201
    client = team.client("predictor")
    assert _predict(team, client).status_code == 200  # warms the caches
    return client


def test_revoking_a_token_in_this_process_takes_effect_at_once(team, served, settings):
    settings.KEEL_STAMP_TTL = 60  # the shared stamp is not re-read: only the local invalidation can help
    token = ApiToken.objects.get(user=team.users["predictor"])
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    response = _predict(team, served)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_a_change_published_by_another_process_is_seen_after_the_stamp_ttl(team, served, settings):
    settings.KEEL_STAMP_TTL = 0.2
    # another process revokes the token: the row changes and that process publishes a new epoch
    ApiToken.objects.filter(user=team.users["predictor"]).update(revoked_at=timezone.now())
    cache.set(hotcache.ACCESS_EPOCH_KEY, uuid.uuid4().hex, timeout=None)
    time.sleep(0.25)
    assert _predict(team, served).status_code == 401


def test_cached_access_is_reused_until_the_epoch_moves(team, served, settings, django_assert_num_queries):
    settings.KEEL_STAMP_TTL = 60
    with django_assert_num_queries(1):  # only the prediction log insert
        assert _predict(team, served).status_code == 200


def test_removing_a_member_takes_effect_at_once(team, served):
    Membership.objects.get(project=team.project, user=team.users["predictor"]).delete()
    assert _predict(team, served).status_code == 404


def test_role_change_takes_effect_at_once(team, served):
    membership = Membership.objects.get(project=team.project, user=team.users["predictor"])
    membership.role = Role.VIEWER
    membership.save(update_fields=["role"])
    assert _predict(team, served).status_code == 403


def test_disabling_the_account_refuses_its_cached_token(team, served):
    user = team.users["predictor"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _predict(team, served).status_code == 401


def test_expiry_is_checked_on_every_call_even_when_cached(team, served, settings):
    settings.KEEL_STAMP_TTL = 60
    token = ApiToken.objects.get(user=team.users["predictor"])
    token.expires_at = timezone.now() + timezone.timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    assert _predict(team, served).status_code == 200
    time.sleep(1.1)
    assert _predict(team, served).status_code == 401


def test_publish_is_seen_by_this_process_immediately_and_others_within_ttl(settings):
    settings.KEEL_STAMP_TTL = 60
    stamps = hotcache.Stamps()
    other = hotcache.Stamps()  # stands for another process
    assert other.get("k") is None
    stamps.publish("k", 7)
    assert stamps.get("k") == 7
    assert other.get("k") is None  # still within its TTL
    settings.KEEL_STAMP_TTL = 0
    assert other.get("k") == 7
