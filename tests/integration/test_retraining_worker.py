"""The closed loop with the training job on a real Celery worker (Redis broker, Postgres): injected drift ->
alert -> retraining job -> gated version -> canary -> promoted."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from core import services as core_services
from monitoring.models import RetrainingRun
from monitoring.services import alerts, config, drift, retraining
from registry.models import ModelAlias, ModelVersion
from registry.services.models import model_alias_set
from serving import rollouts, runtime
from serving.services import deployment_create
from tests.factories import UserFactory
from tests.monitoring.conftest import log_rows
from tests.registry.models_helpers import cancer_frame
from training.models import TERMINAL, TrainingJob
from training.services import training_job_submit

pytestmark = pytest.mark.integration


def _wait_job(job_id: int, timeout: float = 180) -> TrainingJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = TrainingJob.objects.get(pk=job_id)
        if job.status in TERMINAL:
            return job
        time.sleep(0.5)
    raise TimeoutError("training job did not finish")


def test_drift_to_promotion_with_a_real_worker(celery_worker_proc):
    import io

    from registry.services.datasets import dataset_version_upload
    from serving.inference import PredictRequest, predict

    runtime.models.clear()
    runtime.routes.forget()
    owner = UserFactory()
    project = core_services.project_create(
        user=owner,
        slug="loop",
        name="loop",
        require_human_approval=False,
        acceptance_criteria=[{"metric": "f1_macro", "op": ">=", "threshold": 0.8}],
    )
    data = cancer_frame().to_csv(index=False).encode()
    version = dataset_version_upload(
        project=project, user=owner, dataset_name="cancer", fileobj=io.BytesIO(data), filename="c.csv"
    ).version
    weak = {"estimator": "decision_tree", "params": {"max_depth": 1}, "cv_folds": 3, "seed": 3}
    job = training_job_submit(
        project=project, user=owner, dataset_version=version, spec=weak, register_model_name="diagnosis"
    )
    assert _wait_job(job.pk).status == "succeeded"
    champion = ModelVersion.objects.get(registered_model__name="diagnosis", number=1)
    ModelVersion.objects.filter(pk=champion.pk).update(approval="approved")
    champion.refresh_from_db()
    model_alias_set(model=champion.registered_model, user=owner, role="owner", alias="champion", version=champion)
    deployment = deployment_create(project=project, user=owner, name="api", version=champion)
    rule = config.alert_rule_save(
        project=project,
        user=owner,
        name="drift",
        deployment="api",
        metric="drift_share",
        op=">",
        threshold=0.3,
        window_minutes=60,
        cooldown_minutes=0,
        channels=[],
    )
    config.retraining_policy_save(
        project=project,
        user=owner,
        name="retrain",
        deployment="api",
        trigger="alert",
        alert_rules=["drift"],
        dataset="cancer",
        spec={"estimator": "logistic_regression", "cv_folds": 3, "seed": 3},
        model_name="diagnosis",
        min_interval_minutes=0,
        rollout={
            "kind": "canary",
            "steps": [50, 100],
            "interval_seconds": 10,
            "guardrails": {"min_requests": 5, "max_p95_ratio": 100},
        },
    )
    log_rows(deployment, champion, 300, shift=1.0, minutes_ago=5, seed=1)  # injected drift
    end = timezone.now()
    drift.drift_report_create(deployment=deployment, window_start=end - timedelta(minutes=30), window_end=end)
    alert = alerts.evaluate_rule(rule=rule)
    assert alert is not None and alert.status == "firing"
    run = RetrainingRun.objects.get()
    assert run.training_job is not None
    assert _wait_job(run.training_job.pk).worker.startswith("test-")  # trained by the worker process
    assert retraining.retraining_advance(run_id=run.pk) == "rolling_out"
    frame = cancer_frame().drop(columns=["target"])
    for step in range(2):
        deployment.refresh_from_db()
        for i in range(30):
            row = {k: float(v) for k, v in frame.iloc[i].items()}
            table = runtime.routes.resolve(project.pk, "api")
            predict(
                table,
                PredictRequest(
                    payload={"inputs": [row]},
                    routing_key=f"k{step}-{i}",
                    explain=False,
                    caller="test",
                    request_id=f"r{step}-{i}",
                ),
            )
        started = deployment.rollout["step_started_at"]
        rollouts.rollout_tick(deployment_id=deployment.pk, now=max(started + 11, time.time()))
    assert retraining.retraining_advance(run_id=run.pk) == "promoted"
    assert ModelAlias.objects.get(name="champion").version.number == 2
