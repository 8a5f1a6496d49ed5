"""A project with one of everything, and the URL kwargs that reach each object: the fixture factory of the route
matrix. Every route under /api/v1/ needs an entry in ``route_kwargs`` (tests/security/test_access_matrix.py fails
for a route without one), so a new route is covered as soon as it exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from console.models import LoadTest
from core.webhooks.services import webhook_emit, webhook_subscription_create
from monitoring.models import Alert, RetrainingRun
from monitoring.services import config, drift
from registry.models import DatasetVersion, ModelVersion
from registry.services.approvals import approval_request_create
from registry.services.experiments import experiment_get_or_create, run_create
from registry.services.models import model_alias_set
from serving.partitions import Partition
from serving.retention import export_partition
from serving.services import deployment_create
from tests.conftest import Team
from tests.monitoring.conftest import log_rows, with_reference
from tests.registry.datasets_helpers import csv_bytes, upload
from tests.registry.models_helpers import cancer_frame, make_version
from training.services import training_job_submit

PUBLIC_URL = "https://93.184.216.34/keel/hooks"  # a public address literal: no DNS needed, never contacted


@dataclass
class Seeded:
    team: Team
    ids: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # strings only this project's objects carry


def seed_project(team: Team) -> Seeded:
    """One of every object a project-scoped route addresses (names are the same in every project on purpose)."""
    project, users = team.project, team.users
    seeded = Seeded(team=team)
    ids = seeded.ids
    response = upload(team.client("editor"), project.slug, "cancer", csv_bytes(cancer_frame()))
    assert response.status_code == 201, response.content
    dataset_version = DatasetVersion.objects.get(dataset__project=project, dataset__name="cancer", number=1)
    rule = team.client("editor").post(
        f"/api/v1/projects/{project.slug}/datasets/cancer/rules/",
        {"kind": "not_null", "column": "mean_radius"},
        format="json",
    )
    assert rule.status_code == 201, rule.content
    ids["rule"] = rule.json()["id"]
    experiment = experiment_get_or_create(project=project, name="churn", user=users["editor"])
    run = run_create(experiment=experiment, user=users["editor"], name="first")
    ids["run"] = run.run_id
    ids["other_run"] = run_create(experiment=experiment, user=users["editor"], name="second").run_id
    artifact = team.client("editor").post(
        f"/api/v1/projects/{project.slug}/runs/{run.run_id}/artifacts/",
        {"file": SimpleUploadedFile("notes.txt", b"notes"), "path": "notes.txt"},
        format="multipart",
    )
    assert artifact.status_code == 201, artifact.content
    version = with_reference(make_version(project, users["editor"]))
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    second = make_version(project, users["editor"], c=0.05)
    ids["approval_request"] = approval_request_create(version=second, user=users["editor"]).pk
    model_alias_set(
        model=version.registered_model, user=users["maintainer"], role="maintainer", alias="candidate", version=version
    )
    spec = {"target": "target", "estimator": "logistic_regression", "params": {"C": 1.0}, "cv_folds": 3, "n_jobs": 1}
    job = training_job_submit(project=project, user=users["editor"], dataset_version=dataset_version, spec=spec)
    ids["job"] = str(job.uid)
    deployment = deployment_create(project=project, user=users["maintainer"], name="api", version=version)
    log_rows(deployment, version, 60, minutes_ago=5)
    end = timezone.now()
    report = drift.drift_report_create(deployment=deployment, window_start=end - timedelta(minutes=30), window_end=end)
    ids["drift_report"] = report[0].pk
    channel = config.channel_create(
        project=project, user=users["maintainer"], name="ops", kind="webhook", config={"url": PUBLIC_URL}
    )
    ids["channel"] = channel.pk
    alert_rule = config.alert_rule_save(
        project=project,
        user=users["maintainer"],
        name="drift",
        deployment="api",
        metric="drift_share",
        op=">",
        threshold=0.3,
        window_minutes=60,
        cooldown_minutes=0,
        channels=[],
    )
    ids["alert_rule"] = alert_rule.pk
    ids["alert"] = Alert.objects.create(rule=alert_rule, severity="warning", message="drift").pk
    policy = config.retraining_policy_save(
        project=project,
        user=users["maintainer"],
        name="retrain",
        deployment="api",
        trigger="alert",  # with no alert rules: it runs only when triggered by hand
        alert_rules=[],
        dataset="cancer",
        spec=spec,
        model_name="cancer",
        min_interval_minutes=0,
    )
    ids["policy"] = policy.pk
    ids["retraining_run"] = RetrainingRun.objects.create(policy=policy, trigger={"kind": "manual"}).pk
    subscription = webhook_subscription_create(project=project, actor=users["owner"], url=PUBLIC_URL, event_types=["*"])
    ids["webhook"] = subscription.pk
    delivery = webhook_emit(project=project, event_type="model_version.created", payload={"n": 1})[0]
    ids["delivery"] = str(delivery.uid)
    ids["service_account"] = users["predictor"].pk
    ids["load_test"] = LoadTest.objects.create(
        project=project,
        deployment=deployment,
        revision_number=1,
        model_versions=[version.pk],
        created_by=users["editor"],
    ).pk
    # A real Parquet export of the logged rows (erasures rewrite it), as retention makes before dropping a partition.
    window = Partition(name="p20261101", start=end - timedelta(hours=1), end=end + timedelta(minutes=1))
    ids["prediction_export"] = export_partition(project_id=project.pk, partition=window).pk
    seeded.secrets += [project.slug, run.run_id, str(job.uid), str(delivery.uid)]
    return seeded


# Reads that answer a documented 4xx on a freshly seeded project (the state they need is not there yet).
READ_STATUS = {
    "model-version-onnx-download": 404,  # no ONNX export until one is built
    "deployment-ab-analysis": 409,  # a single live variant: nothing to compare
}


def route_kwargs(seeded: Seeded) -> dict[str, tuple[dict[str, Any], str]]:
    """URL name -> (kwargs beyond ``project``, query string) reaching a seeded object of that route."""
    i = seeded.ids
    dataset = {"dataset": "cancer"}
    dv = {"dataset": "cancer", "number": 1}
    mv = {"model": "cancer", "number": 1}
    dep = {"deployment": "api"}
    run = {"run_id": i["run"]}
    hook = {"webhook_id": i["webhook"]}
    return {
        "project-list": ({}, ""),
        "project-detail": ({}, ""),
        "member-list": ({}, ""),
        "member-detail": ({"username": "<viewer>"}, ""),
        "service-account-list": ({}, ""),
        "service-account-detail": ({"account_id": i["service_account"]}, ""),
        "service-account-token": ({"account_id": i["service_account"]}, ""),
        "audit-event-list": ({}, ""),
        "token-list": ({}, ""),
        "token-detail": ({"token_id": "<own>"}, ""),
        "webhook-list": ({}, ""),
        "webhook-detail": (hook, ""),
        "webhook-ping": (hook, ""),
        "webhook-delivery-list": (hook, ""),
        "webhook-delivery-detail": ({**hook, "delivery_id": i["delivery"]}, ""),
        "webhook-delivery-redeliver": ({**hook, "delivery_id": i["delivery"]}, ""),
        "dataset-list": ({}, ""),
        "dataset-detail": (dataset, ""),
        "dataset-diff": (dataset, "from=1&to=1"),
        "dataset-rule-list": (dataset, ""),
        "dataset-rule-generate": (dataset, ""),
        "dataset-rule-detail": ({**dataset, "rule_id": i["rule"]}, ""),
        "dataset-version-list": (dataset, ""),
        "dataset-version-detail": (dv, ""),
        "dataset-version-schema": (dv, ""),
        "dataset-version-profile": (dv, ""),
        "dataset-version-preview": (dv, ""),
        "dataset-version-download": (dv, ""),
        "dataset-version-validation-reports": (dv, ""),
        "experiment-list": ({}, ""),
        "experiment-detail": ({"name": "churn"}, ""),
        "experiment-restore": ({"name": "churn"}, ""),
        "run-list": ({}, ""),
        "run-search": ({}, ""),
        "run-compare": ({}, f"run_ids={i['run']},{i['other_run']}"),
        "run-detail": (run, ""),
        "run-restore": (run, ""),
        "run-status": (run, ""),
        "run-log-batch": (run, ""),
        "run-metrics-history": (run, "key=loss"),
        "run-tags": (run, ""),
        "run-inputs": (run, ""),
        "run-artifact-list": (run, ""),
        "run-artifact-download": (run, "path=notes.txt"),
        "model-list": ({}, ""),
        "model-detail": ({"model": "cancer"}, ""),
        "model-version-list": ({"model": "cancer"}, ""),
        "model-version-upload": ({"model": "cancer"}, ""),
        "model-version-detail": (mv, ""),
        "model-version-archive": (mv, ""),
        "model-version-download": (mv, ""),
        "model-version-verify": (mv, ""),
        "model-version-checks": (mv, ""),
        "model-version-card": (mv, ""),
        "approval-request-list": (mv, ""),
        "approval-request-decide": ({"model": "cancer", "number": 2, "request_id": i["approval_request"]}, ""),
        "model-alias-list": ({"model": "cancer"}, ""),
        "model-alias-detail": ({"model": "cancer", "alias": "candidate"}, ""),
        "model-alias-history": ({"model": "cancer"}, ""),
        "model-version-onnx-download": (mv, ""),
        "model-version-bundle-download": (mv, ""),
        "training-job-list": ({}, ""),
        "training-job-detail": ({"job_id": i["job"]}, ""),
        "training-job-cancel": ({"job_id": i["job"]}, ""),
        "model-version-evaluate": (mv, ""),
        "model-version-export-onnx": (mv, ""),
        "deployment-list": ({}, ""),
        "deployment-detail": (dep, ""),
        "deployment-deploy": (dep, ""),
        "deployment-rollback": (dep, ""),
        "deployment-promote": (dep, ""),
        "deployment-revision-list": (dep, ""),
        "deployment-predict": (dep, ""),
        "deployment-feedback": (dep, ""),
        "deployment-prediction-list": (dep, ""),
        "deployment-prediction-export": (dep, ""),
        "deployment-ready": (dep, ""),
        "deployment-ab-analysis": (dep, ""),
        "deployment-shadow-report": (dep, ""),
        "drift-config": (dep, ""),
        "drift-report-list": (dep, ""),
        "drift-report-detail": ({**dep, "report_id": i["drift_report"]}, ""),
        "deployment-performance": (dep, ""),
        "deployment-simulate": (dep, ""),
        "channel-list": ({}, ""),
        "channel-detail": ({"channel_id": i["channel"]}, ""),
        "alert-rule-list": ({}, ""),
        "alert-rule-detail": ({"rule_id": i["alert_rule"]}, ""),
        "alert-list": ({}, ""),
        "alert-acknowledge": ({"alert_id": i["alert"]}, ""),
        "retraining-policy-list": ({}, ""),
        "retraining-policy-detail": ({"policy_id": i["policy"]}, ""),
        "retraining-policy-trigger": ({"policy_id": i["policy"]}, ""),
        "retraining-run-list": ({}, ""),
        "retraining-run-detail": ({"run_id": i["retraining_run"]}, ""),
        "deployment-readiness": (dep, ""),
        "load-test-list": (dep, ""),
        "prediction-export-list": ({}, ""),
        "prediction-export-detail": ({"export": i["prediction_export"]}, ""),
        "prediction-export-download": ({"export": i["prediction_export"]}, ""),
        "prediction-log-erasure-list": ({}, ""),
        "prediction-log-policy": ({}, ""),
        "config-plan": ({}, ""),
        "config-apply": ({}, ""),
        "config-export": ({}, ""),
    }
