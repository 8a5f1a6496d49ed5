"""Serving bundles: deterministic archive, contents, and serve.py answering over HTTP in a clean subprocess."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import sysconfig
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_limits

from registry.exports.bundle import BundleError, build_bundle, current_requirements, vendored_source
from registry.model_io import save_pipeline
from training.trainers import infer_kinds, train, validate_spec
from training.trainers.pipeline import to_category_strings

BUNDLE_FILES = {
    "Dockerfile",
    "README.md",
    "metadata.json",
    "model/input_example.json",
    "model/model.skops",
    "model/signature.json",
    "model/trusted_types.json",
    "requirements.txt",
    "serve.py",
    "training/__init__.py",
    "training/trainers/__init__.py",
    "training/trainers/pipeline.py",
}


@pytest.fixture(autouse=True, scope="module")
def _one_native_thread():
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def trained():
    """Logistic regression on six breast cancer features and a one-hot colour with missing values."""
    frame = load_breast_cancer(as_frame=True).frame
    frame = frame[[*frame.columns[:6], "target"]].copy()
    rng = np.random.default_rng(1)
    frame["colour"] = np.where(frame["target"] == 1, rng.choice(["red", "blue"], len(frame)), "green")
    frame.loc[::9, "colour"] = None
    roles = {name: "target" if name == "target" else "feature" for name in frame.columns}
    spec, errors = validate_spec(
        {"estimator": "logistic_regression", "cv_folds": 2, "n_jobs": 1},
        task_type="classification",
        columns=infer_kinds(frame),
        roles=roles,
        n_rows=len(frame),
        class_counts=frame["target"].value_counts().to_dict(),
    )
    assert errors == []
    return train(frame, spec, task_type="classification")


@pytest.fixture(scope="module")
def model_bytes(trained) -> bytes:
    return save_pipeline(trained.pipeline)  # skops zips carry the save time: save once, build many


def _build(trained, model: bytes, **overrides) -> bytes:
    arguments = {
        "model_bytes": model,
        "model_format": "skops",
        "signature": trained.signature,
        "input_example": trained.input_example,
        "metadata": {"name": "cancer", "version": 4, "run_id": "r-1"},
        "requirements": current_requirements(),
    } | overrides
    return build_bundle(**arguments)


@pytest.fixture(scope="module")
def bundle(trained, model_bytes) -> bytes:
    return _build(trained, model_bytes)


@pytest.fixture(scope="module")
def extracted(bundle, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundle")
    with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
        tar.extractall(root, filter="data")
    return root


def test_build_bundle_is_deterministic(trained, model_bytes, bundle):
    assert _build(trained, model_bytes) == bundle
    with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
        members = tar.getmembers()
    names = [member.name for member in members]
    assert names == sorted(names)
    assert {member.name for member in members if member.isfile()} == BUNDLE_FILES
    assert {(member.mtime, member.uid, member.gid, member.uname) for member in members} == {(946_684_800, 0, 0, "")}


def test_build_bundle_pins_requirements_and_describes_the_model(trained, extracted):
    requirements = (extracted / "requirements.txt").read_text().splitlines()
    pins = [line for line in requirements if not line.startswith("#")]
    assert pins == [f"{name}=={version}" for name, version in sorted(current_requirements().items())]
    metadata = json.loads((extracted / "metadata.json").read_text())
    assert metadata["name"] == "cancer" and metadata["bundle"]["model_path"] == "model/model.skops"
    assert json.loads((extracted / "model/signature.json").read_text()) == trained.signature
    assert json.loads((extracted / "model/input_example.json").read_text()) == trained.input_example
    model = (extracted / "model/model.skops").read_bytes()
    trusted = json.loads((extracted / "model/trusted_types.json").read_text())
    assert trusted == sorted(sio.get_untrusted_types(data=model))
    assert "training.trainers.pipeline.to_category_strings" in trusted


def test_build_bundle_dockerfile_and_readme(extracted):
    dockerfile = (extracted / "Dockerfile").read_text()
    assert f"FROM python:{sys.version.split()[0]}-slim-bookworm" in dockerfile
    for line in ("USER keel", "EXPOSE 8080", "RUN pip install --no-cache-dir -r requirements.txt"):
        assert line in dockerfile
    assert 'CMD ["python", "serve.py"]' in dockerfile and "HEALTHCHECK" in dockerfile
    readme = (extracted / "README.md").read_text()
    assert readme.startswith("# cancer 4") and "`mean radius` | numeric" in readme and "{{" not in readme


def test_vendored_module_is_only_what_the_model_needs_and_behaves_the_same(extracted):
    source = (extracted / "training/trainers/pipeline.py").read_text()
    assert "def to_category_strings" in source and "def _category_text" in source
    assert "sklearn" not in source and "def build_pipeline" not in source and "datetime_parts" not in source
    namespace: dict = {}
    exec(compile(source, "vendored", "exec"), namespace)  # noqa: S102
    values = np.asarray([["red", 1.0, None], [2, True, np.nan]], dtype=object)
    assert namespace["to_category_strings"](values).tolist() == to_category_strings(values).tolist()
    datetime_source = vendored_source("training.trainers.pipeline", ["datetime_parts"])
    assert "DATETIME_PARTS = " in datetime_source and "to_category_strings" not in datetime_source


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"requirements": {"numpy": "2.0"}}, "requirements lack versions for: pandas, scikit-learn, scipy, skops"),
        ({"requirements": current_requirements() | {"pip": "1; rm -rf /"}}, "invalid requirement 'pip'"),
        ({"metadata": {"bundle": 1}}, 'metadata key "bundle" is reserved'),
        ({"model_format": "pickle"}, "only skops models can be bundled"),
        ({"model_bytes": b"not a zip"}, "not a readable skops file"),
        ({"python_version": "latest"}, "python_version must look like 3.11.7"),
    ],
)
def test_build_bundle_refuses_bad_inputs(trained, model_bytes, overrides, message):
    with pytest.raises(BundleError, match=message):
        _build(trained, model_bytes, **overrides)


def test_build_bundle_refuses_untrusted_types(trained):
    pipeline = Pipeline([("dump", FunctionTransformer(json.dumps)), ("model", LogisticRegression())])
    untrusted = sio.dumps(pipeline, compression=zipfile.ZIP_DEFLATED)
    with pytest.raises(BundleError, match=r"outside the trusted allow-list: json\.dumps"):
        _build(trained, untrusted)


# --- serve.py in a subprocess -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(extracted, tmp_path_factory):
    """serve.py with this interpreter, seeing only the bundle and site-packages, on a port the OS picks."""
    log = (tmp_path_factory.mktemp("server") / "stderr.log").open("w")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": _pythonpath(extracted)}
    command = [sys.executable, "-s", "serve.py", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(command, cwd=extracted, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = process.stdout.readline()  # "serving on http://127.0.0.1:<port>" once the model is loaded
        assert line.startswith("serving on "), Path(log.name).read_text()
        url = line.split()[-1]
        assert _get(f"{url}/health")["status"] == "ok"
        yield url
    finally:
        process.terminate()
        returncode = process.wait(timeout=10)
        log.close()
    assert returncode == 0


def _pythonpath(root: Path) -> str:
    return os.pathsep.join([str(root), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_serve_predicts_like_the_pipeline(server, trained):
    status, body = _post(f"{server}/predict", json.dumps({"inputs": trained.input_example}).encode())
    frame = pd.DataFrame(trained.input_example)
    assert status == 200
    assert body["predictions"] == trained.pipeline.predict(frame).tolist()
    assert np.allclose(body["probabilities"], trained.pipeline.predict_proba(frame), rtol=0, atol=1e-12)
    assert body["classes"] == [0, 1]


def test_serve_imputes_missing_values_and_ignores_unknown_categories(server, trained):
    row = {name: None for name in trained.input_example[0]} | {"colour": "purple"}
    status, body = _post(f"{server}/predict", json.dumps({"inputs": [row]}).encode())
    assert status == 200
    assert body["predictions"] == trained.pipeline.predict(pd.DataFrame([row])).tolist()


def test_serve_rejects_rows_that_do_not_match_the_signature(server, trained):
    row = {key: value for key, value in trained.input_example[0].items() if key != "colour"}
    payload = {"inputs": [row | {"shade": "red", "mean radius": "big"}]}
    status, body = _post(f"{server}/predict", json.dumps(payload).encode())
    assert status == 400 and body["status"] == 400 and body["title"] == "Bad Request"
    assert {(error["field"], error["code"]) for error in body["errors"]} == {
        ("inputs[0].colour", "required"),
        ("inputs[0].shade", "unknown_feature"),
        ("inputs[0].mean radius", "invalid_type"),
    }


@pytest.mark.parametrize("body", [b"not json", b'{"rows": []}', b'{"inputs": []}', b'{"inputs": [{"x": NaN}]}'])
def test_serve_rejects_malformed_bodies(server, body):
    status, problem = _post(f"{server}/predict", body)
    assert status == 400 and problem["detail"]


def test_serve_uses_the_vendored_module_and_answers_404_elsewhere(server, extracted, trained):
    assert _get(f"{server}/signature") == trained.signature
    status, problem = _post(f"{server}/other", b"{}")
    assert status == 404 and problem["status"] == 404
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": _pythonpath(extracted)}
    probe = "import training.trainers.pipeline as module; print(module.__file__)"
    found = subprocess.run(
        [sys.executable, "-s", "-c", probe], cwd=extracted, env=env, capture_output=True, text=True, check=True
    )
    assert Path(found.stdout.strip()) == extracted / "training/trainers/pipeline.py"


def test_serve_check_is_the_docker_healthcheck(server, extracted):
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": _pythonpath(extracted)}
    port = server.rsplit(":", 1)[1]
    command = [sys.executable, "-s", "serve.py", "--check"]
    assert subprocess.run(command, cwd=extracted, env=env | {"PORT": port}, check=False).returncode == 0
    with socket.socket() as unused:  # bound but not listening: the probe is refused
        unused.bind(("127.0.0.1", 0))
        closed = str(unused.getsockname()[1])
        assert subprocess.run(command, cwd=extracted, env=env | {"PORT": closed}, check=False).returncode == 1
