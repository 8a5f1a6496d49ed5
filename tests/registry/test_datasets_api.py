from __future__ import annotations

import hashlib

import pytest

from core.models import AuditEvent
from registry.models import DatasetVersion
from tests.registry.datasets_helpers import csv_bytes, iris_like, parquet_bytes, upload

pytestmark = pytest.mark.django_db


def test_upload_creates_version_with_hash_schema_and_profile(team):
    data = csv_bytes(iris_like())
    response = upload(team.client("editor"), team.project.slug, "iris", data, message="first cut")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["row_count"], body["column_count"], body["size"]) == (120, 6, len(data))
    assert body["status"] == "valid"
    assert body["message"] == "first cut"
    kinds = {c["name"]: (c["kind"], c["role"]) for c in body["schema"]}
    assert kinds == {
        "id": ("integer", "identifier"),
        "sepal": ("numeric", "feature"),
        "petal": ("numeric", "feature"),
        "count": ("integer", "feature"),
        "color": ("categorical", "feature"),
        "target": ("categorical", "target"),
    }
    assert AuditEvent.objects.filter(action="dataset_version.create").count() == 1


def test_identical_bytes_return_existing_version(team):
    client = team.client("editor")
    data = csv_bytes(iris_like())
    first = upload(client, team.project.slug, "iris", data)
    again = upload(client, team.project.slug, "iris", data, filename="renamed.csv")
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"] == 1
    changed = upload(client, team.project.slug, "iris", csv_bytes(iris_like(seed=1)), parent=1)
    assert changed.status_code == 201
    assert changed.json()["number"] == 2
    assert changed.json()["parent"] == 1
    assert DatasetVersion.objects.count() == 2


def test_parquet_upload_and_download_round_trip(team):
    client = team.client("editor")
    data = parquet_bytes(iris_like())
    created = upload(client, team.project.slug, "iris", data, filename="iris.parquet")
    assert created.status_code == 201, created.content
    assert created.json()["format"] == "parquet"
    response = client.get(f"/api/v1/projects/{team.project.slug}/datasets/iris/versions/1/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_profile_stores_drift_reference(team):
    client = team.client("editor")
    upload(client, team.project.slug, "iris", csv_bytes(iris_like()))
    base = f"/api/v1/projects/{team.project.slug}/datasets/iris/versions/1/profile/"
    summary = client.get(base).json()
    sepal = next(c for c in summary["columns"] if c["name"] == "sepal")
    assert len(sepal["histogram"]["edges"]) == len(sepal["histogram"]["counts"]) + 1
    assert sum(sepal["histogram"]["counts"]) == sepal["count"] == 120
    assert set(sepal["quantiles"]) == {"p01", "p05", "p25", "p50", "p75", "p95", "p99"}
    assert "sample" not in sepal
    color = next(c for c in summary["columns"] if c["name"] == "color")
    assert sum(f["count"] for f in color["frequencies"]) == 120
    full = client.get(base + "?include_sample=true").json()
    assert len(next(c for c in full["columns"] if c["name"] == "sepal")["sample"]) == 120


def test_preview_is_paginated(team):
    client = team.client("viewer")
    upload(team.client("editor"), team.project.slug, "iris", csv_bytes(iris_like()))
    body = client.get(
        f"/api/v1/projects/{team.project.slug}/datasets/iris/versions/1/preview/?offset=10&limit=5"
    ).json()
    assert body["count"] == 120
    assert [r["id"] for r in body["rows"]] == [10, 11, 12, 13, 14]
    bad = client.get(f"/api/v1/projects/{team.project.slug}/datasets/iris/versions/1/preview/?limit=9999")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "limit"


def test_schema_diff_between_versions(team):
    client = team.client("editor")
    frame = iris_like()
    upload(client, team.project.slug, "iris", csv_bytes(frame))
    changed = frame.drop(columns=["count"]).assign(extra=1.5, id=frame["id"].astype(str) + "x")
    upload(client, team.project.slug, "iris", csv_bytes(changed.iloc[:100]))
    diff = client.get(f"/api/v1/projects/{team.project.slug}/datasets/iris/diff/?from=1&to=2").json()
    changes = {(c["column"], c["change"]) for c in diff["schema_changes"]}
    assert changes == {("count", "removed"), ("extra", "added"), ("id", "kind_changed")}
    assert diff["row_count"] == {"before": 120, "after": 100, "change": -20}
    sepal = next(c for c in diff["column_changes"] if c["column"] == "sepal")
    assert sepal["changes"]["count"]["change"] == -20


def test_roles_are_editable_and_inherited(team):
    client = team.client("editor")
    slug = team.project.slug
    upload(client, slug, "iris", csv_bytes(iris_like()))
    url = f"/api/v1/projects/{slug}/datasets/iris/versions/1/schema/"
    response = client.patch(url, {"roles": {"color": "ignored", "count": "target", "target": "feature"}}, format="json")
    assert response.status_code == 200, response.content
    two_targets = client.patch(url, {"roles": {"sepal": "target"}}, format="json")
    assert two_targets.status_code == 400
    missing = client.patch(url, {"roles": {"nope": "feature"}}, format="json")
    assert missing.json()["errors"][0]["field"] == "roles.nope"
    second = upload(client, slug, "iris", csv_bytes(iris_like(seed=3))).json()
    roles = {c["name"]: c["role"] for c in second["schema"]}
    assert roles["color"] == "ignored" and roles["count"] == "target"


def test_viewer_cannot_upload_and_other_project_cannot_see(team, other_team):
    data = csv_bytes(iris_like())
    assert upload(team.client("viewer"), team.project.slug, "iris", data).status_code == 403
    upload(team.client("editor"), team.project.slug, "iris", data)
    assert other_team.client("owner").get(f"/api/v1/projects/{team.project.slug}/datasets/").status_code == 404
    assert upload(other_team.client("owner"), team.project.slug, "iris", data).status_code == 404
    listing = other_team.client("owner").get(f"/api/v1/projects/{other_team.project.slug}/datasets/").json()
    assert listing["count"] == 0


def test_dataset_create_list_update_delete(team):
    client = team.client("maintainer")
    slug = team.project.slug
    created = client.post(
        f"/api/v1/projects/{slug}/datasets/", {"name": "loans", "tags": {"team": "risk"}}, format="json"
    )
    assert created.status_code == 201
    assert client.post(f"/api/v1/projects/{slug}/datasets/", {"name": "loans"}, format="json").status_code == 409
    upload(client, slug, "loans", csv_bytes(iris_like()))
    listing = client.get(f"/api/v1/projects/{slug}/datasets/?name__icontains=LOA").json()
    assert listing["results"][0]["latest_version"] == 1
    patched = client.patch(f"/api/v1/projects/{slug}/datasets/loans/", {"description": "Loan book"}, format="json")
    assert patched.json()["description"] == "Loan book"
    assert team.client("editor").delete(f"/api/v1/projects/{slug}/datasets/loans/").status_code == 403
    assert client.delete(f"/api/v1/projects/{slug}/datasets/loans/").status_code == 204
    assert not DatasetVersion.objects.exists()
