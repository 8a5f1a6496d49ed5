"""docker-compose.yml and the Dockerfile: no engine runs here, so check structure and wiring."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_the_services(compose):
    assert set(compose["services"]) == {"web", "worker", "worker-training", "beat", "postgres", "redis"}


def test_every_service_has_a_healthcheck_or_depends_on_healthy(compose):
    services = compose["services"]
    for name in ("web", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "worker-training", "beat"):
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"


def test_workers_consume_the_right_queues(compose):
    worker = " ".join(compose["services"]["worker"]["command"])
    training = " ".join(compose["services"]["worker-training"]["command"])
    beat = " ".join(compose["services"]["beat"]["command"])
    assert "-Q default,monitoring" in worker
    assert "-Q training" in training and "--prefetch-multiplier 1" in training
    assert "--pool solo" in training  # joblib cannot start its process pool in a prefork child
    assert "DatabaseScheduler" in beat
    assert "gunicorn" in " ".join(compose["services"]["web"]["command"])


def test_volumes_persist_state(compose):
    assert {"pgdata", "artifacts"} <= set(compose["volumes"])


def test_dockerfile_runs_as_non_root_on_a_pinned_base():
    text = (ROOT / "Dockerfile").read_text()
    base = next(line for line in text.splitlines() if line.startswith("FROM "))
    assert "@sha256:" in base or any(ch.isdigit() for ch in base.split(":")[-1])
    assert "\nUSER keel" in text
    assert "uv sync --frozen" in text


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_parses_when_the_client_has_compose():
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip("docker client without the compose plugin")
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SECRET_KEY": "x" * 60, "KEEL_AUDIT_SIGNING_KEY": "a" * 40},
    )
    assert result.returncode == 0, result.stderr
