"""deploy/k8s: every manifest validates against the Kubernetes schemas (bundled with kubernetes-validate, so this
runs offline), and the structure is what running Keel needs: probes, one beat, every queue consumed, non-root."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.fixture(scope="module")
def kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


@pytest.fixture(scope="module")
def resources(kustomization) -> list[dict]:
    return [doc for name in kustomization["resources"] for doc in _documents(K8S / name)]


def _of(resources: list[dict], kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def _pod_specs(resources: list[dict]) -> dict[str, dict]:
    return {
        r["metadata"]["name"]: r["spec"]["template"]["spec"] for r in resources if r["kind"] in ("Deployment", "Job")
    }


def test_the_kustomization_lists_every_manifest_but_the_examples(kustomization):
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml") if not p.name.endswith(".example.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    assert [image["name"] for image in kustomization["images"]] == ["keel"]


@pytest.mark.parametrize("path", sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"))
def test_every_manifest_validates_against_the_kubernetes_schema(path):
    for document in _documents(K8S / path):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_broken_manifest():
    broken = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {"replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_deployment_has_liveness_and_readiness_probes(resources):
    for name, deployment in _of(resources, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "livenessProbe" in container and "readinessProbe" in container, name


def test_web_probes_livez_and_readyz_behind_a_service_and_a_cpu_autoscaler(resources):
    web = _of(resources, "Deployment")["keel-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert "gunicorn" in web["command"] and "--config=config/gunicorn.conf.py" in web["command"]
    service = _of(resources, "Service")["keel-web"]
    labels = _of(resources, "Deployment")["keel-web"]["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    hpa = _of(resources, "HorizontalPodAutoscaler")["keel-web"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "keel-web"}
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert hpa["spec"]["minReplicas"] >= 2


def test_beat_is_a_single_replica_that_is_never_doubled(resources):
    beats = [
        d
        for d in _of(resources, "Deployment").values()
        if "beat" in d["spec"]["template"]["spec"]["containers"][0].get("args", [])
    ]
    assert len(beats) == 1
    assert beats[0]["spec"]["replicas"] == 1
    assert beats[0]["spec"]["strategy"]["type"] == "Recreate"
    assert (
        "--scheduler=django_celery_beat.schedulers:DatabaseScheduler"
        in beats[0]["spec"]["template"]["spec"]["containers"][0]["args"]
    )
    assert not [h for h in _of(resources, "HorizontalPodAutoscaler").values() if "beat" in h["metadata"]["name"]]


def test_one_worker_deployment_per_celery_queue(resources):
    consumed: list[str] = []
    for deployment in _of(resources, "Deployment").values():
        args = deployment["spec"]["template"]["spec"]["containers"][0].get("args", [])
        if "worker" in args:
            queues = next(a.split("=", 1)[1] for a in args if a.startswith("--queues="))
            consumed.extend(queues.split(","))
    assert sorted(consumed) == sorted(q.name for q in celery_app.conf.task_queues)


def test_migrations_run_in_a_job(resources):
    job = _of(resources, "Job")["keel-migrate"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_pods_run_non_root_with_resources_and_the_shared_configuration(resources):
    for name, spec in _pod_specs(resources).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        for container in spec["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name
            refs = [next(iter(ref.values()))["name"] for ref in container["envFrom"]]
            assert refs == ["keel-config", "keel-secrets"], name


def _env_example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#") and "=" in line}


def test_configuration_names_are_real_settings(resources):
    names = _env_example_names()
    config = _of(resources, "ConfigMap")["keel-config"]["data"]
    assert set(config) <= names, set(config) - names
    secret = _documents(K8S / "secret.example.yaml")[0]["stringData"]
    assert set(secret) <= names, set(secret) - names
    assert {"DJANGO_SECRET_KEY", "KEEL_AUDIT_SIGNING_KEY", "DATABASE_URL", "REDIS_URL"} <= set(secret)
    assert not {"DJANGO_SECRET_KEY", "KEEL_AUDIT_SIGNING_KEY", "DATABASE_URL"} & set(config)  # never in the ConfigMap


def test_pods_run_as_the_uid_the_image_pins(resources):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "useradd --system --uid 999 " in dockerfile and "groupadd --system --gid 999 " in dockerfile
    for name, spec in _pod_specs(resources).items():
        assert (spec["securityContext"]["runAsUser"], spec["securityContext"]["runAsGroup"]) == (999, 999), name


def _bytes(size: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(size[:-1]) * units[size[-1].lower()] if size[-1].lower() in units else int(size)


def test_only_the_ingress_is_reachable_from_outside(resources):
    services = _of(resources, "Service")
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in services.values()), services
    ingress = _of(resources, "Ingress")["keel-web"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    assert path["backend"]["service"] == {"name": "keel-web", "port": {"name": "http"}}
    web_ports = {p["name"] for p in services["keel-web"]["spec"]["ports"]}
    assert "http" in web_ports
    assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]


def test_the_ingress_buffers_requests_with_the_application_upload_limit(resources):
    notes = _of(resources, "Ingress")["keel-web"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "proxy-request-buffering"] == "on"
    assert notes[prefix + "proxy-buffering"] == "on"
    limit = int(_of(resources, "ConfigMap")["keel-config"]["data"]["KEEL_MAX_UPLOAD_BYTES"])
    assert _bytes(notes[prefix + "proxy-body-size"]) == limit
    for timeout in ("proxy-connect-timeout", "proxy-send-timeout", "proxy-read-timeout"):
        assert 1 <= int(notes[prefix + timeout]) <= 300, timeout


def test_the_controller_example_bounds_slow_clients():
    (config,) = _documents(K8S / "ingress-nginx-controller.example.yaml")
    data = config["data"]
    assert 1 <= int(data["client-header-timeout"]) <= 30
    assert 1 <= int(data["client-body-timeout"]) <= 60
    assert data["use-forwarded-headers"] == "false"  # clients cannot choose their own address
