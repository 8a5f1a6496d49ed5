from __future__ import annotations

import io
import tarfile

import pytest

from registry.models import ModelVersion
from tests.registry.models_helpers import make_version

pytestmark = pytest.mark.django_db


def _base(team, n=1):
    return f"/api/v1/projects/{team.project.slug}/models/cancer/versions/{n}/"


def test_onnx_export_stores_parity_and_downloads(team):
    make_version(team.project, team.users["editor"])
    client = team.client("editor")
    assert client.get(_base(team) + "export/onnx/").status_code == 404
    built = client.post(_base(team) + "export/onnx/build/")
    assert built.status_code == 200, built.content
    parity = built.json()["parity"]
    assert parity["passed"] is True and parity["label_agreement"] == 1.0 and parity["max_abs_diff"] <= 1e-4
    version = ModelVersion.objects.get()
    assert version.onnx_sha256 == built.json()["sha256"]
    download = client.get(_base(team) + "export/onnx/")
    assert download.status_code == 200 and len(download.content) == built.json()["size"]


def test_failed_parity_blocks_download_without_force(team):
    make_version(team.project, team.users["editor"])
    team.client("editor").post(_base(team) + "export/onnx/build/")
    ModelVersion.objects.update(onnx_parity={"passed": False, "detail": "max diff 0.05"})
    assert team.client("viewer").get(_base(team) + "export/onnx/").status_code == 409
    assert team.client("viewer").get(_base(team) + "export/onnx/", {"force": "true"}).status_code == 200


def test_container_bundle_holds_model_requirements_server_and_dockerfile(team):
    make_version(team.project, team.users["editor"])
    response = team.client("viewer").get(_base(team) + "export/bundle/")
    assert response.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        names = set(archive.getnames())
    assert {"model/model.skops", "requirements.txt", "serve.py", "Dockerfile", "metadata.json"} <= names
