"""Acceptance: NVIDIA's tritonclient (HTTP) against a live Keel under gunicorn, Postgres and Redis.

Everything on the wire is built and read by the client library: health, model metadata and readiness, inference
with one tensor per feature (JSON) and with one 2-D FP64 tensor (the client's default binary encoding), outputs
equal to Keel's own predict endpoint, prediction ids accepted by Keel's feedback endpoint, a prediction-log row
per row, sticky A/B routing by routing key, and errors raised as InferenceServerException with the server's message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import tritonclient.http as httpclient
from django.conf import settings
from django.db import connection
from tritonclient.utils import InferenceServerException

from core import services as core_services
from core.models import User
from serving import services
from serving.models import Feedback, PredictionLog
from tests.integration.conftest import worker_env
from tests.integration.test_serving_processes import ROOT, approved, free_port
from tests.registry.models_helpers import cancer_frame

pytestmark = [pytest.mark.integration, pytest.mark.timeout(480)]


@dataclass
class Server:
    """One gunicorn worker on a free loopback port (a generous timeout: the test machine may be busy)."""

    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> None:
        env = worker_env() | {"DJANGO_SECURE_SSL_REDIRECT": "false", "KEEL_THROTTLE_USER": "1000000/s"}
        log = open(ROOT / "test-artifacts" / f"gunicorn-oip-{time.time_ns()}.log", "ab")  # noqa: SIM115
        command = ["gunicorn", "config.wsgi:application", "-w", "1", "--timeout", "180", "-b", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/v2/health/live", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise TimeoutError("gunicorn did not answer /v2/health/live")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


@dataclass
class Setup:
    slug: str
    predictor: str  # a service account's token of the project
    stranger: str  # a service account's token of another project
    frame: Any  # feature rows


@pytest.fixture
def live(transactional_db) -> Iterator[tuple[Server, Setup]]:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs Postgres (DATABASE_URL) and Redis (REDIS_URL)")
    user = User.objects.create_user(username="ops", password=uuid.uuid4().hex)
    project = core_services.project_create(user=user, slug="oip", name="OIP")
    other = core_services.project_create(user=user, slug="elsewhere", name="Elsewhere")
    v1, v2 = approved(project, user), approved(project, user, c=0.05)
    services.deployment_create(project=project, user=user, name="api", version=v1)
    ab = services.deployment_create(project=project, user=user, name="ab", version=v1)
    specs = [services.VariantSpec("a", v1, 50.0), services.VariantSpec("b", v2, 50.0)]
    services.deploy_ab_test(deployment=ab, user=user, variants=specs)
    predictor = core_services.service_account_create(project=project, actor=user, name="app").secret
    stranger = core_services.service_account_create(project=other, actor=user, name="app").secret
    frame = cancer_frame().drop(columns=["target"])
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    server = Server(port=free_port())
    try:
        server.start()
        yield server, Setup(project.slug, predictor, stranger, frame)
    finally:
        server.stop()


def keel(server: Server, setup: Setup, suffix: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Keel's own REST API, for comparison."""
    request = urllib.request.Request(
        f"{server.base}/api/v1/projects/{setup.slug}/deployments/api/{suffix}",
        method="POST",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {setup.predictor}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def per_feature(frame: Any) -> list[httpclient.InferInput]:
    inputs = []
    for name in frame.columns:
        tensor = httpclient.InferInput(name, [len(frame)], "FP64")
        tensor.set_data_from_numpy(frame[name].to_numpy(dtype=np.float64), binary_data=False)
        inputs.append(tensor)
    return inputs


def matrix(frame: Any) -> list[httpclient.InferInput]:
    values = frame.to_numpy(dtype=np.float64)
    tensor = httpclient.InferInput("input", list(values.shape), "FP64")
    tensor.set_data_from_numpy(values)  # the client's default: binary data
    return [tensor]


def test_tritonclient_against_a_live_keel(live):
    server, setup = live
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{server.port}", connection_timeout=30)

    def auth() -> dict[str, str]:  # a fresh dict per call: the client adds Inference-Header-Content-Length to it
        return {"Authorization": f"Bearer {setup.predictor}"}

    try:
        assert client.is_server_live() and client.is_server_ready()
        metadata = client.get_model_metadata("api", headers=auth())
        assert metadata["name"] == "api" and metadata["versions"] == ["1"]
        assert [i["name"] for i in metadata["inputs"]] == list(setup.frame.columns)
        assert [o["name"] for o in metadata["outputs"]] == ["predictions", "probabilities", "prediction_ids"]
        assert client.is_model_ready("api", headers=auth()) and client.is_model_ready("api", "1", headers=auth())
        assert not client.is_model_ready("nope", headers=auth())

        rows = setup.frame.iloc[:5]
        status, expected = keel(server, setup, "predict/", {"inputs": rows.to_dict(orient="records")})
        assert status == 200, expected
        json_outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in metadata_outputs(metadata)]
        for inputs, outputs in ((per_feature(rows), json_outputs), (matrix(rows), None)):
            answer = client.infer("api", inputs, outputs=outputs, headers=auth())
            assert answer.as_numpy("predictions").tolist() == expected["predictions"]
            assert answer.as_numpy("probabilities").tolist() == expected["probabilities"]
            ids = [i.decode() if isinstance(i, bytes) else str(i) for i in answer.as_numpy("prediction_ids")]
            request_id = answer.get_response()["parameters"]["request_id"]
            assert sorted(
                PredictionLog.objects.filter(request_id=request_id).values_list("prediction_id", flat=True)
            ) == sorted(uuid.UUID(i) for i in ids)  # a prediction-log row per row
        truth = [{"prediction_id": i, "value": 1} for i in ids]
        assert keel(server, setup, "feedback/", {"items": truth}) == (201, {"recorded": 5})
        assert Feedback.objects.filter(prediction_id__in=ids).count() == 5

        assigned: dict[str, set[str]] = {}
        for i in range(24):
            key = f"customer-{i % 6}"
            answer = client.infer(
                "ab", matrix(setup.frame.iloc[i : i + 1]), parameters={"routing_key": key}, headers=auth()
            )
            assigned.setdefault(key, set()).add(answer.get_response()["parameters"]["variant"])
        assert all(len(v) == 1 for v in assigned.values()), assigned  # sticky
        assert set().union(*assigned.values()) == {"a", "b"}

        with pytest.raises(InferenceServerException) as stranger:
            client.infer("api", matrix(rows), headers={"Authorization": f"Bearer {setup.stranger}"})
        assert stranger.value.status() == "404" and "'api' not found" in stranger.value.message()
        with pytest.raises(InferenceServerException) as anonymous:
            client.infer("api", matrix(rows))
        assert anonymous.value.status() == "401"
        bad = httpclient.InferInput("mean_radius", [5], "BYTES")
        bad.set_data_from_numpy(np.array(["x"] * 5, dtype=np.object_), binary_data=False)
        with pytest.raises(InferenceServerException) as malformed:
            client.infer("api", [bad, *per_feature(rows)[1:]], headers=auth())
        assert malformed.value.status() == "400"
        assert "input tensor 'mean_radius' row 0: must be a number" in malformed.value.message()
    finally:
        client.close()


def metadata_outputs(metadata: dict[str, Any]) -> list[str]:
    return [o["name"] for o in metadata["outputs"]]
