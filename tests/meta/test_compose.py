"""docker-compose.yml and the Dockerfile: no engine runs here, so check structure and wiring."""

from __future__ import annotations

import math
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
UPLOAD_DEFAULT = "${KEEL_MAX_UPLOAD_BYTES:-536870912}"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_the_services(compose):
    assert set(compose["services"]) == {"nginx", "web", "worker", "worker-training", "beat", "postgres", "redis"}


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


def test_only_the_proxy_publishes_a_port(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"nginx"}
    assert compose["services"]["nginx"]["ports"] == ["8000:80"]
    assert compose["services"]["web"]["expose"] == ["8000"]


def test_the_proxy_runs_the_shipped_template_in_front_of_a_healthy_web(compose):
    nginx = compose["services"]["nginx"]
    image, tag = nginx["image"].split(":")
    assert image == "nginx" and re.match(r"\d+\.\d+\.\d+-", tag), tag  # pinned, Debian-based
    assert nginx["volumes"] == [
        "./deploy/nginx/default.conf.template:/etc/nginx/templates/default.conf.template:ro"
    ]  # replaces the image's own default.conf (its welcome page), rendered with envsubst at start
    assert (ROOT / nginx["volumes"][0].split(":")[0]).is_file()
    assert nginx["environment"]["KEEL_UPSTREAM"] == "web:8000"
    web = " ".join(compose["services"]["web"]["command"])
    assert "gunicorn -c config/gunicorn.conf.py " in web  # which binds 0.0.0.0:8000 unless KEEL_BIND says otherwise
    assert "KEEL_BIND" not in compose["x-keel"]["environment"]
    assert runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["bind"] == "0.0.0.0:8000"
    assert nginx["depends_on"] == {"web": {"condition": "service_healthy"}}
    # per-address limits read the address nginx writes (the web service is reachable only through it)
    assert compose["x-keel"]["environment"]["KEEL_CLIENT_IP_HEADER"] == "${KEEL_CLIENT_IP_HEADER:-X-Real-IP}"


def test_the_proxy_body_limit_is_the_application_upload_limit(compose):
    assert compose["services"]["nginx"]["environment"]["KEEL_MAX_UPLOAD_BYTES"] == UPLOAD_DEFAULT
    assert compose["x-keel"]["environment"]["KEEL_MAX_UPLOAD_BYTES"] == UPLOAD_DEFAULT
    settings_text = (ROOT / "config" / "settings.py").read_text()
    factors = re.search(r'env\.int\("KEEL_MAX_UPLOAD_BYTES", ([\d\s*]+),', settings_text)
    assert factors, "KEEL_MAX_UPLOAD_BYTES is no longer read in settings.py"
    assert int(UPLOAD_DEFAULT[len("${KEEL_MAX_UPLOAD_BYTES:-") : -1]) == math.prod(
        int(f) for f in factors.group(1).split("*")
    )  # the same default as settings.py
    assert re.search(r"^\s*client_max_body_size \$\{KEEL_MAX_UPLOAD_BYTES\};", NGINX_TEMPLATE.read_text(), re.M)


def _directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.endswith(";"):
            name, _, value = line[:-1].partition(" ")
            found.setdefault(name, []).append(value.strip())
    return found


def test_the_proxy_buffers_requests_and_bounds_slow_clients():
    d = _directives(NGINX_TEMPLATE.read_text())
    assert d["proxy_request_buffering"] == ["on"] and d["proxy_buffering"] == ["on"]
    for timeout in ("client_header_timeout", "client_body_timeout", "send_timeout", "keepalive_timeout"):
        (value,) = d[timeout]
        assert value.endswith("s") and 1 <= int(value[:-1]) <= 60, (timeout, value)
    assert d["proxy_pass"] == ["http://keel"] and d["server"] == ["${KEEL_UPSTREAM}"]
    headers = dict(v.split(" ", 1) for v in d["proxy_set_header"])
    assert headers["Host"] == "$http_host"
    assert headers["X-Real-IP"] == "$remote_addr"  # set by nginx, never the client's
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$keel_forwarded_proto"
    assert d["server_tokens"] == ["off"]
