"""Training jobs through the API and services, with Celery eager (the real worker is in tests/integration)."""

from __future__ import annotations

import pytest
from django.test import TestCase

from core.models import AuditEvent
from registry.models import Run, RunArtifact
from tests.training.conftest import FAST_SPEC
from training import jobs, services, tasks
from training.models import TrainingJob

pytestmark = pytest.mark.django_db


def _submit(team, dataset="cancer", role="editor", **body):
    """Submit through the API and run the on-commit enqueue (Celery is eager in unit tests)."""
    payload = {"dataset": dataset, "spec": FAST_SPEC, **body}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return team.client(role).post(f"/api/v1/projects/{team.project.slug}/training-jobs/", payload, format="json")


def test_classification_job_produces_a_complete_run(team, cancer_version):
    team.project.acceptance_criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.9}]
    team.project.save()
    response = _submit(team, experiment="baseline", code_version="abc123")
    assert response.status_code == 201, response.content
    job = TrainingJob.objects.get()
    assert job.status == "succeeded", job.error
    detail = team.client("viewer").get(f"/api/v1/projects/{team.project.slug}/training-jobs/{job.uid}/").json()
    assert detail["progress"]["fraction"] == 1.0
    assert detail["result"]["acceptance"]["passed"] is True
    run = Run.objects.get(run_id=detail["run_id"])
    assert run.status == "finished" and run.source == "training" and run.code_version == "abc123"
    assert run.experiment.name == "baseline"
    params = dict(run.params.values_list("key", "value"))
    assert params["estimator"] == "logistic_regression" and params["C"] in ("0.1", "1.0")
    metrics = dict(run.metric_summaries.values_list("key", "latest_value"))
    for key in (
        "accuracy",
        "f1_macro",
        "f1_weighted",
        "precision_macro",
        "recall_macro",
        "roc_auc",
        "log_loss",
        "cv_best_score",
    ):
        assert key in metrics, key
    assert metrics["f1_macro"] > 0.9
    assert run.metric_points.filter(key="cv_mean_test_score").count() == 2
    paths = set(RunArtifact.objects.filter(run=run).values_list("path", flat=True))
    assert {
        "model/model.skops",
        "model/signature.json",
        "search/cv_results.json",
        "evaluation/details.json",
        "evaluation/permutation_importance.json",
        "data/training_profile.json",
    } <= paths
    assert run.inputs.get().dataset_version == cancer_version
    assert dict(run.tags.values_list("key", "value"))["keel.acceptance"] == "passed"


def test_regression_job(team, diabetes_version):
    spec = {
        "estimator": "ridge",
        "search": {"kind": "random", "space": {"alpha": {"dist": "loguniform", "low": 0.01, "high": 10}}, "n_iter": 3},
        "cv_folds": 3,
        "n_jobs": 1,
    }
    response = _submit(team, dataset="diabetes", spec=spec)
    assert response.status_code == 201, response.content
    job = TrainingJob.objects.get()
    assert job.status == "succeeded", job.error
    assert {"mae", "rmse", "r2", "mape"} <= set(job.result["metrics"])
    assert job.result["acceptance"]["passed"] is True


def test_same_spec_and_seed_reproduce_identical_metrics(team, cancer_version):
    spec = {
        **FAST_SPEC,
        "estimator": "random_forest",
        "search": {"kind": "random", "n_iter": 2, "space": {"n_estimators": [20, 40], "max_depth": [3, 5, None]}},
    }
    _submit(team, spec=spec)
    _submit(team, spec=spec)
    first, second = TrainingJob.objects.order_by("created_at")
    assert first.status == second.status == "succeeded"
    assert first.result["metrics"] == second.result["metrics"]
    assert first.result["best_params"] == second.result["best_params"]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({**FAST_SPEC, "estimator": "gpt"}, "spec.estimator"),
        ({**FAST_SPEC, "estimator": "ridge"}, "spec.estimator"),
        ({**FAST_SPEC, "params": {"C": -1}}, "spec.params.C"),
        ({**FAST_SPEC, "params": {"flux": 1}}, "spec.params.flux"),
        ({**FAST_SPEC, "target": "nope"}, "spec.target"),
        ({**FAST_SPEC, "features": ["mean_radius", "ghost"]}, "spec.features[1]"),
        ({**FAST_SPEC, "cv_folds": 1}, "spec.cv_folds"),
        ({**FAST_SPEC, "scoring": "vibes"}, "spec.scoring"),
        ({**FAST_SPEC, "search": {"kind": "grid", "space": {"C": ["high"]}}}, "spec.search.space.C"),
    ],
)
def test_invalid_spec_is_400_naming_the_field_and_queues_nothing(team, cancer_version, spec, field):
    response = _submit(team, spec=spec)
    assert response.status_code == 400, response.content
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f == field or f.startswith(field) for f in fields), fields
    assert not TrainingJob.objects.exists()


def test_too_few_rows_per_class_for_the_folds(team):
    from tests.training.conftest import upload_frame

    csv = "x,target\n" + "".join(f"{i},{'a' if i < 40 else 'b'}\n" for i in range(43))
    upload_frame(team, "tiny", csv.encode())
    response = _submit(team, dataset="tiny", spec={**FAST_SPEC, "cv_folds": 5})
    assert response.status_code == 400
    assert "class" in response.json()["detail"].lower()


def test_invalid_dataset_version_is_refused_unless_overridden(team, cancer_version):
    cancer_version.status = "invalid"
    cancer_version.save()
    refused = _submit(team)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "dataset_version"
    allowed = _submit(team, allow_invalid_data=True)
    assert allowed.status_code == 201
    assert AuditEvent.objects.filter(action="dataset_version.invalid_override").count() == 1


def test_viewer_cannot_submit_and_other_project_cannot_see(team, other_team, cancer_version):
    assert _submit(team, role="viewer").status_code == 403
    _submit(team)
    job = TrainingJob.objects.get()
    url = f"/api/v1/projects/{team.project.slug}/training-jobs/{job.uid}/"
    assert other_team.client("owner").get(url).status_code == 404


def test_failure_while_recording_leaves_no_half_written_run(team, cancer_version, monkeypatch, settings):
    from pathlib import Path

    from registry.services import experiments

    real = experiments.run_artifact_put
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(experiments, "run_artifact_put", flaky)
    _submit(team)
    job = TrainingJob.objects.get()
    assert job.status == "failed"
    assert "disk full" in job.error
    assert not Run.objects.exists() and not RunArtifact.objects.exists()
    stored = {p.name for p in Path(settings.ARTIFACT_ROOT).rglob("*") if p.is_file()}
    assert stored == {cancer_version.sha256, cancer_version.profile_sha256}


def _queued_job(team, version, monkeypatch):
    monkeypatch.setattr(tasks, "training_job_enqueue", lambda job: None)  # submit and reap queue nothing
    return services.training_job_submit(
        project=team.project, user=team.users["editor"], dataset_version=version, spec=FAST_SPEC
    )


def test_cancel_queued_job(team, cancer_version, monkeypatch):
    job = _queued_job(team, cancer_version, monkeypatch)
    response = team.client("editor").post(f"/api/v1/projects/{team.project.slug}/training-jobs/{job.uid}/cancel/")
    assert response.json()["status"] == "cancelled"
    assert jobs.training_job_execute(job_id=job.pk) == "skipped"
    again = team.client("editor").post(f"/api/v1/projects/{team.project.slug}/training-jobs/{job.uid}/cancel/")
    assert again.status_code == 409


def test_cancel_running_job_stops_at_next_tick(team, cancer_version, monkeypatch):
    job = _queued_job(team, cancer_version, monkeypatch)
    from training import runner

    real_train = runner.train

    def train_then_cancel(frame, spec, **kwargs):
        TrainingJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        return real_train(frame, spec, **kwargs)

    monkeypatch.setattr(runner, "train", train_then_cancel)
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0.0)
    assert jobs.training_job_execute(job_id=job.pk) == "cancelled"
    assert not Run.objects.exists()


def test_claim_is_exclusive_and_expired_leases_are_reclaimed(team, cancer_version, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    job = _queued_job(team, cancer_version, monkeypatch)
    TrainingJob.objects.filter(pk=job.pk).update(
        status="running", attempts=1, lease_expires_at=timezone.now() + timedelta(seconds=30)
    )
    with pytest.raises(jobs.LeaseHeld):
        jobs.training_job_execute(job_id=job.pk)
    TrainingJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.training_jobs_reap() == [job.pk]
    assert jobs.training_job_execute(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.attempts == 2
    assert jobs.training_job_execute(job_id=job.pk) == "skipped"
    assert Run.objects.count() == 1


def test_attempt_cap_fails_poison_jobs(team, cancer_version, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    job = _queued_job(team, cancer_version, monkeypatch)
    TrainingJob.objects.filter(pk=job.pk).update(
        status="running", attempts=3, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert jobs.training_job_execute(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert "gave up after 3 attempts" in job.error
