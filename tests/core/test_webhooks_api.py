"""The webhooks API: roles, the secret shown once, validation, pings, the delivery log, redelivery, tenancy."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from core.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from core.webhooks.services import webhook_emit, webhook_subscription_create

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://93.184.216.34/keel/hooks"  # a public address literal: no DNS needed, never contacted here


def _base(team) -> str:
    return f"/api/v1/projects/{team.project.slug}/webhooks/"


def _create(team, role: str = "maintainer", **body):
    data = {"url": PUBLIC_URL, "event_types": ["model_version.approved"], **body}
    return team.client(role).post(_base(team), data, format="json")


def _subscription(team, **kwargs) -> WebhookSubscription:
    fields = {"url": PUBLIC_URL, "event_types": ["*"], **kwargs}
    return webhook_subscription_create(project=team.project, actor=team.users["owner"], **fields)


def _deliveries(team, subscription: WebhookSubscription, count: int) -> list[WebhookDelivery]:
    """``count`` deliveries of ``subscription``, the only active subscription of its project."""
    deliveries = [
        webhook_emit(project=team.project, event_type="model_version.created", payload={"n": n}) for n in range(count)
    ]
    return [next(d for d in batch if d.subscription_id == subscription.pk) for batch in deliveries]


# --- roles ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("predictor", 403),
        ("viewer", 403),
        ("editor", 403),
        ("maintainer", 200),
        ("owner", 200),
    ],
)
def test_webhooks_need_operate(team, role, expected):
    subscription = _subscription(team)
    [delivery] = _deliveries(team, subscription, 1)
    client = team.client(role)
    base = f"{_base(team)}{subscription.pk}/"
    assert client.get(_base(team)).status_code == expected
    assert client.get(base).status_code == expected
    assert client.get(f"{base}deliveries/").status_code == expected
    assert client.get(f"{base}deliveries/{delivery.uid}/").status_code == expected
    assert client.post(f"{base}ping/").status_code == (202 if expected == 200 else expected)
    created = _create(team, role)
    assert created.status_code == (201 if expected == 200 else expected)


# --- subscriptions ------------------------------------------------------------------------------------------------


def test_create_shows_a_generated_secret_once(team):
    response = _create(team, description="Slack bridge")
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["url"] == PUBLIC_URL
    assert body["event_types"] == ["model_version.approved"]
    assert body["is_active"] is True
    assert body["created_by"] == team.users["maintainer"].username
    assert WebhookSubscription.objects.get(pk=body["id"]).secret == body["secret"]  # kept as is: it must sign
    detail = team.client("maintainer").get(f"{_base(team)}{body['id']}/").json()
    listing = team.client("maintainer").get(_base(team)).json()
    assert "secret" not in detail
    assert listing["count"] == 1 and "secret" not in listing["results"][0]


def test_create_keeps_a_given_secret_and_audits_without_it(team):
    response = _create(team, secret="my-own-shared-secret-123")
    assert response.status_code == 201
    assert response.json()["secret"] == "my-own-shared-secret-123"
    event = AuditEvent.objects.get(action="webhook.create")
    assert event.actor == team.users["maintainer"]
    assert event.project == team.project
    assert "my-own-shared-secret-123" not in str(event.data)


INVALID = [
    ({"url": "ftp://93.184.216.34/x"}, "url"),
    ({"url": "https://user:pw@93.184.216.34/x"}, "url"),
    ({"url": "https:///x"}, "url"),
    ({"url": "http://127.0.0.1:8000/hook"}, "url"),
    ({"url": "http://localhost/hook"}, "url"),
    ({"url": "http://169.254.169.254/latest/meta-data/"}, "url"),
    ({"url": "http://[::ffff:10.0.0.1]/"}, "url"),
    ({"event_types": []}, "event_types"),
    ({"event_types": ["model.exploded"]}, "event_types[0]"),
    ({"secret": "short"}, "secret"),
]


def test_create_validates(team):
    for body, field in INVALID:  # one team for all cases: building a team is the slow part
        response = _create(team, **body)
        assert response.status_code == 400, (body, response.json())
        assert response.json()["errors"][0]["field"] == field, body
    assert not WebhookSubscription.objects.exists()


def test_an_allowed_network_may_be_subscribed(team, settings):
    settings.KEEL_WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert _create(team, url="http://10.1.2.3:9000/hook").status_code == 201


def test_update_changes_fields_and_is_audited(team):
    subscription = _subscription(team)
    url = f"{_base(team)}{subscription.pk}/"
    response = team.client("maintainer").patch(
        url, {"event_types": ["model_alias.moved", "model_alias.moved"], "is_active": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["event_types"] == ["model_alias.moved"]
    assert response.json()["is_active"] is False
    event = AuditEvent.objects.get(action="webhook.update")
    assert event.data["before"] == {"event_types": ["*"], "is_active": True}
    bad = team.client("maintainer").patch(url, {"url": "http://10.0.0.1/"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "url"


def test_delete_removes_the_subscription_and_its_deliveries(team):
    subscription = _subscription(team)
    _deliveries(team, subscription, 2)
    url = f"{_base(team)}{subscription.pk}/"
    assert team.client("maintainer").delete(url).status_code == 204
    assert team.client("maintainer").get(url).status_code == 404
    assert not WebhookDelivery.objects.exists()
    assert AuditEvent.objects.filter(action="webhook.delete").count() == 1


# --- ping, deliveries, redelivery ---------------------------------------------------------------------------------


def test_ping_queues_a_ping_delivery_even_for_an_unsubscribed_or_inactive_webhook(team):
    subscription = _subscription(team, event_types=["model_version.rejected"], is_active=False)
    response = team.client("maintainer").post(f"{_base(team)}{subscription.pk}/ping/")
    assert response.status_code == 202
    body = response.json()
    assert (body["event_type"], body["status"], body["attempts"]) == ("webhook.ping", "pending", 0)
    delivery = WebhookDelivery.objects.get(uid=body["id"])
    assert delivery.subscription == subscription
    assert AuditEvent.objects.filter(action="webhook.ping", object_id=str(delivery.pk)).exists()


def test_deliveries_list_is_newest_first_filterable_and_cursor_paginated(team):
    subscription = _subscription(team)
    deliveries = _deliveries(team, subscription, 3)
    WebhookDelivery.objects.filter(pk=deliveries[0].pk).update(status=DeliveryStatus.FAILED)
    url = f"{_base(team)}{subscription.pk}/deliveries/"
    client = team.client("maintainer")

    first = client.get(url, {"page_size": 2}).json()
    assert [d["id"] for d in first["results"]] == [str(deliveries[2].uid), str(deliveries[1].uid)]
    assert "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert [d["id"] for d in second["results"]] == [str(deliveries[0].uid)]
    assert second["next"] is None

    failed = client.get(url, {"status": "failed"}).json()["results"]
    assert [d["id"] for d in failed] == [str(deliveries[0].uid)]
    assert client.get(url, {"status": "exploded"}).status_code == 400
    assert client.get(url, {"event_type": "model_alias.moved"}).json()["results"] == []


def test_delivery_detail_shows_body_attempts_and_errors(team):
    subscription = _subscription(team)
    [delivery] = _deliveries(team, subscription, 1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=1, last_response_code=404, last_error="HTTP 404"
    )
    url = f"{_base(team)}{subscription.pk}/deliveries/{delivery.uid}/"
    body = team.client("maintainer").get(url).json()
    assert body["request_body"] == delivery.request_body
    assert (body["status"], body["attempts"], body["last_response_code"], body["last_error"]) == (
        "failed",
        1,
        404,
        "HTTP 404",
    )
    assert team.client("maintainer").get(f"{_base(team)}{subscription.pk}/deliveries/not-a-uuid/").status_code == 404


def test_redeliver_creates_a_new_delivery_for_finished_ones_only(team):
    subscription = _subscription(team)
    [delivery] = _deliveries(team, subscription, 1)
    url = f"{_base(team)}{subscription.pk}/deliveries/{delivery.uid}/redeliver/"
    client = team.client("maintainer")

    assert client.post(url).status_code == 409  # still pending
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=8)
    response = client.post(url)

    assert response.status_code == 202
    body = response.json()
    assert body["id"] != str(delivery.uid)
    assert (body["status"], body["attempts"], body["redelivery_of"]) == ("pending", 0, str(delivery.uid))
    assert AuditEvent.objects.filter(action="webhook.redeliver").count() == 1


# --- tenancy ------------------------------------------------------------------------------------------------------


def test_other_projects_webhooks_and_deliveries_are_not_found(team, other_team):
    theirs = _subscription(other_team)
    [their_delivery] = _deliveries(other_team, theirs, 1)
    ours = _subscription(team)
    client = team.client("owner")
    base = _base(team)
    assert client.get(f"{base}{theirs.pk}/").status_code == 404
    assert client.patch(f"{base}{theirs.pk}/", {"is_active": False}, format="json").status_code == 404
    assert client.delete(f"{base}{theirs.pk}/").status_code == 404
    assert client.post(f"{base}{theirs.pk}/ping/").status_code == 404
    assert client.get(f"{base}{theirs.pk}/deliveries/").status_code == 404
    assert client.get(f"{base}{ours.pk}/deliveries/{their_delivery.uid}/").status_code == 404
    assert client.post(f"{base}{ours.pk}/deliveries/{their_delivery.uid}/redeliver/").status_code == 404
    assert client.get(f"{_base(other_team)}{theirs.pk}/").status_code == 404  # not a member there
    assert [w["id"] for w in client.get(base).json()["results"]] == [ours.pk]
    theirs.refresh_from_db()
    assert theirs.is_active


def test_a_delivery_is_only_found_under_its_own_subscription(team):
    first, second = _subscription(team), _subscription(team)
    delivery = webhook_emit(project=team.project, event_type="model_version.created", payload={})[0]
    assert delivery.subscription == first
    base = _base(team)
    assert team.client("owner").get(f"{base}{first.pk}/deliveries/{delivery.uid}/").status_code == 200
    assert team.client("owner").get(f"{base}{second.pk}/deliveries/{delivery.uid}/").status_code == 404


# --- admin --------------------------------------------------------------------------------------------------------


def test_admin_lists_webhooks_without_secrets_and_redelivers_finished_deliveries(team, client):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    subscription = _subscription(team, secret="visible-only-once-0123")
    delivered, pending = _deliveries(team, subscription, 2)
    WebhookDelivery.objects.filter(pk=delivered.pk).update(status=DeliveryStatus.DELIVERED, attempts=1)

    for url in (
        "/admin/core/webhooksubscription/",
        f"/admin/core/webhooksubscription/{subscription.pk}/change/",
        "/admin/core/webhookdelivery/",
        f"/admin/core/webhookdelivery/{delivered.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"visible-only-once-0123" not in response.content

    changelist = "/admin/core/webhookdelivery/"
    action = {"action": "redeliver", "_selected_action": [delivered.pk, pending.pk]}
    assert client.post(changelist, action).status_code == 302
    [redelivery] = WebhookDelivery.objects.filter(redelivery_of__isnull=False)
    assert redelivery.redelivery_of == delivered  # the pending one was skipped
    assert AuditEvent.objects.get(action="webhook.redeliver").actor == admin_user

    change = f"/admin/core/webhooksubscription/{subscription.pk}/change/"
    form = {"url": PUBLIC_URL, "event_types": '["model_alias.moved"]', "is_active": "on", "description": "x"}
    assert client.post(change, form).status_code == 302
    subscription.refresh_from_db()
    assert subscription.event_types == ["model_alias.moved"]
    assert AuditEvent.objects.get(action="webhook.update").actor == admin_user
    bad = client.post(change, {**form, "url": "http://10.0.0.1/"})
    assert bad.status_code == 200 and b"not a public address" in bad.content
