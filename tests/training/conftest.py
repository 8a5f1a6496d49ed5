from __future__ import annotations

import io

import pandas as pd
import pytest

from console.demo.data import breast_cancer_csv
from registry.services.datasets import dataset_version_upload


def upload_frame(team, name: str, data: bytes):
    return dataset_version_upload(
        project=team.project,
        user=team.users["editor"],
        dataset_name=name,
        fileobj=io.BytesIO(data),
        filename=f"{name}.csv",
    ).version


@pytest.fixture
def cancer_version(team):
    return upload_frame(team, "cancer", breast_cancer_csv())


@pytest.fixture
def diabetes_version(team):
    from sklearn.datasets import load_diabetes

    team.project.task_type = "regression"
    team.project.acceptance_criteria = [{"metric": "r2", "op": ">=", "threshold": 0.2}]
    team.project.save()
    frame: pd.DataFrame = load_diabetes(as_frame=True).frame
    return upload_frame(team, "diabetes", frame.to_csv(index=False).encode())


FAST_SPEC = {
    "estimator": "logistic_regression",
    "search": {"kind": "grid", "space": {"C": [0.1, 1.0]}},
    "cv_folds": 3,
    "seed": 7,
    "n_jobs": 1,
}
