from __future__ import annotations

import pytest

from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_mutation_records_who_what_where_and_request_id(team):
    client = team.client("maintainer")
    response = client.patch(
        f"/api/v1/projects/{team.project.slug}/",
        {"name": "New name"},
        format="json",
        HTTP_X_REQUEST_ID="req-123",
        HTTP_USER_AGENT="pytest-agent",
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-123"
    event = AuditEvent.objects.filter(action="project.update").latest("id")
    assert event.actor == team.users["maintainer"]
    assert event.project == team.project
    assert event.object_type == "core.Project"
    assert event.object_id == str(team.project.pk)
    assert event.request_id == "req-123"
    assert event.method == "PATCH"
    assert event.ip == "127.0.0.1"
    assert event.user_agent == "pytest-agent"
    assert event.data["after"] == {"name": "New name"}


def test_every_successful_mutation_is_audited(team):
    owner = team.client("owner")
    slug = team.project.slug
    calls = [
        (
            "post",
            f"/api/v1/projects/{slug}/members/",
            {"username": team.users["outsider"].username, "role": "viewer"},
        ),
        ("patch", f"/api/v1/projects/{slug}/members/{team.users['outsider'].username}/", {"role": "editor"}),
        ("delete", f"/api/v1/projects/{slug}/members/{team.users['outsider'].username}/", None),
        ("post", f"/api/v1/projects/{slug}/service-accounts/", {"name": "scorer"}),
        ("post", "/api/v1/tokens/", {"name": "cli"}),
    ]
    for method, url, body in calls:
        before = AuditEvent.objects.count()
        response = getattr(owner, method)(url, body, format="json")
        assert response.status_code < 300, (url, response.content)
        assert AuditEvent.objects.count() == before + 1, url


def test_refused_and_invalid_mutations_leave_no_event(team):
    before = AuditEvent.objects.count()
    team.client("viewer").patch(f"/api/v1/projects/{team.project.slug}/", {"name": "x"}, format="json")
    team.client("owner").patch(f"/api/v1/projects/{team.project.slug}/", {"task_type": "poetry"}, format="json")
    assert AuditEvent.objects.count() == before


def test_audit_log_readable_by_owner_only_and_append_only(team):
    team.client("maintainer").patch(f"/api/v1/projects/{team.project.slug}/", {"name": "N"}, format="json")
    url = f"/api/v1/projects/{team.project.slug}/audit-events/?action=project.update"
    listing = team.client("owner").get(url)
    assert listing.status_code == 200
    assert [e["action"] for e in listing.json()["results"]] == ["project.update"]
    assert team.client("maintainer").get(url).status_code == 403
    event = AuditEvent.objects.latest("id")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_fallback_event_for_mutation_without_service_event(team, monkeypatch):
    """A mutating route whose service records nothing still gets a generic event from the middleware."""
    from core import services

    def quiet_update(*, project, user, **changes):
        for key, value in changes.items():
            setattr(project, key, value)
        project.save()
        return project

    monkeypatch.setattr(services, "project_update", quiet_update)
    response = team.client("owner").patch(f"/api/v1/projects/{team.project.slug}/", {"name": "Q"}, format="json")
    assert response.status_code == 200
    event = AuditEvent.objects.latest("id")
    assert event.action == "api.project-detail"
    assert event.project == team.project
    assert event.status_code == 200
