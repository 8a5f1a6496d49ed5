"""GET /metrics: access (token or address allow-list), the values it exposes, and its fixed query count."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from monitoring.metrics import FINITE_BOUNDS, QUEUES
from monitoring.models import Alert, AlertRule, DriftReport
from registry.models import Dataset, DatasetVersion, ModelVersion, RegisteredModel
from serving.models import Deployment, Feedback, PredictionLog, Revision, Variant
from training.models import TrainingJob

QUERY_BUDGET = 8
BLUE_LATENCIES = [0.4, 3.0, 12.0, 12.0, 250.0, 20000.0]  # ok
BLUE_ERROR_LATENCY = 40.0


# --- Helpers ----------------------------------------------------------------------------------------------------


def scrape(client: Client | None = None, **extra) -> dict[tuple[str, frozenset], float]:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def names(samples: dict) -> set[str]:
    return {name for name, _ in samples}


def model_version(project, number: int, **state) -> ModelVersion:
    registered, _ = RegisteredModel.objects.get_or_create(project=project, name="cancer")
    return ModelVersion.objects.create(
        registered_model=registered,
        number=number,
        source="upload",
        artifact_sha256=f"{number:064x}",
        artifact_size=10,
        **state,
    )


def deployment(project, name: str, version: ModelVersion, revisions: int = 1) -> Deployment:
    deployment = Deployment.objects.create(project=project, name=name)
    for number in range(1, revisions + 1):
        revision = Revision.objects.create(deployment=deployment, number=number, strategy="single")
        Variant.objects.create(revision=revision, name="blue", model_version=version)
    deployment.current_revision = revision
    deployment.save(update_fields=["current_revision"])
    return deployment


def log(dep: Deployment, variant: str, latency: float, *, is_error: bool = False, shadow: bool = False) -> None:
    PredictionLog.objects.create(
        request_id=uuid.uuid4().hex,
        project_id=dep.project_id,
        deployment_id=dep.pk,
        revision_number=1,
        variant=variant,
        model_version_id=1,
        inputs={"x": 1},
        latency_ms=latency,
        is_error=is_error,
        shadow=shadow,
    )


def drift_report(dep: Deployment, hours_ago: int, status: str = "ok", variant: str = "", **fields) -> DriftReport:
    end = timezone.now() - timedelta(hours=hours_ago)
    return DriftReport.objects.create(
        deployment=dep, variant=variant, window_start=end - timedelta(hours=1), window_end=end, status=status, **fields
    )


def training_job(project, dataset_version: DatasetVersion, status: str) -> TrainingJob:
    return TrainingJob.objects.create(
        project=project, dataset_version=dataset_version, spec={}, time_limit=60, status=status
    )


@pytest.fixture
def world(team):
    """One project with a live deployment, its prediction log, feedback, drift, alerts, jobs and versions."""
    project = team.project
    v1 = model_version(project, 1, approval="approved")
    model_version(project, 2)  # pending, healthy
    model_version(project, 3, approval="rejected", health="unhealthy")
    api = deployment(project, "api", v1, revisions=2)
    Deployment.objects.create(project=project, name="idle")  # no revision, no traffic, no reports

    for latency in BLUE_LATENCIES:
        log(api, "blue", latency)
    log(api, "blue", BLUE_ERROR_LATENCY, is_error=True)
    log(api, "green", 8.0, shadow=True)
    PredictionLog.objects.create(  # a deleted deployment's history: kept in the table, left out of the metrics
        request_id="r",
        project_id=project.pk,
        deployment_id=987654321,
        revision_number=1,
        variant="blue",
        model_version_id=1,
        inputs={},
        latency_ms=1.0,
    )

    prediction = uuid.uuid4()
    Feedback.objects.create(
        prediction_id=prediction, project_id=project.pk, deployment_id=api.pk, value=0, is_current=False
    )
    Feedback.objects.create(prediction_id=prediction, project_id=project.pk, deployment_id=api.pk, value=1)

    drift_report(api, hours_ago=3, share_drifted=0.2, dataset_drift=False)
    drift_report(api, hours_ago=2, share_drifted=0.6, dataset_drift=True)  # the latest OK all-traffic report
    drift_report(api, hours_ago=1, status="failed")
    drift_report(api, hours_ago=1, variant="blue", share_drifted=0.9, dataset_drift=True)

    critical = AlertRule.objects.create(
        project=project, deployment=api, name="drift", metric="drift_share", threshold=0.5, severity="critical"
    )
    Alert.objects.create(rule=critical, severity="critical", message="drift share 0.6 > 0.5")
    warning = AlertRule.objects.create(
        project=project, deployment=api, name="errors", metric="error_rate", threshold=0.1, severity="warning"
    )
    Alert.objects.create(rule=warning, severity="warning", status="resolved", message="resolved")

    dataset = Dataset.objects.create(project=project, name="cancer")
    data = DatasetVersion.objects.create(
        dataset=dataset, number=1, sha256="a" * 64, size=1, format="csv", row_count=1, column_count=1
    )
    for status in ("succeeded", "succeeded", "failed", "queued"):
        training_job(project, data, status)
    return {"api": api, "v1": v1, "data": data}


# --- Access ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_allows_loopback_without_token():
    response = Client().get("/metrics")  # the test client's REMOTE_ADDR is 127.0.0.1
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@override_settings(KEEL_METRICS_ALLOWED_NETWORKS=["192.168.0.0/16"])
def test_metrics_refuses_address_outside_allowed_networks():
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert Client().get("/metrics").status_code == 403  # loopback is no longer listed


@pytest.mark.django_db
@override_settings(KEEL_METRICS_ALLOWED_NETWORKS=["10.0.0.0/8", "fd00::/8"])
def test_metrics_allows_addresses_inside_allowed_networks():
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="fd12::1").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="::ffff:10.1.2.3").status_code == 200  # dual-stack socket


@pytest.mark.django_db
def test_metrics_refuses_proxied_requests_by_address():
    """Behind a reverse proxy REMOTE_ADDR is the proxy's (often loopback): only the token can admit those."""
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert Client().get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 403
    with override_settings(KEEL_METRICS_TOKEN="s3cret-metrics-token"):
        proxied = Client().get("/metrics", HTTP_FORWARDED="for=203.0.113.9")
        assert proxied.status_code == 401
        authorized = Client().get(
            "/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token"
        )
        assert authorized.status_code == 200


@pytest.mark.django_db
@override_settings(KEEL_METRICS_TOKEN="s3cret-metrics-token", KEEL_METRICS_ALLOWED_NETWORKS=["127.0.0.1/32"])
def test_metrics_token():
    outside = {"REMOTE_ADDR": "10.1.2.3"}
    missing = Client().get("/metrics", **outside)
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Basic czNjcmV0", **outside).status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token", **outside).status_code == 200
    assert Client().get("/metrics", HTTP_AUTHORIZATION="bearer s3cret-metrics-token", **outside).status_code == 200
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-métrics", **outside).status_code == 403
    # A wrong token is refused even from an allowed address; no token from there is fine.
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert Client().get("/metrics").status_code == 200


@pytest.mark.django_db
@override_settings(KEEL_METRICS_TOKEN="")
def test_metrics_without_configured_token_ignores_bearer_headers():
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 200
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything", REMOTE_ADDR="10.1.2.3").status_code == 403


@pytest.mark.django_db
@override_settings(KEEL_METRICS_ALLOWED_NETWORKS=["10.0.0.0/33"])
def test_metrics_invalid_network_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="KEEL_METRICS_ALLOWED_NETWORKS"):
        Client().get("/metrics")


@pytest.mark.django_db
def test_metrics_is_not_throttled():
    anon_limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    if anon_limit > 200:
        pytest.skip("anonymous rate too high to exceed cheaply")
    client = Client()
    statuses = {client.get("/metrics").status_code for _ in range(anon_limit + 1)}
    assert statuses == {200}


@pytest.mark.django_db
def test_metrics_refuses_other_methods():
    assert Client().post("/metrics").status_code == 405
    assert Client().head("/metrics").status_code == 200


# --- Values -----------------------------------------------------------------------------------------------------


def test_metrics_prediction_counts(world):
    samples = scrape()
    labels = {"project": "alpha", "deployment": "api"}
    assert value(samples, "keel_predictions_total", **labels, variant="blue", shadow="false", outcome="ok") == 6
    assert value(samples, "keel_predictions_total", **labels, variant="blue", shadow="false", outcome="error") == 1
    assert value(samples, "keel_predictions_total", **labels, variant="green", shadow="true", outcome="ok") == 1
    predictions = [key for key in samples if key[0] == "keel_predictions_total"]
    assert len(predictions) == 3  # the deleted deployment's rows are left out


def test_metrics_latency_histogram(world):
    samples = scrape()
    labels = {"project": "alpha", "deployment": "api", "variant": "blue"}
    latencies = [*BLUE_LATENCIES, BLUE_ERROR_LATENCY]  # errors are timed too
    expected = {"0.5": 1, "1.0": 1, "3.0": 2, "10.0": 2, "15.0": 4, "50.0": 5, "300.0": 6, "10000.0": 6, "+Inf": 7}
    for le, count in expected.items():
        assert value(samples, "keel_prediction_latency_ms_bucket", **labels, le=le) == count, le
    buckets = [value(samples, "keel_prediction_latency_ms_bucket", **labels, le=str(b)) for b in FINITE_BOUNDS]
    assert buckets == [sum(1 for ms in latencies if ms <= b) for b in FINITE_BOUNDS]  # cumulative at every bound
    assert value(samples, "keel_prediction_latency_ms_count", **labels) == 7
    assert value(samples, "keel_prediction_latency_ms_sum", **labels) == pytest.approx(sum(latencies))
    green = {**labels, "variant": "green"}
    assert value(samples, "keel_prediction_latency_ms_bucket", **green, le="5.0") == 0
    assert value(samples, "keel_prediction_latency_ms_bucket", **green, le="10.0") == 1


def test_metrics_feedback_drift_and_revision(world):
    samples = scrape()
    api = {"project": "alpha", "deployment": "api"}
    assert value(samples, "keel_feedback_total", **api) == 2
    assert value(samples, "keel_drift_share", **api) == pytest.approx(0.6)
    assert value(samples, "keel_dataset_drift", **api) == 1
    assert value(samples, "keel_deployment_revision", **api) == 2
    idle = {"project": "alpha", "deployment": "idle"}
    for name in ("keel_drift_share", "keel_dataset_drift", "keel_deployment_revision", "keel_feedback_total"):
        assert value(samples, name, **idle) is None, name


def test_metrics_alerts_jobs_and_versions(world):
    samples = scrape()
    alpha = {"project": "alpha"}
    assert value(samples, "keel_alerts_firing", **alpha, severity="critical") == 1
    assert value(samples, "keel_alerts_firing", **alpha, severity="warning") == 0  # resolved
    assert value(samples, "keel_alerts_firing", **alpha, severity="info") == 0
    jobs = {"succeeded": 2, "failed": 1, "queued": 1, "running": 0, "cancelled": 0}
    for status, count in jobs.items():
        assert value(samples, "keel_training_jobs", **alpha, status=status) == count, status
    assert value(samples, "keel_model_versions", **alpha, approval="approved", health="healthy") == 1
    assert value(samples, "keel_model_versions", **alpha, approval="pending", health="healthy") == 1
    assert value(samples, "keel_model_versions", **alpha, approval="rejected", health="unhealthy") == 1
    assert value(samples, "keel_model_versions", **alpha, approval="approved", health="unhealthy") == 0


def test_metrics_keep_projects_apart(world, other_team):
    samples = scrape()
    beta = {"project": "beta"}
    assert value(samples, "keel_alerts_firing", **beta, severity="critical") == 0
    assert value(samples, "keel_training_jobs", **beta, status="succeeded") == 0
    assert not [key for key in samples if key[0] == "keel_predictions_total" and ("project", "beta") in key[1]]


# --- Broker queues ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"CELERY_BROKER_URL": "memory://", "CELERY_TASK_ALWAYS_EAGER": False},
        {"CELERY_BROKER_URL": None, "CELERY_TASK_ALWAYS_EAGER": True},
        {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "CELERY_TASK_ALWAYS_EAGER": True},
        {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "CELERY_TASK_ALWAYS_EAGER": False},  # unreachable
    ],
    ids=["memory", "eager", "eager-redis", "unreachable"],
)
def test_metrics_queue_length_absent_without_a_reachable_redis_broker(team, overrides):
    with override_settings(**overrides):
        samples = scrape()
    assert "keel_celery_queue_length" not in names(samples)
    assert "keel_training_jobs" in names(samples)  # the rest of the scrape still answers


@pytest.mark.django_db
def test_metrics_queue_length_from_redis_broker():
    url = settings.CELERY_BROKER_URL
    if not url or not url.startswith("redis"):
        pytest.skip("no Redis broker configured for the tests")
    import redis

    broker = redis.Redis.from_url(url)
    keys = [*QUEUES, "training\x06\x163"]
    broker.delete(*keys)
    try:
        broker.lpush("training", "m1", "m2")
        broker.lpush("training\x06\x163", "m3")  # a priority sub-queue counts towards its queue
        broker.lpush("monitoring", "m4")
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            samples = scrape()
    finally:
        broker.delete(*keys)
        broker.close()
    assert value(samples, "keel_celery_queue_length", queue="training") == 3
    assert value(samples, "keel_celery_queue_length", queue="monitoring") == 1
    assert value(samples, "keel_celery_queue_length", queue="default") == 0


# --- Query budget -----------------------------------------------------------------------------------------------


def test_metrics_query_count_is_fixed(world, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        scrape()
    for i in range(5):
        extra = deployment(world["api"].project, f"extra-{i}", world["v1"])
        log(extra, "blue", 5.0)
        log(extra, "green", 7.0, is_error=True)
        drift_report(extra, hours_ago=1, share_drifted=0.1 * i, dataset_drift=False)
        Feedback.objects.create(
            prediction_id=uuid.uuid4(), project_id=extra.project_id, deployment_id=extra.pk, value=1
        )
    with django_assert_max_num_queries(QUERY_BUDGET), CaptureQueriesContext(connection) as large:
        samples = scrape()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert value(samples, "keel_drift_share", project="alpha", deployment="extra-4") == pytest.approx(0.4)
    assert (
        value(
            samples,
            "keel_predictions_total",
            project="alpha",
            deployment="extra-3",
            variant="green",
            shadow="false",
            outcome="error",
        )
        == 1
    )
