"""Training on a Dask cluster (DASK_SCHEDULER_ADDRESS) gives the same result as on local processes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import TestCase

from core.storage import blob_read_verified
from registry.models import RunArtifact
from training.models import JobStatus, TrainingJob
from training.services import training_job_submit
from training.trainers.cluster import ClusterUnavailable, search_backend

distributed = pytest.importorskip("distributed")
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]  # a cluster starts slowly on a busy machine

SPEC = {
    "estimator": "random_forest",
    "search": {"kind": "random", "space": {"max_depth": [2, 4, None], "min_samples_leaf": [1, 3, 5]}, "n_iter": 4},
    "params": {"n_estimators": 20},
    "cv_folds": 3,
    "seed": 11,
    "n_jobs": 2,
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-process local Dask cluster on free ports (port 0), stopped at teardown."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
        worker_dashboard_address=None,
    ) as local:
        yield local.scheduler_address


def _job(team, version) -> tuple[dict[str, str], list[dict[str, object]]]:
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = training_job_submit(project=team.project, user=team.users["editor"], dataset_version=version, spec=SPEC)
    job = TrainingJob.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED, job.error
    artifact = RunArtifact.objects.get(run=job.run, path="search/cv_results.json")
    params = dict(job.run.params.values_list("key", "value"))
    return params, json.loads(blob_read_verified(artifact.sha256))


def test_training_job_on_a_dask_cluster_matches_local_processes(team, cancer_version, cluster, settings):
    settings.DASK_SCHEDULER_ADDRESS = ""
    local_params, local_results = _job(team, cancer_version)
    settings.DASK_SCHEDULER_ADDRESS = cluster
    dask_params, dask_results = _job(team, cancer_version)
    assert dask_params == local_params
    assert len(dask_results) == len(local_results) == 4
    by_index = {r["index"]: r for r in dask_results}
    for local in local_results:
        remote = by_index[local["index"]]
        assert remote["params"] == local["params"]
        assert remote["mean_test_score"] == pytest.approx(local["mean_test_score"], abs=1e-9)
        assert remote["fold_scores"] == pytest.approx(local["fold_scores"], abs=1e-9)


def test_search_backend_is_local_without_an_address_and_dask_with_one(cluster):
    with search_backend("") as local:
        assert local == "loky"
    with search_backend(cluster) as remote:
        assert remote == "dask"


def test_unreachable_scheduler_is_a_clear_error():
    with (
        pytest.raises(ClusterUnavailable, match="cannot reach the Dask scheduler"),
        search_backend("tcp://127.0.0.1:9", timeout=2),
    ):
        pass
