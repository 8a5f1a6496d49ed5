"""The role matrix for the foundation's project-scoped actions: exactly the intended cells succeed."""

from __future__ import annotations

import pytest

from core.models import AuditEvent, Membership, Project
from core.roles import Action, Role, role_allows

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", Role.PREDICTOR, Role.VIEWER, Role.EDITOR, Role.MAINTAINER, Role.OWNER]


def test_role_allows_ladder():
    expected = {
        Role.PREDICTOR: {Action.PREDICT},
        Role.VIEWER: {Action.READ},
        Role.EDITOR: {Action.READ, Action.WRITE, Action.PREDICT},
        Role.MAINTAINER: {Action.READ, Action.WRITE, Action.OPERATE, Action.PREDICT},
        Role.OWNER: set(Action),
    }
    for role, allowed in expected.items():
        assert {a for a in Action if role_allows(role, a)} == allowed, role
    assert not role_allows(None, Action.READ)


def _project_state(project: Project) -> tuple:
    project.refresh_from_db()
    members = sorted(Membership.objects.filter(project=project).values_list("user__username", "role"))
    return project.name, tuple(members)


# (method, path suffix, body, minimum role that may do it, success status)
CASES = [
    ("get", "", None, Role.VIEWER, 200),
    ("get", "members/", None, Role.VIEWER, 200),
    ("patch", "", {"name": "Renamed"}, Role.MAINTAINER, 200),
    ("post", "members/", {"username": "newcomer", "role": "viewer"}, Role.OWNER, 200),
    ("get", "audit-events/", None, Role.OWNER, 200),
    ("get", "service-accounts/", None, Role.OWNER, 200),
]
LADDER = [Role.VIEWER, Role.EDITOR, Role.MAINTAINER, Role.OWNER]


@pytest.mark.parametrize(("method", "suffix", "body", "minimum", "ok"), CASES)
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(team, role, method, suffix, body, minimum, ok):
    from tests.factories import UserFactory

    UserFactory(username="newcomer")
    before = _project_state(team.project)
    events_before = AuditEvent.objects.count()
    url = f"/api/v1/projects/{team.project.slug}/{suffix}"
    response = getattr(team.client(role), method)(url, body, format="json")
    allowed = role in LADDER and LADDER.index(role) >= LADDER.index(minimum)
    if allowed:
        assert response.status_code == ok, response.content
        return
    expected = {"anonymous": 401, "outsider": 404}.get(role, 403)
    assert response.status_code == expected, (role, response.content)
    assert response.json()["status"] == expected
    assert _project_state(team.project) == before  # no side effect on refusal
    if method != "get":
        assert AuditEvent.objects.count() == events_before


def test_only_owner_can_delete_project(team):
    for role in (Role.VIEWER, Role.EDITOR, Role.MAINTAINER):
        assert team.client(role).delete(f"/api/v1/projects/{team.project.slug}/").status_code == 403
    assert Project.objects.filter(pk=team.project.pk).exists()
    assert team.client(Role.OWNER).delete(f"/api/v1/projects/{team.project.slug}/").status_code == 204
    assert not Project.objects.filter(pk=team.project.pk).exists()


def test_last_owner_cannot_be_demoted_or_removed(team):
    owner = team.client(Role.OWNER)
    username = team.users[Role.OWNER].username
    url = f"/api/v1/projects/{team.project.slug}/members/{username}/"
    assert owner.patch(url, {"role": "viewer"}, format="json").status_code == 409
    assert owner.delete(url).status_code == 409
    assert Membership.objects.get(project=team.project, user__username=username).role == Role.OWNER


def test_member_role_change_and_removal(team):
    owner = team.client(Role.OWNER)
    viewer = team.users[Role.VIEWER].username
    url = f"/api/v1/projects/{team.project.slug}/members/{viewer}/"
    assert owner.patch(url, {"role": "editor"}, format="json").json()["role"] == "editor"
    assert owner.delete(url).status_code == 204
    assert team.client(Role.VIEWER).get(f"/api/v1/projects/{team.project.slug}/").status_code == 404


def test_invalid_role_and_unknown_user_are_field_errors(team):
    owner = team.client(Role.OWNER)
    url = f"/api/v1/projects/{team.project.slug}/members/"
    bad_role = owner.post(url, {"username": team.users[Role.VIEWER].username, "role": "god"}, format="json")
    assert bad_role.status_code == 400
    assert bad_role.json()["errors"][0]["field"] == "role"
    ghost = owner.post(url, {"username": "ghost", "role": "viewer"}, format="json")
    assert ghost.status_code == 400
    assert ghost.json()["errors"][0]["field"] == "username"


def test_project_create_makes_creator_owner_and_validates(team):
    client = team.client(Role.VIEWER)
    created = client.post(
        "/api/v1/projects/",
        {
            "slug": "fresh",
            "name": "Fresh",
            "acceptance_criteria": [{"metric": "f1_macro", "op": ">=", "threshold": 0.9}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["role"] == "owner"
    duplicate = client.post("/api/v1/projects/", {"slug": "fresh", "name": "Again"}, format="json")
    assert duplicate.status_code == 409
    bad = client.post(
        "/api/v1/projects/",
        {
            "slug": "Bad Slug!",
            "name": "x",
            "acceptance_criteria": [{"metric": "f1", "op": "~", "threshold": 1}],
        },
        format="json",
    )
    assert bad.status_code == 400
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"slug", "acceptance_criteria[0].op"} <= fields


def test_deleting_a_project_whose_data_is_in_use_is_a_conflict_not_a_server_error(team):
    """A training job protects its dataset version (on_delete=PROTECT): 409 naming the blocker, nothing deleted."""
    from registry.models import Dataset, DatasetVersion
    from training.models import TrainingJob

    dataset = Dataset.objects.create(project=team.project, name="kept")
    version = DatasetVersion.objects.create(
        dataset=dataset, number=1, sha256="0" * 64, size=1, format="csv", row_count=1, column_count=1
    )
    TrainingJob.objects.create(project=team.project, dataset_version=version, spec={}, time_limit=60)
    events_before = AuditEvent.objects.count()
    for url in (f"/api/v1/projects/{team.project.slug}/", f"/api/v1/projects/{team.project.slug}/datasets/kept/"):
        response = team.client(Role.OWNER).delete(url)
        assert response.status_code == 409, response.content
        assert response.json()["detail"].startswith("Still in use by training jobs")
    assert Project.objects.filter(pk=team.project.pk).exists() and Dataset.objects.filter(pk=dataset.pk).exists()
    assert AuditEvent.objects.count() == events_before
