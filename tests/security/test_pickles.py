"""No pickle is ever unpickled by the server, whoever sends it and however it is labelled.

A malicious pickle whose ``__reduce__`` calls ``os.system`` to create a marker file is sent by a project maintainer
(after trying to switch any pickle setting on) through the REST upload, the MLflow REST registry and the real
``mlflow`` client: every path answers 4xx with the next step (convert it on your own machine with
``keel models upload``), the marker never appears, and no blob, version or model row is left behind. skops files
naming ``posix.system`` or ``builtins.eval`` are refused by the trusted-type allow-list.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import cloudpickle
import joblib
import mlflow
import pytest
import skops.io as sio
import yaml
from django.conf import settings
from mlflow.exceptions import MlflowException
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from core.models import Project
from registry.models import ModelVersion, RegisteredModel
from tests.conftest import make_team
from tests.interop.test_mlflow_acceptance import keel_server, tracking  # noqa: F401 - fixtures
from tests.registry.models_helpers import trained

M = "/api/2.0/mlflow/"
A = "/api/2.0/mlflow-artifacts/artifacts/"
NEXT_STEP = "keel models upload"


class _Evil:
    """Unpickling this runs ``os.system`` (pickled as ``posix.system``), which creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def _payloads(marker: Path) -> dict[str, bytes]:
    """The same malicious object in every pickle dialect a notebook produces."""
    evil = _Evil(marker)
    out = {f"pickle-protocol-{p}": pickle.dumps(evil, protocol=p) for p in range(pickle.HIGHEST_PROTOCOL + 1)}
    out["cloudpickle"] = cloudpickle.dumps(evil)
    for compress in (0, 3, ("gzip", 3), ("bz2", 3), ("xz", 3), ("lzma", 3)):
        buffer = io.BytesIO()
        joblib.dump(evil, buffer, compress=compress)
        out[f"joblib-{compress}"] = buffer.getvalue()
    return out


def _files() -> set[Path]:
    root = Path(settings.ARTIFACT_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _nothing_left(project: Project, marker: Path, files_before: set[Path]) -> None:
    assert not marker.exists(), "the pickle ran on the server"
    assert not ModelVersion.objects.filter(registered_model__project=project).exists()
    assert not RegisteredModel.objects.filter(project=project).exists()
    assert _files() == files_before, "a file was left in the artifact storage"


def _try_to_enable_pickles(team) -> None:
    """Every project-level way a maintainer (or owner) could try to switch pickles on: none exists."""
    slug = team.project.slug
    for role in ("maintainer", "owner"):
        patched = team.client(role).patch(f"/api/v1/projects/{slug}/", {"allow_pickle_models": True}, format="json")
        assert patched.status_code == 400, patched.content
        assert patched.json()["errors"][0]["field"] == "allow_pickle_models"
        assert NEXT_STEP in patched.json()["errors"][0]["message"]
    document = {"apiVersion": "keel/v1", "project": {"slug": slug, "allow_pickle_models": True}}
    applied = team.client("owner").post("/api/v1/config/apply", {"document": document}, format="json")
    assert applied.status_code == 400, applied.content
    assert applied.json()["errors"][0]["field"] == "project.allow_pickle_models"
    shown = team.client("owner").get(f"/api/v1/projects/{slug}/").json()
    assert "allow_pickle_models" not in shown
    exported = team.client("owner").get(f"/api/v1/projects/{slug}/config/export").json()
    assert "allow_pickle_models" not in json.dumps(exported)


@pytest.mark.django_db
def test_a_maintainers_malicious_pickle_is_refused_by_the_upload_api_and_never_runs(team, tmp_path):
    _try_to_enable_pickles(team)
    marker = tmp_path / "pwned"
    example = json.dumps(trained().input_example)
    maintainer = team.client("maintainer")
    url = f"/api/v1/projects/{team.project.slug}/models/evil/versions/upload/"
    before = _files()
    for name, payload in _payloads(marker).items():
        # declared as what it is, as skops, or not at all; named .pkl/.joblib or disguised as .skops
        for fmt, filename in (("pickle", "m.pkl"), ("joblib", "m.joblib"), ("skops", "m.skops"), (None, "model")):
            body = {"file": io.BytesIO(payload), "input_example": example}
            body["file"].name = filename  # type: ignore[attr-defined]
            if fmt:
                body["format"] = fmt
            response = maintainer.post(url, body, format="multipart")
            assert 400 <= response.status_code < 500, (name, fmt, response.status_code)
            detail = response.json()["detail"]
            assert NEXT_STEP in detail and "skops" in detail, (name, fmt, detail)
    _nothing_left(team.project, marker, before)


@pytest.mark.django_db
@pytest.mark.parametrize("dangerous", [os.system, eval], ids=["posix.system", "builtins.eval"])
def test_skops_files_naming_dangerous_callables_are_refused(team, dangerous):
    data = sio.dumps(Pipeline([("step", FunctionTransformer(dangerous))]), compression=zipfile.ZIP_DEFLATED)
    url = f"/api/v1/projects/{team.project.slug}/models/evil/versions/upload/"
    before = _files()
    body = {"file": io.BytesIO(data), "format": "skops", "input_example": json.dumps([{"a": 1.0}])}
    response = team.client("maintainer").post(url, body, format="multipart")
    assert response.status_code == 400, response.content
    expected = "posix.system" if dangerous is os.system else "builtins.eval"
    assert response.json()["errors"][0]["code"] == "untrusted_types" and expected in response.json()["detail"]
    assert not ModelVersion.objects.exists() and _files() == before


# --- the MLflow registry path ----------------------------------------------------------------------------------------


def _mlflow_folder(client, files: dict[str, bytes]) -> str:
    """A run holding ``files`` under model/ (uploaded through the MLflow artifact proxy); returns its run id."""
    experiment = client.post(M + "experiments/create", {"name": "evil"}, format="json").json()["experiment_id"]
    created = client.post(M + "runs/create", {"experiment_id": experiment, "start_time": 1}, format="json")
    run_id = created.json()["run"]["info"]["run_id"]
    for name, data in files.items():
        put = client.put(f"{A}{experiment}/{run_id}/artifacts/model/{name}", data, content_type="application/x")
        assert put.status_code == 200, put.content
    return run_id


def _mlmodel(model_file: str, serialization: str) -> bytes:
    flavor = {"pickled_model": model_file, "serialization_format": serialization, "sklearn_version": "1.9.1"}
    mlmodel = {
        "flavors": {
            "sklearn": flavor,
            "python_function": {"loader_module": "mlflow.sklearn", "model_path": model_file},
        },
        "saved_input_example_info": {"artifact_path": "input_example.json", "type": "dataframe"},
    }
    return yaml.safe_dump(mlmodel).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("serialization", "model_file"),
    [("pickle", "model.pkl"), ("cloudpickle", "model.pkl"), ("skops", "model.skops")],
    ids=["pickle", "cloudpickle", "pickle-labelled-skops"],
)
def test_a_malicious_pickle_in_an_mlflow_model_is_refused_by_the_mlflow_registry(
    team, tmp_path, serialization, model_file
):
    marker = tmp_path / "pwned"
    maintainer = team.client("maintainer")
    example = {"columns": ["a"], "data": [[1.0]]}
    payload = pickle.dumps(_Evil(marker))
    run_id = _mlflow_folder(
        maintainer,
        {
            "MLmodel": _mlmodel(model_file, serialization),
            model_file: payload,
            "input_example.json": json.dumps(example).encode(),
        },
    )
    before = _files()
    response = maintainer.post(
        M + "model-versions/create", {"name": "evil", "source": f"runs:/{run_id}/model"}, format="json"
    )
    assert response.status_code == 400 and response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    message = response.json()["message"]
    assert 'serialization_format="skops"' in message and NEXT_STEP in message, message
    _nothing_left(team.project, marker, before)


@pytest.mark.django_db(transaction=True)
def test_the_mlflow_client_cannot_register_a_malicious_pickle(tracking, tmp_path):  # noqa: F811 - fixture
    team = make_team("mlflow-evil")
    tracking(team.users["maintainer"])
    marker = tmp_path / "pwned"
    mlflow.set_experiment("evil")
    with mlflow.start_run(), pytest.raises(MlflowException) as refused:
        mlflow.sklearn.log_model(
            _Evil(marker),
            name="model",
            serialization_format="cloudpickle",
            pip_requirements=["scikit-learn"],  # no requirement inference: it would load the model on this side
            registered_model_name="evil",
        )
    assert refused.value.error_code == "INVALID_PARAMETER_VALUE"
    assert 'serialization_format="skops"' in refused.value.message and NEXT_STEP in refused.value.message
    assert not marker.exists(), "the pickle ran on the server"
    # the client created the registered model itself, before asking for the version: nothing else was made
    assert not ModelVersion.objects.filter(registered_model__project=team.project).exists()
    model_files = {p.name for p in _files()}
    stored = {a.sha256 for a in team.project.experiments.get(name="evil").runs.get().artifacts.all()}
    assert model_files == stored, "a blob other than the run's own files was stored"
