"""Demo steps for the data stage (called by `manage.py demo`): a real dataset that ships with scikit-learn."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from core.models import Project, User
from registry.models import Dataset
from registry.services import datasets as services

DATASET = "breast-cancer"


def breast_cancer_csv() -> bytes:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.copy()
    frame.columns = [str(c).replace(" ", "_") for c in frame.columns]
    frame["target"] = frame["target"].map(dict(enumerate(bunch.target_names)))
    return frame.to_csv(index=False).encode()


def upload_dataset(*, user: User, project: Project, out: Any) -> dict[str, Any]:
    result = services.dataset_version_upload(
        project=project,
        user=user,
        dataset_name=DATASET,
        fileobj=io.BytesIO(breast_cancer_csv()),
        filename="breast_cancer.csv",
        message="scikit-learn's bundled Wisconsin breast cancer data",
    )
    version = result.version
    out.write(
        f"    {'uploaded' if result.created else 'already had'} {version}: {version.row_count} rows x "
        f"{version.column_count} columns, sha256 {version.sha256[:12]}…\n"
    )
    dataset = Dataset.objects.get(pk=version.dataset_id)
    if not dataset.rules.exists():
        rules = services.validation_rules_generate(dataset=dataset, user=user, reference=version, tolerance=0.1)
        out.write(f"    generated {len(rules)} validation rules from v{version.number}\n")
    report = services.dataset_version_validate(version=version, user=user)
    out.write(f"    validation: {report.n_rules - report.n_failed}/{report.n_rules} rules passed -> {version.status}\n")
    return {"Dataset": f"{DATASET} v{version.number} ({version.row_count} rows, {version.status})"}


def steps() -> Iterator[tuple[str, Any]]:
    yield "Upload, profile and validate the breast cancer dataset", upload_dataset
