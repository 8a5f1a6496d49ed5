from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
import pytest
from django.utils import timezone

from core.storage import blob_put_bytes
from monitoring.models import Alert, AlertRule, DriftReport, RetrainingPolicy, RetrainingRun
from registry.models import DatasetVersion, Experiment, ModelVersion, Run, RunArtifact, ValidationRule
from registry.services.models import model_alias_set
from serving import runtime
from serving.models import Deployment, PredictionLog
from serving.services import deploy_single, deployment_create
from tests.registry.models_helpers import cancer_frame, make_version, trained
from tests.training.conftest import upload_frame

PASSWORD = "pw-keel-test-1"


@pytest.fixture(autouse=True)
def _fresh_runtime():
    runtime.models.clear()
    runtime.routes.forget()
    yield
    runtime.models.clear()
    runtime.routes.forget()


@dataclass
class Served:
    deployment: Deployment
    v1: ModelVersion
    v2: ModelVersion


def _attach_run(version: ModelVersion, user) -> None:
    """A run with the evaluation artifacts a Keel training job writes, linked to ``version``."""
    result = trained(1.0, ())
    experiment, _ = Experiment.objects.get_or_create(project=version.registered_model.project, name="cancer-exp")
    run = Run.objects.create(experiment=experiment, project=experiment.project, name="grid", user=user)
    for path, payload in {
        "evaluation/details.json": result.evaluation,
        "evaluation/permutation_importance.json": result.permutation_importance,
    }.items():
        blob = blob_put_bytes(json.dumps(payload).encode())
        RunArtifact.objects.create(run=run, path=path, sha256=blob.sha256, size=blob.size)
    ModelVersion.objects.filter(pk=version.pk).update(run=run)
    version.refresh_from_db()


def _approved(team, **kwargs) -> ModelVersion:
    version = make_version(team.project, team.users["editor"], **kwargs)
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    return version


def build_served(team) -> Served:
    """A deployment at revision 2 (v1 then v2), a run with evaluation artifacts, a drift report, an alert, logs."""
    maintainer = team.users["maintainer"]
    v1 = _approved(team)
    v2 = _approved(team, c=0.05)
    _attach_run(v2, team.users["editor"])
    model_alias_set(model=v2.registered_model, user=maintainer, role="maintainer", alias="champion", version=v1)
    model_alias_set(model=v2.registered_model, user=maintainer, role="maintainer", alias="champion", version=v2)
    deployment = deployment_create(project=team.project, user=maintainer, name="api", version=v1)
    deploy_single(deployment=deployment, user=maintainer, version=v2)
    deployment.refresh_from_db()
    now = timezone.now()
    for i in range(3):
        end = now - timedelta(hours=2 - i)
        DriftReport.objects.create(
            deployment=deployment,
            window_start=end - timedelta(hours=1),
            window_end=end,
            status="drift" if i == 2 else "ok",
            n_rows=100,
            dataset_drift=i == 2,
            share_drifted=0.5 if i == 2 else 0.0,
            n_features=2,
            n_drifted=1 if i == 2 else 0,
            result={
                "columns": [
                    {
                        "name": "mean_radius",
                        "method": "ks",
                        "p_value": 0.001 if i == 2 else 0.4,
                        "distance": None,
                        "drifted": i == 2,
                        "severity": "drift" if i == 2 else "none",
                    },
                    {
                        "name": "mean_area",
                        "method": "ks",
                        "p_value": 0.5,
                        "distance": None,
                        "drifted": False,
                        "severity": "none",
                    },
                ],
                "dataset": {"drifted": i == 2},
            },
        )
    rule = AlertRule.objects.create(
        project=team.project, deployment=deployment, name="drift-share", metric="drift_share", threshold=0.5
    )
    Alert.objects.create(rule=rule, severity="warning", value=0.6, message="drift share 0.6 > 0.5")
    PredictionLog.objects.bulk_create(
        PredictionLog(
            prediction_id=uuid.uuid4(),
            request_id=f"r{i}",
            project_id=team.project.pk,
            deployment_id=deployment.pk,
            revision_number=2,
            variant="primary",
            model_version_id=v2.pk,
            inputs={},
            outputs={"prediction": 1},
            latency_ms=2.0 + i,
            is_error=i == 0,
            created_at=now - timedelta(minutes=i % 5),
        )
        for i in range(10)
    )
    return Served(deployment=deployment, v1=v1, v2=v2)


@pytest.fixture
def served(team) -> Served:
    return build_served(team)


@dataclass
class Retrained:
    valid: DatasetVersion
    invalid: DatasetVersion
    run: RetrainingRun


def build_retrained(team, served: Served) -> Retrained:
    """The demo's situation: a retraining policy appended feedback to ``cancer`` v1 as v2, which fails a rule
    fitted to v1, trained on it anyway and promoted the candidate (here ``served.v2``)."""
    frame = cancer_frame()
    valid = upload_frame(team, "cancer", frame.to_csv(index=False).encode())
    ValidationRule.objects.create(dataset=valid.dataset, kind="row_count", params={"max": 600})
    grown = pd.concat([frame, frame.head(100)], ignore_index=True)
    invalid = upload_frame(team, "cancer", grown.to_csv(index=False).encode())
    assert invalid.status == "invalid"
    policy = RetrainingPolicy.objects.create(
        project=team.project,
        deployment=served.deployment,
        name="retrain-on-drift",
        dataset="cancer",
        include_feedback=True,
        spec={"estimator": "logistic_regression"},
        model_name="cancer",
    )
    run = RetrainingRun.objects.create(
        policy=policy,
        status=RetrainingRun.Status.PROMOTED,
        trigger={"kind": "alert", "feedback_on": valid.number},
        dataset_version=invalid,
        model_version=served.v2,
        champion_version=served.v1,
        checks=[{"name": "acceptance_criteria", "passed": True, "detail": "all criteria met"}],
        steps=[{"at": timezone.now().isoformat(), "step": "promoted", "detail": "100%"}],
    )
    served.v2.dataset_versions.add(invalid)
    served.v1.dataset_versions.add(valid)
    return Retrained(valid=valid, invalid=invalid, run=run)
