from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_members_of_a_see_nothing_of_b(team, other_team):
    for role in ("viewer", "editor", "maintainer", "owner"):
        client = team.client(role)
        slugs = {p["slug"] for p in client.get("/api/v1/projects/").json()["results"]}
        assert slugs == {team.project.slug}
        for suffix in ("", "members/", "audit-events/", "service-accounts/"):
            response = client.get(f"/api/v1/projects/{other_team.project.slug}/{suffix}")
            assert response.status_code == 404, (role, suffix)
        assert (
            client.patch(f"/api/v1/projects/{other_team.project.slug}/", {"name": "pwned"}, format="json").status_code
            == 404
        )
    other_team.project.refresh_from_db()
    assert other_team.project.name != "pwned"


def test_unknown_and_foreign_projects_are_indistinguishable(team, other_team):
    client = team.client("owner")
    foreign = client.get(f"/api/v1/projects/{other_team.project.slug}/")
    missing = client.get("/api/v1/projects/does-not-exist/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["title"] == missing.json()["title"]


def test_audit_events_of_b_not_listed_for_a(team, other_team):
    other_team.client("owner").patch(f"/api/v1/projects/{other_team.project.slug}/", {"name": "B2"}, format="json")
    events = team.client("owner").get(f"/api/v1/projects/{team.project.slug}/audit-events/").json()["results"]
    assert all(other_team.project.slug not in e["path"] for e in events)
