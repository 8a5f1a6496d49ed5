"""Training jobs on a real Celery worker (Redis broker, Postgres): every search kind, cancellation, and a worker
killed with SIGKILL mid-job that still ends with exactly one finished run."""

from __future__ import annotations

import io
import time

import pytest
from django.db import transaction

from console.demo.data import breast_cancer_csv
from core import services as core_services
from registry.models import Run
from registry.services.datasets import dataset_version_upload
from tests.factories import UserFactory
from tests.integration.conftest import start_worker, stop_worker, wait_ready
from training import services, tasks
from training.models import TERMINAL, TrainingJob

pytestmark = pytest.mark.integration


def _setup(task_type: str = "classification"):
    user = UserFactory()
    project = core_services.project_create(user=user, slug=f"train-{task_type}", name="t", task_type=task_type)
    if task_type == "classification":
        data = breast_cancer_csv()
    else:
        from sklearn.datasets import load_diabetes

        data = load_diabetes(as_frame=True).frame.to_csv(index=False).encode()
    version = dataset_version_upload(
        project=project, user=user, dataset_name="data", fileobj=io.BytesIO(data), filename="data.csv"
    ).version
    return user, project, version


def _submit(user, project, version, spec, **extra) -> TrainingJob:
    with transaction.atomic():
        job = services.training_job_submit(project=project, user=user, dataset_version=version, spec=spec, **extra)
    return job


def _wait(job_ids, until=TERMINAL, timeout=240.0) -> list[TrainingJob]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = list(TrainingJob.objects.filter(pk__in=job_ids))
        if all(j.status in until for j in jobs):
            return jobs
        time.sleep(0.5)
    raise TimeoutError([(j.pk, j.status, j.progress_done, j.error) for j in TrainingJob.objects.filter(pk__in=job_ids)])


def _wait_progress(job_id, minimum=1, timeout=120.0) -> TrainingJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = TrainingJob.objects.get(pk=job_id)
        if job.status == "running" and job.progress_done >= minimum:
            return job
        assert job.status not in TERMINAL, (job.status, job.error)
        time.sleep(0.2)
    raise TimeoutError("job never made progress")


CLASSIFICATION_SPECS = {
    "none": {"estimator": "logistic_regression", "params": {"C": 1.0}},
    "grid": {"estimator": "decision_tree", "search": {"kind": "grid", "space": {"max_depth": [2, 4]}}},
    "random": {
        "estimator": "knn",
        "search": {"kind": "random", "n_iter": 3, "space": {"n_neighbors": {"dist": "randint", "low": 3, "high": 15}}},
    },
    "halving": {
        "estimator": "hist_gradient_boosting",
        "search": {"kind": "halving", "space": {"max_depth": [2, 3], "learning_rate": [0.1, 0.3]}},
    },
}
REGRESSION_SPECS = {
    "none": {"estimator": "ridge"},
    "grid": {"estimator": "lasso", "search": {"kind": "grid", "space": {"alpha": [0.01, 0.1, 1.0]}}},
    "random": {
        "estimator": "random_forest",
        "search": {"kind": "random", "n_iter": 2, "space": {"n_estimators": [10, 30], "max_depth": [3, 6]}},
    },
    "halving": {
        "estimator": "hist_gradient_boosting",
        "search": {"kind": "halving", "space": {"max_iter": [20, 40], "max_depth": [2, 4]}},
    },
}


@pytest.mark.parametrize(
    ("task_type", "specs"), [("classification", CLASSIFICATION_SPECS), ("regression", REGRESSION_SPECS)]
)
def test_every_search_kind_on_the_real_worker(celery_worker_proc, task_type, specs):
    user, project, version = _setup(task_type)
    ids = [_submit(user, project, version, {**spec, "cv_folds": 3}, run_name=kind).pk for kind, spec in specs.items()]
    jobs = _wait(ids)
    for job in jobs:
        assert job.status == "succeeded", (job.run_name, job.error)
        assert job.run is not None and job.run.status == "finished"
        assert job.progress_done == job.progress_total > 0
        assert job.worker.startswith("test-")
    key = "f1_macro" if task_type == "classification" else "r2"
    assert all(job.result["metrics"][key] > (0.85 if task_type == "classification" else 0.2) for job in jobs)


SLOW_SPEC = {
    "estimator": "random_forest",
    "cv_folds": 5,
    "n_jobs": 1,
    "search": {
        "kind": "grid",
        "space": {"n_estimators": [60, 80, 100, 120], "max_depth": [4, 6, 8, None], "min_samples_leaf": [1, 2]},
    },
}


def test_cancel_a_running_job(celery_worker_proc):
    user, project, version = _setup()
    job = _submit(user, project, version, SLOW_SPEC)
    _wait_progress(job.pk)
    services.training_job_cancel(job=job, user=user)
    (final,) = _wait([job.pk], timeout=60)
    assert final.status == "cancelled"
    assert final.run is None
    assert not Run.objects.filter(project=project).exists()


def test_killed_worker_mid_job_ends_with_exactly_one_run(celery_worker_proc):
    user, project, version = _setup()
    job = _submit(user, project, version, SLOW_SPEC)
    _wait_progress(job.pk, minimum=3)
    stop_worker(celery_worker_proc, sig=9)  # SIGKILL the whole worker: no ack, no cleanup
    replacement = start_worker()
    try:
        wait_ready()
        time.sleep(6)  # the dead worker's lease (5 s in tests) runs out
        assert tasks.training_jobs_reap() == [job.pk]
        (final,) = _wait([job.pk], timeout=240)
    finally:
        stop_worker(replacement)
    assert final.status == "succeeded", final.error
    assert final.attempts == 2
    runs = Run.objects.filter(project=project)
    assert runs.count() == 1
    assert runs.get().tags.get(key="keel.training_job").value == str(job.uid)
