"""Nothing outside the storage root is read or written through names and paths from requests (pickles: see
test_pickles.py).

A canary file sits next to the artifact root: after every hostile request its content and mtime are unchanged,
no new file exists outside the root, and no response carries the canary's content.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.services.experiments import experiment_get_or_create, run_create
from tests.registry.datasets_helpers import csv_bytes, iris_like, upload

pytestmark = pytest.mark.django_db

CANARY = "canary-content-must-never-leak"
HOSTILE_NAMES = [
    "../canary.txt",
    "../../canary.txt",
    "..%2fcanary.txt",
    "%2e%2e%2fcanary.txt",
    "%2E%2E%2F%2E%2E%2Fcanary.txt",
    "..\\canary.txt",
    "/etc/passwd",
    "{root}/../canary.txt",
    "a\x00b",
    "canary.txt\x00.csv",
    "....//canary.txt",
]


def _outside_root(base: Path, root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in base.rglob("*") if p.is_file() and root not in p.parents
    }


@pytest.fixture
def canary(tmp_path):
    root = Path(settings.ARTIFACT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    (tmp_path / "canary.txt").write_text(CANARY)
    before = _outside_root(tmp_path, root)
    yield root
    assert _outside_root(tmp_path, root) == before, "a file outside the storage root was written or created"


def _names(root: Path) -> list[str]:
    return [name.replace("{root}", str(root)) for name in HOSTILE_NAMES]


def _refused_or_harmless(response) -> None:
    assert response.status_code < 500, response.content[:300]
    if not getattr(response, "streaming", False):
        assert CANARY.encode() not in response.content


def test_hostile_names_in_urls_never_reach_the_filesystem(team, canary):
    slug = team.project.slug
    editor = team.client("editor")
    upload(editor, slug, "iris", csv_bytes(iris_like()))
    for name in _names(canary):
        for url in (
            f"/api/v1/projects/{slug}/datasets/{name}/",
            f"/api/v1/projects/{slug}/datasets/{name}/versions/1/download/",
            f"/api/v1/projects/{slug}/models/{name}/",
            f"/api/v1/projects/{slug}/experiments/{name}/",
            f"/api/v1/projects/{slug}/deployments/{name}/",
        ):
            response = editor.get(url)
            _refused_or_harmless(response)
            assert response.status_code in (400, 404), (url, response.status_code)
        created = upload(editor, slug, name, csv_bytes(iris_like()))
        _refused_or_harmless(created)
        assert created.status_code in (400, 404), (name, created.status_code)


def test_hostile_file_names_and_artifact_paths_stay_inside_the_root(team, canary):
    slug = team.project.slug
    editor = team.client("editor")
    run = run_create(
        experiment=experiment_get_or_create(project=team.project, name="e", user=team.users["editor"]),
        user=team.users["editor"],
        name="r",
    )
    base = f"/api/v1/projects/{slug}/runs/{run.run_id}/artifacts/"
    for name in _names(canary):
        # a multipart file name is never used as a storage path: the upload is stored under its sha256
        _refused_or_harmless(upload(editor, slug, "iris", csv_bytes(iris_like()), filename=name))
        body = {"file": SimpleUploadedFile("x.txt", b"overwrite attempt"), "path": name}
        stored = editor.post(base, body, format="multipart")
        _refused_or_harmless(stored)
        assert stored.status_code == 400, (name, stored.status_code)
        fetched = editor.get(base + "download", {"path": name})
        _refused_or_harmless(fetched)
        assert fetched.status_code in (400, 404), (name, fetched.status_code)
        listed = editor.get(base, {"path": name})
        _refused_or_harmless(listed)
