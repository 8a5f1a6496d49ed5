"""Every API route answers with or without its trailing slash, for every method, without a redirect.

Django's test client does not follow redirects, so a 301 would show here as it does to curl and SDKs."""

from __future__ import annotations

import pytest

from core.models import Membership
from core.roles import Role
from tests.serving.conftest import approved, deploy, rows


@pytest.fixture
def served(team):
    approved(team)
    assert deploy(team).status_code == 201
    return team


def test_predict_without_the_slash_is_answered_not_redirected(served):
    client = served.client(Role.PREDICTOR)
    base = f"/api/v1/projects/{served.project.slug}/deployments/api/predict"
    for path in (base, base + "/"):
        response = client.post(path, {"inputs": rows(2)}, format="json")
        assert response.status_code == 200, (path, response.status_code, response.content[:200])
        assert len(response.json()["predictions"]) == 2


def test_patch_and_delete_without_the_slash(team):
    owner = team.client(Role.OWNER)
    viewer = team.users[Role.VIEWER].username
    member = f"/api/v1/projects/{team.project.slug}/members/{viewer}"
    patched = owner.patch(member, {"role": "editor"}, format="json")
    assert patched.status_code == 200, patched.content[:200]
    assert patched.json()["role"] == "editor"
    assert owner.delete(member).status_code == 204
    assert not Membership.objects.filter(project=team.project, user__username=viewer).exists()


def test_get_both_spellings_and_unknown_paths_still_404(team):
    viewer = team.client(Role.VIEWER)
    for path in (f"/api/v1/projects/{team.project.slug}", f"/api/v1/projects/{team.project.slug}/"):
        assert viewer.get(path).status_code == 200, path
    assert viewer.get("/api/v1/no-such-thing").status_code == 404
    assert viewer.get("/api/v1/no-such-thing/").status_code == 404


def test_foreign_prefixes_accept_an_added_slash(team):
    editor = team.client(Role.EDITOR)
    created = editor.post("/api/2.0/mlflow/experiments/create/", {"name": "slashed"}, format="json")
    assert created.status_code == 200, created.content[:200]
    assert editor.get("/v2/health/live/").status_code == 200
