"""Invalid documents answer 400 naming the path; who may plan, apply and export."""

from __future__ import annotations

import pytest

from core.models import Membership, Project
from tests.declarative.conftest import apply, export, plan, team_document

pytestmark = pytest.mark.django_db


def _fields(response) -> list[str]:
    assert response.status_code == 400, response.json()
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["alert_rules"][1].update(threshold="high"), "alert_rules[1].threshold"),
        (lambda d: d["alert_rules"][0].update(metric="vibes"), "alert_rules[0].metric"),
        (lambda d: d["alert_rules"].append(dict(d["alert_rules"][0])), "alert_rules[2].name"),
        (lambda d: d.update(apiVersion="keel/v2"), "apiVersion"),
        (lambda d: d.update(clusters=[]), "clusters"),
        (lambda d: d["project"].update(slug="Not A Slug"), "project.slug"),
        (lambda d: d["members"][0].update(role="predictor"), "members[0].role"),
        (lambda d: d.update(members=[{"username": "x", "role": "viewer"}]), "members"),
        (lambda d: d["datasets"][0]["rules"][1].update(kind="nope"), "datasets[0].rules[1].kind"),
        (lambda d: d["channels"][0]["config"].update(to="not-a-list"), "channels[0].config.to"),
        (lambda d: d["channels"][1]["config"].update(password="x"), "channels[1].config.password"),
        (lambda d: d["deployments"][0]["variants"][0].update(version=3), "deployments[0].variants[0].version"),
        (lambda d: d["deployments"][0]["variants"][1].update(weight=30), "deployments[0].variants"),
        (lambda d: d["drift"][0].update(window="forever"), "drift[0].window"),
        (lambda d: d["retraining_policies"][0].update(schedule_minutes=1), "retraining_policies[0].schedule_minutes"),
    ],
)
def test_invalid_documents_name_the_path(team, mutate, field):
    document = team_document(team)
    mutate(document)
    assert field in _fields(plan(team.client("owner"), document))


def test_semantic_errors_from_the_services_name_the_path_too(team, seeded):
    document = team_document(team)
    document["alert_rules"][0]["deployment"] = "nowhere"
    assert _fields(plan(team.client("owner"), document)) == ["alert_rules[0].deployment"]
    document = team_document(team)
    document["alert_rules"][0]["channels"] = ["ops-mail", "pager"]
    assert _fields(plan(team.client("owner"), document)) == ["alert_rules[0].channels"]
    document = team_document(team)
    document["deployments"][0]["variants"][0]["alias"] = "nope"
    assert _fields(plan(team.client("owner"), document)) == ["deployments[0].variants[0].alias"]
    document = team_document(team)
    document["datasets"][0]["rules"][0]["column"] = "no_such_column"
    assert _fields(plan(team.client("owner"), document)) == ["datasets[0].rules[0].column"]
    document = team_document(team)
    document["channels"][1]["config"]["url"] = "<redacted>"  # nothing stored to keep yet
    assert _fields(plan(team.client("owner"), document)) == ["channels[1].config.url"]
    document = team_document(team)
    document["members"].append({"username": "ghost", "role": "viewer"})
    assert _fields(plan(team.client("owner"), document)) == ["members[3].username"]


def test_the_body_must_carry_a_document_object(team):
    assert _fields(team.client("owner").post("/api/v1/config/plan", {}, format="json")) == ["document"]
    response = team.client("owner").post("/api/v1/config/apply", {"document": []}, format="json")
    assert _fields(response) == ["document"]


def _project_only(slug: str, **project) -> dict:
    return {"apiVersion": "keel/v1", "project": {"slug": slug, **project}}


def test_who_may_plan_and_apply_an_existing_project(team):
    document = _project_only("alpha", name="Renamed")
    assert plan(team.client("viewer"), document).status_code == 200
    assert apply(team.client("viewer"), document).status_code == 403
    assert apply(team.client("editor"), document).status_code == 403
    assert apply(team.client("maintainer"), document).status_code == 200
    assert Project.objects.get(slug="alpha").name == "Renamed"
    # members are the owner's business (as on the members API)
    document["members"] = [
        {"username": u.username, "role": "owner" if role == "owner" else "viewer"}
        for role, u in team.users.items()
        if role in ("owner", "maintainer", "viewer", "editor")
    ]
    assert apply(team.client("maintainer"), document).status_code == 403
    assert apply(team.client("owner"), document).status_code == 200
    assert Membership.objects.get(project=team.project, user=team.users["maintainer"]).role == "viewer"


def test_strangers_service_accounts_and_anonymous_callers(team):
    document = _project_only("alpha", name="Mine now")
    response = apply(team.client("outsider"), document)
    assert response.status_code == 400  # as POST /projects/ with a taken or reserved slug: "not available"
    assert response.json()["errors"][0] == {
        "field": "project.slug",
        "message": "not available; choose another slug",
        "code": "unavailable",
    }
    assert plan(team.client("outsider"), document).status_code == 400
    assert apply(team.client("predictor"), document).status_code == 403
    assert apply(team.client("anonymous"), document).status_code == 401
    assert Project.objects.get(slug="alpha").name != "Mine now"


def test_any_person_may_create_a_project_and_becomes_its_owner(team):
    response = apply(team.client("outsider"), _project_only("outsider-own", name="Own"))
    assert response.status_code == 200, response.json()
    project = Project.objects.get(slug="outsider-own")
    assert Membership.objects.get(project=project).user == team.users["outsider"]
    assert apply(team.client("outsider"), _project_only("outsider-own", name="Own")).json()["changes"] == []


def test_export_needs_read_access(team):
    assert export(team.client("viewer"), "alpha").status_code == 200
    assert export(team.client("outsider"), "alpha").status_code == 404
    assert export(team.client("predictor"), "alpha").status_code == 403
    assert export(team.client("anonymous"), "alpha").status_code == 401


@pytest.mark.parametrize(
    ("mutate", "field", "hint"),
    [
        (lambda d: d["project"].update(nmae="typo"), "project.nmae", "did you mean 'name'?"),
        (lambda d: d["channels"][0].update(enabld=False), "channels[0].enabld", "did you mean 'enabled'?"),
        (lambda d: d["alert_rules"][1].update(sevrity="critical"), "alert_rules[1].sevrity", "'severity'?"),
        (lambda d: d["datasets"][0]["rules"][0].update(colum="x"), "datasets[0].rules[0].colum", "'column'"),
        (lambda d: d["deployments"][0]["policy"].update(max_bach=5), "deployments[0].policy.max_bach", "'max_batch'"),
        (lambda d: d["deployments"][0]["variants"][0].update(wieght=5), "deployments[0].variants[0].wieght", "weight"),
        (
            lambda d: d["project"]["acceptance_criteria"][0].update(treshold=1),
            "project.acceptance_criteria[0].treshold",
            "'threshold'",
        ),
        (lambda d: d.update(chanels=[]), "chanels", "did you mean 'channels'?"),
    ],
)
def test_unknown_keys_are_refused_at_every_level_with_a_hint(team, mutate, field, hint):
    document = team_document(team)
    document["deployments"][0].setdefault("policy", {"max_batch": 10})
    mutate(document)
    response = plan(team.client("owner"), document)
    assert response.status_code == 400, response.json()
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert field in errors, errors
    assert "unknown key" in str(errors[field]) and hint in str(errors[field])


def test_a_typo_in_the_project_does_not_plan_a_rename(team):
    document = team_document(team)
    document["project"] = {"slug": document["project"]["slug"], "nmae": "typo"}
    assert "project.nmae" in _fields(plan(team.client("owner"), document))
