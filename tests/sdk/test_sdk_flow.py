"""The generated SDK (clients/python, package keel_client) against a live Keel with a real Celery worker."""

from __future__ import annotations

import csv
import time
from http import HTTPStatus

import pytest
from keel_client import AuthenticatedClient
from keel_client.api.datasets import dataset_versions_upload, datasets_create, datasets_list
from keel_client.api.models import (
    approval_requests_create,
    approval_requests_decide,
    model_aliases_set,
    model_versions_list,
)
from keel_client.api.monitoring import alerts_list
from keel_client.api.projects import members_set, projects_create, projects_retrieve, runs_list, runs_search
from keel_client.api.serving import deployments_create, deployments_feedback, deployments_predict
from keel_client.api.training import training_jobs_retrieve, training_jobs_submit
from keel_client.models import (
    AliasSetRequest,
    ApprovalDecisionRequest,
    ApprovalRequestCreateRequest,
    DatasetCreateRequest,
    DatasetUploadRequest,
    DecisionEnum,
    DeploymentCreateRequest,
    FeedbackBatchRequest,
    MemberRoleEnum,
    MembershipSetRequest,
    PaginatedDatasetList,
    PredictRequest,
    PredictResponse,
    Problem,
    ProjectCreateRequest,
    RunSearchRequest,
    TrainingJob,
    TrainingJobSubmitRequest,
)
from keel_client.types import File

pytestmark = pytest.mark.integration


def wait_job(client: AuthenticatedClient, job: TrainingJob, timeout: float = 240) -> TrainingJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = training_jobs_retrieve.sync(project="sdk", job_id=job.id, client=client)
        assert isinstance(found, TrainingJob)
        if found.status in {"succeeded", "failed", "cancelled"}:
            return found
        time.sleep(0.5)
    raise TimeoutError(job.id)


def test_sdk_full_flow(live_keel_worker):
    live_keel = live_keel_worker
    alice = AuthenticatedClient(base_url=live_keel.url, token=live_keel.token)
    bob = AuthenticatedClient(base_url=live_keel.url, token=live_keel.reviewer)

    project = projects_create.sync(client=alice, body=ProjectCreateRequest(slug="sdk", name="SDK"))
    assert not isinstance(project, Problem) and project.slug == "sdk" and project.role == "owner"
    added = members_set.sync(
        project="sdk", client=alice, body=MembershipSetRequest(username="bob", role=MemberRoleEnum.MAINTAINER)
    )
    assert not isinstance(added, Problem)

    datasets_create.sync(project="sdk", client=alice, body=DatasetCreateRequest(name="cancer"))
    with live_keel.csv.open("rb") as handle:
        body = DatasetUploadRequest(file=File(payload=handle, file_name="cancer.csv"), message="first")
        uploaded = dataset_versions_upload.sync_detailed(project="sdk", dataset="cancer", client=alice, body=body)
    assert uploaded.status_code == HTTPStatus.CREATED, uploaded.content
    listed = datasets_list.sync(project="sdk", client=alice)
    assert isinstance(listed, PaginatedDatasetList) and listed.results[0].latest_version == 1

    submit = TrainingJobSubmitRequest.from_dict(
        {"dataset": "cancer", "spec": {"estimator": "logistic_regression", "cv_folds": 3}, "register_model": "clf"}
    )
    job = training_jobs_submit.sync(project="sdk", client=alice, body=submit)
    assert isinstance(job, TrainingJob)
    job = wait_job(alice, job)
    assert job.status == "succeeded", job.error
    assert job.progress.done == job.progress.total > 0 and job.model_version == 1

    runs = runs_list.sync(project="sdk", client=alice)
    assert not isinstance(runs, Problem) and [run.run_id for run in runs.results] == [job.run_id]
    found = runs_search.sync(
        project="sdk", client=alice, body=RunSearchRequest.from_dict({"filter": "metrics.f1_macro > 0.5"})
    )
    assert not isinstance(found, Problem) and found.count == 1

    versions = model_versions_list.sync(project="sdk", model="clf", client=alice)
    assert not isinstance(versions, Problem) and [v.version for v in versions.results] == [1]
    request = approval_requests_create.sync(
        project="sdk", model="clf", number=1, client=alice, body=ApprovalRequestCreateRequest(comment="ship it")
    )
    assert not isinstance(request, Problem)
    decision = ApprovalDecisionRequest(decision=DecisionEnum.APPROVE, override=True, override_reason="test data")
    decided = approval_requests_decide.sync(
        project="sdk", model="clf", number=1, request_id=request.id, client=bob, body=decision
    )
    assert not isinstance(decided, Problem) and decided.status == "approved"
    aliased = model_aliases_set.sync(
        project="sdk", model="clf", alias="champion", client=alice, body=AliasSetRequest(1)
    )
    assert not isinstance(aliased, Problem) and aliased.aliases == ["champion"]

    deployed = deployments_create.sync(
        project="sdk", client=alice, body=DeploymentCreateRequest(model="clf", name="web", alias="champion")
    )
    assert not isinstance(deployed, Problem) and deployed.revision is not None
    with live_keel.csv.open() as handle:
        row = next(csv.DictReader(handle))
    features = {key: float(value) for key, value in row.items() if key != "target"}
    predicted = deployments_predict.sync(
        project="sdk", deployment="web", client=alice, body=PredictRequest.from_dict({"inputs": [features]})
    )
    assert isinstance(predicted, PredictResponse), predicted
    assert predicted.predictions[0] in {"malignant", "benign"} and predicted.model.version == 1
    feedback = deployments_feedback.sync(
        project="sdk",
        deployment="web",
        client=alice,
        body=FeedbackBatchRequest.from_dict(
            {"prediction_id": str(predicted.prediction_ids[0]), "value": row["target"]}
        ),
    )
    assert not isinstance(feedback, Problem) and feedback.recorded == 1

    alerts = alerts_list.sync(project="sdk", client=alice)
    assert not isinstance(alerts, Problem) and alerts.count == 0


def test_sdk_errors_are_problem_details(live_keel):
    alice = AuthenticatedClient(base_url=live_keel.url, token=live_keel.token)
    missing = projects_retrieve.sync(project="nope", client=alice)
    assert isinstance(missing, Problem) and missing.status == 404
    invalid = projects_create.sync(client=alice, body=ProjectCreateRequest(slug="Not A Slug!", name="x"))
    assert isinstance(invalid, Problem) and invalid.status == 400
    assert [error.field for error in invalid.errors] == ["slug"]
    wrong = AuthenticatedClient(base_url=live_keel.url, token="keel_wrong")
    denied = projects_retrieve.sync_detailed(project="nope", client=wrong)
    assert denied.status_code == HTTPStatus.UNAUTHORIZED and isinstance(denied.parsed, Problem)
