from __future__ import annotations

import pytest

from core.errors import Conflict
from core.models import AuditEvent
from registry.models import DatasetVersion, ValidationRule
from registry.services.datasets import dataset_version_for_training
from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

pytestmark = pytest.mark.django_db


def _rules_url(team, name="iris"):
    return f"/api/v1/projects/{team.project.slug}/datasets/{name}/rules/"


def test_rule_naming_missing_column_or_bad_bound_is_400(team):
    client = team.client("editor")
    upload(client, team.project.slug, "iris", csv_bytes(iris_like()))
    missing = client.post(_rules_url(team), {"kind": "not_null", "column": "nope"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "column"
    bound = client.post(
        _rules_url(team), {"kind": "range", "column": "sepal", "params": {"min": 9, "max": 1}}, format="json"
    )
    assert bound.status_code == 400
    assert bound.json()["errors"][0]["field"] == "params.min"
    assert not ValidationRule.objects.exists()


def test_failing_rule_marks_new_version_invalid_with_report(team):
    client = team.client("editor")
    slug = team.project.slug
    upload(client, slug, "iris", csv_bytes(iris_like()))
    created = client.post(
        _rules_url(team), {"kind": "range", "column": "sepal", "params": {"min": 0, "max": 6}}, format="json"
    )
    assert created.status_code == 201
    version = upload(client, slug, "iris", csv_bytes(iris_like(seed=2))).json()
    assert version["status"] == "invalid"
    reports = client.get(f"/api/v1/projects/{slug}/datasets/iris/versions/2/validation-reports/").json()
    result = reports["results"][0]["results"][0]
    assert result["passed"] is False
    assert result["observed"] < 1
    assert result["failing_examples"] and all(v > 6 for v in result["failing_examples"])


def test_on_demand_validation_updates_status(team):
    client = team.client("editor")
    slug = team.project.slug
    upload(client, slug, "iris", csv_bytes(iris_like()))
    assert DatasetVersion.objects.get().status == "valid"
    rule = client.post(_rules_url(team), {"kind": "row_count", "params": {"min": 1000}}, format="json").json()
    report = client.post(f"/api/v1/projects/{slug}/datasets/iris/versions/1/validation-reports/")
    assert report.status_code == 201
    assert report.json()["passed"] is False
    assert DatasetVersion.objects.get().status == "invalid"
    client.patch(f"{_rules_url(team)}{rule['id']}/", {"enabled": False}, format="json")
    client.post(f"/api/v1/projects/{slug}/datasets/iris/versions/1/validation-reports/")
    assert DatasetVersion.objects.get().status == "valid"


def test_generate_rules_from_reference(team):
    client = team.client("editor")
    slug = team.project.slug
    upload(client, slug, "iris", csv_bytes(iris_like()))
    response = client.post(f"{_rules_url(team)}generate/", {"reference_version": 1, "tolerance": 0.1}, format="json")
    assert response.status_code == 201
    assert len(response.json()) >= 12
    assert {r["generated_from"] for r in response.json()} == {1}
    report = client.post(f"/api/v1/projects/{slug}/datasets/iris/versions/1/validation-reports/").json()
    assert report["passed"] is True, [r for r in report["results"] if not r["passed"]]


def test_training_refuses_invalid_version_unless_overridden(team):
    client = team.client("editor")
    upload(client, team.project.slug, "iris", csv_bytes(iris_like()))
    client.post(_rules_url(team), {"kind": "row_count", "params": {"max": 10}}, format="json")
    client.post(f"/api/v1/projects/{team.project.slug}/datasets/iris/versions/1/validation-reports/")
    version = DatasetVersion.objects.get()
    with pytest.raises(Conflict, match="failed validation"):
        dataset_version_for_training(version=version, user=team.users["editor"])
    assert dataset_version_for_training(version=version, user=team.users["editor"], allow_invalid=True) == version
    event = AuditEvent.objects.get(action="dataset_version.invalid_override")
    assert event.actor == team.users["editor"]


def test_rule_update_and_delete(team):
    client = team.client("editor")
    upload(client, team.project.slug, "iris", csv_bytes(iris_like()))
    rule = client.post(_rules_url(team), {"kind": "not_null", "column": "sepal"}, format="json").json()
    updated = client.patch(f"{_rules_url(team)}{rule['id']}/", {"params": {"mostly": 0.9}}, format="json")
    assert updated.json()["params"] == {"mostly": 0.9}
    bad = client.patch(f"{_rules_url(team)}{rule['id']}/", {"params": {"mostly": 2}}, format="json")
    assert bad.status_code == 400
    assert team.client("viewer").delete(f"{_rules_url(team)}{rule['id']}/").status_code == 403
    assert client.delete(f"{_rules_url(team)}{rule['id']}/").status_code == 204
    assert not ValidationRule.objects.exists()
