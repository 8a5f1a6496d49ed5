"""Run artifacts: content-addressed storage, path normalisation and traversal refusal, listing, download."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import Conflict, PayloadTooLarge, ServiceUnavailable, ValidationFailed
from core.models import AuditEvent
from core.storage import CHUNK, IntegrityError, artifact_storage, blob_key
from registry.models import RunArtifact
from registry.models.experiments import normalise_artifact_path
from registry.selectors.experiments import run_artifact_content
from registry.services.experiments import experiment_get_or_create, run_artifact_put, run_create, run_delete

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/projects/alpha/runs/"
TRAVERSALS = [
    "../x",
    "a/../../x",
    "%2e%2e/x",
    "%2E%2E%2Fetc%2Fpasswd",
    "/etc/passwd",
    "a\\b",
    "..\\x",
    "a\x00b",
    "a//b",
    "a/./b",
    ".",
    "..",
    "",
    "a/",
    "x" * 256,
    "a/" * 600,
    "line\nbreak",
]


@pytest.fixture
def run(team):
    experiment = experiment_get_or_create(project=team.project, name="churn", user=team.users["editor"])
    return run_create(experiment=experiment, user=team.users["editor"])


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload(team, run, path, data=b"hello", role="editor", **extra):
    body = {"file": SimpleUploadedFile("upload.bin", data), "path": path, **extra}
    return team.client(role).post(f"{RUNS}{run.run_id}/artifacts/", body, format="multipart")


# --- path normalisation (pure) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", TRAVERSALS)
def test_normalise_artifact_path_refuses_anything_but_a_relative_file_path(path):
    with pytest.raises(ValidationError):
        normalise_artifact_path(path)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("model/model.skops", "model/model.skops"),
        ("plots/roc curve.png", "plots/roc curve.png"),
        ("100%.txt", "100%.txt"),
        ("cafe\u0301.txt", "caf\u00e9.txt"),  # NFC
        ("..hidden/x", "..hidden/x"),
    ],
)
def test_normalise_artifact_path_accepts_ordinary_paths(path, expected):
    assert normalise_artifact_path(path) == expected


def test_normalise_artifact_prefix_allows_the_root_and_a_trailing_slash():
    assert normalise_artifact_path("", allow_root=True) == ""
    assert normalise_artifact_path("plots/", allow_root=True) == "plots"
    with pytest.raises(ValidationError):
        normalise_artifact_path("../", allow_root=True)


# --- service ----------------------------------------------------------------------------------------------------


def test_artifact_is_stored_under_its_sha256(run, team, settings):
    artifact = run_artifact_put(run=run, user=team.users["editor"], path="model/model.skops", fileobj_or_bytes=b"abc")
    sha = hashlib.sha256(b"abc").hexdigest()
    assert (artifact.sha256, artifact.size, artifact.path) == (sha, 3, "model/model.skops")
    assert _files(Path(settings.ARTIFACT_ROOT)) == {Path(settings.ARTIFACT_ROOT) / blob_key(sha)}
    assert AuditEvent.objects.filter(action="run.artifact_put", data__path="model/model.skops").exists()


def test_artifact_accepts_file_objects_and_guesses_content_type(run, team):
    artifact = run_artifact_put(run=run, user=None, path="report.json", fileobj_or_bytes=io.BytesIO(b"{}"))
    assert artifact.content_type == "application/json"


def test_artifacts_are_immutable(run, team):
    user = team.users["editor"]
    first = run_artifact_put(run=run, user=user, path="a.txt", fileobj_or_bytes=b"one")
    assert run_artifact_put(run=run, user=user, path="a.txt", fileobj_or_bytes=b"one").pk == first.pk
    with pytest.raises(Conflict) as info:
        run_artifact_put(run=run, user=user, path="a.txt", fileobj_or_bytes=b"two")
    assert info.value.errors[0]["field"] == "path"


def test_a_file_and_a_folder_cannot_share_a_path(run, team):
    user = team.users["editor"]
    run_artifact_put(run=run, user=user, path="a/b.txt", fileobj_or_bytes=b"x")
    with pytest.raises(Conflict):
        run_artifact_put(run=run, user=user, path="a", fileobj_or_bytes=b"x")
    with pytest.raises(Conflict):
        run_artifact_put(run=run, user=user, path="a/b.txt/c", fileobj_or_bytes=b"x")
    run_artifact_put(run=run, user=user, path="a/bb.txt", fileobj_or_bytes=b"x")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_is_refused_before_anything_is_written(run, team, settings, tmp_path, path):
    with pytest.raises(ValidationFailed) as info:
        run_artifact_put(run=run, user=team.users["editor"], path=path, fileobj_or_bytes=b"evil")
    assert info.value.errors[0]["field"] == "path"
    assert not RunArtifact.objects.exists()
    assert _files(tmp_path) == set()


def test_artifact_size_limit_is_413(run, team, settings):
    settings.KEEL_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(PayloadTooLarge):
        run_artifact_put(run=run, user=None, path="big.bin", fileobj_or_bytes=b"x" * 1025)
    assert _files(Path(settings.ARTIFACT_ROOT)) == set()


def test_artifact_upload_to_a_deleted_run_is_refused(run, team, settings):
    run_delete(run=run, user=None)
    with pytest.raises(Conflict):
        run_artifact_put(run=run, user=None, path="a.txt", fileobj_or_bytes=b"x")
    assert _files(Path(settings.ARTIFACT_ROOT)) == set()


def test_content_is_hash_checked(run, team, settings):
    small = run_artifact_put(run=run, user=None, path="small.txt", fileobj_or_bytes=b"small")
    assert b"".join(run_artifact_content(artifact=small)) == b"small"
    (Path(settings.ARTIFACT_ROOT) / blob_key(small.sha256)).write_bytes(b"SMALL")
    with pytest.raises(ServiceUnavailable):
        run_artifact_content(artifact=small)


def test_large_content_streams_and_a_corrupt_tail_is_never_delivered(run, settings):
    data = b"a" * (CHUNK * 2 + 10)
    big = run_artifact_put(run=run, user=None, path="big.bin", fileobj_or_bytes=data)
    assert b"".join(run_artifact_content(artifact=big)) == data
    (Path(settings.ARTIFACT_ROOT) / blob_key(big.sha256)).write_bytes(data[:-1] + b"b")
    received = []
    with pytest.raises(IntegrityError):
        for chunk in run_artifact_content(artifact=big):
            received.append(chunk)
    assert sum(map(len, received)) < len(data)


def test_missing_content_is_503(run, settings):
    artifact = run_artifact_put(run=run, user=None, path="a.txt", fileobj_or_bytes=b"x")
    artifact_storage().delete(blob_key(artifact.sha256))
    with pytest.raises(ServiceUnavailable):
        run_artifact_content(artifact=artifact)


# --- API --------------------------------------------------------------------------------------------------------


def test_api_upload_list_download(team, run):
    response = _upload(team, run, "model/model.skops", b"weights")
    assert response.status_code == 201, response.json()
    assert response.json()["sha256"] == hashlib.sha256(b"weights").hexdigest()
    _upload(team, run, "plots/roc.png", b"png")
    _upload(team, run, "plots/pr.png", b"png")
    listing = team.client("viewer").get(f"{RUNS}{run.run_id}/artifacts/").json()
    assert [a["path"] for a in listing["results"]] == ["model/model.skops", "plots/pr.png", "plots/roc.png"]
    plots = team.client("viewer").get(f"{RUNS}{run.run_id}/artifacts/", {"path": "plots/"}).json()
    assert [a["path"] for a in plots["results"]] == ["plots/pr.png", "plots/roc.png"]
    download = team.client("viewer").get(f"{RUNS}{run.run_id}/artifacts/download", {"path": "model/model.skops"})
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"weights"
    assert download["Content-Length"] == "7"
    assert download["ETag"] == f'"{hashlib.sha256(b"weights").hexdigest()}"'
    assert download["Content-Disposition"] == 'attachment; filename="model.skops"'
    assert team.client("viewer").get(f"{RUNS}{run.run_id}/").json()["artifact_count"] == 3


def test_api_upload_roles(team, run):
    assert _upload(team, run, "a.txt", role="viewer").status_code == 403
    assert _upload(team, run, "a.txt", role="editor").status_code == 201
    assert _upload(team, run, "a.txt", role="outsider").status_code == 404


@pytest.mark.parametrize("path", ["../x", "%2e%2e/x", "/etc/passwd", "a\\b", "a\x00b", "a/../../b"])
def test_api_upload_refuses_traversal(team, run, tmp_path, path):
    response = _upload(team, run, path)
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["field"] == "path"
    assert _files(tmp_path) == set()
    assert not (tmp_path.parent / "x").exists()


@pytest.mark.parametrize(
    "query", ["path=../x", "path=%2e%2e/x", "path=%252e%252e/x", "path=/etc/passwd", "path=a%5Cb", "path=a%00b"]
)
def test_api_download_and_list_refuse_traversal(team, run, query):
    for endpoint in ("artifacts/download", "artifacts/"):
        response = team.client("viewer").get(f"{RUNS}{run.run_id}/{endpoint}?{query}")
        assert response.status_code == 400, (endpoint, query, response.json())
        assert response.json()["errors"][0]["field"] == "path"


def test_api_download_of_a_missing_artifact_is_404(team, run):
    response = team.client("viewer").get(f"{RUNS}{run.run_id}/artifacts/download", {"path": "nope.txt"})
    assert response.status_code == 404


def test_api_upload_over_the_limit_is_413(team, run, settings):
    settings.KEEL_MAX_UPLOAD_BYTES = 1024
    response = _upload(team, run, "big.bin", b"x" * 2048)
    assert response.status_code == 413 and response.json()["errors"][0]["field"] == "file"
    assert not RunArtifact.objects.exists()


def test_api_upload_conflict_is_409(team, run):
    assert _upload(team, run, "a.txt", b"one").status_code == 201
    assert _upload(team, run, "a.txt", b"one").status_code == 201
    assert _upload(team, run, "a.txt", b"two").status_code == 409
