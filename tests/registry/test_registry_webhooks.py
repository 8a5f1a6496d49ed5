"""Registry events reach webhook subscribers (deliveries created on commit, nothing on rollback)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import TestCase

from core.webhooks.models import WebhookDelivery
from core.webhooks.services import webhook_subscription_create
from registry.models import ModelVersion
from registry.services import approvals
from registry.services.models import model_alias_set
from tests.registry.models_helpers import make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(team, settings):
    settings.KEEL_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    created = webhook_subscription_create(
        project=team.project, actor=team.users["owner"], url="http://127.0.0.1:9/hook", event_types=["*"]
    )
    return created


def _types() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event_type", flat=True))


def test_version_created_approved_alias_moved_and_unhealthy_events(team, subscription, monkeypatch):
    from core.webhooks import tasks as webhook_tasks

    monkeypatch.setattr(webhook_tasks, "enqueue_delivery", lambda *a, **k: None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        version = make_version(team.project, team.users["editor"])
    request = approvals.approval_request_create(version=version, user=team.users["editor"])
    approvals.approval_decide(request=request, user=team.users["maintainer"], approve=True)
    version.refresh_from_db()
    model_alias_set(
        model=version.registered_model,
        user=team.users["maintainer"],
        role="maintainer",
        alias="champion",
        version=version,
    )
    from registry.services.models import model_version_mark_unhealthy

    model_version_mark_unhealthy(version=ModelVersion.objects.get(pk=version.pk), reason="hash mismatch")
    assert _types() == [
        "model_version.created",
        "model_version.approved",
        "model_alias.moved",
        "model_version.unhealthy",
    ]


def test_rolled_back_change_sends_nothing(team, subscription):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_version(team.project, team.users["editor"])
        raise RuntimeError("abort")
    assert _types() == []
