"""Bad input gets a clear 4xx naming the problem, and nothing is stored: no version, no orphaned blob."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from registry.models import Dataset, DatasetVersion
from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

pytestmark = pytest.mark.django_db


def _stored_files() -> list[Path]:
    root = Path(settings.ARTIFACT_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("data", "filename", "status", "field", "code"),
    [
        (b"", "empty.csv", 400, "file", "empty"),
        (b"a,b\n", "header_only.csv", 400, "file", "empty"),
        (b"a,b\n\xff\xfe,\x80\n", "latin.csv", 400, "file", "encoding"),
        (b"a,b,c\n1,2,3\n4,5\n", "short.csv", 400, "file", "ragged_rows"),
        (b"a,b\n1,2\n3,4,5\n", "long.csv", 400, "file", "ragged_rows"),
        (b"a,b,a\n1,2,3\n", "dupes.csv", 400, "file", "duplicate_columns"),
        (b"a,,c\n1,2,3\n", "noname.csv", 400, "file", "empty_column_name"),
        (b"\x00\x01binary", "blob.xlsx", 400, "format", "invalid"),
        (b"PAR1 this is not parquet", "fake.parquet", 400, "file", "parse_error"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(team, data, filename, status, field, code):
    response = upload(team.client("editor"), team.project.slug, "bad", data, filename=filename)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert body["errors"][0]["code"] == code
    assert not DatasetVersion.objects.exists()
    assert _stored_files() == []


def test_ragged_rows_error_names_the_row(team):
    response = upload(team.client("editor"), team.project.slug, "bad", b"a,b,c\n1,2,3\n4,5\n")
    assert "expected 3 fields" in response.json()["detail"]


def test_file_over_limit_is_413(team, settings):
    settings.KEEL_MAX_UPLOAD_BYTES = 2048
    data = csv_bytes(iris_like(400))
    assert len(data) > 2048
    response = upload(team.client("editor"), team.project.slug, "big", data)
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"
    assert not DatasetVersion.objects.exists()
    assert _stored_files() == []


def test_wrong_content_type_is_415(team):
    response = team.client("editor").post(
        f"/api/v1/projects/{team.project.slug}/datasets/x/versions/", {"file": "nope"}, format="json"
    )
    assert response.status_code == 415
    assert response.json()["status"] == 415


def test_missing_file_field_is_400(team):
    response = team.client("editor").post(
        f"/api/v1/projects/{team.project.slug}/datasets/x/versions/", {"message": "no file"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_bad_dataset_name_is_400(team):
    response = upload(team.client("editor"), team.project.slug, ".hidden", csv_bytes(iris_like()))
    assert response.status_code == 400
    assert not Dataset.objects.exists()


def test_unknown_parent_is_400(team):
    response = upload(team.client("editor"), team.project.slug, "iris", csv_bytes(iris_like()), parent=7)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "parent"
    assert not DatasetVersion.objects.exists()


def test_database_failure_after_storing_blobs_leaves_no_orphan(team, monkeypatch):
    from registry.services import datasets as services

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_save_report", explode)
    with pytest.raises(RuntimeError):
        upload(team.client("editor"), team.project.slug, "iris", csv_bytes(iris_like()))
    assert not DatasetVersion.objects.exists()
    assert _stored_files() == []


def test_failure_does_not_delete_blob_shared_with_existing_version(team, monkeypatch):
    from registry.services import datasets as services

    client = team.client("editor")
    data = csv_bytes(iris_like())
    upload(client, team.project.slug, "iris", data)
    before = sorted(_stored_files())

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_save_report", explode)
    with pytest.raises(RuntimeError):
        upload(client, team.project.slug, "copy", data)  # same bytes, other dataset: blob already stored
    assert sorted(_stored_files()) == before
    assert DatasetVersion.objects.count() == 1
