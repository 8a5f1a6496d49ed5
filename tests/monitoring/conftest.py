from __future__ import annotations

import json
import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from core.storage import blob_put_bytes
from registry.models import ModelVersion
from registry.tabular import infer_schema, profile_frame
from serving import runtime
from serving.models import PredictionLog
from serving.services import deployment_create
from tests.registry.models_helpers import cancer_frame, make_version


@pytest.fixture(autouse=True)
def _fresh_runtime():
    runtime.models.clear()
    runtime.routes.forget()
    yield


def with_reference(version: ModelVersion) -> ModelVersion:
    frame = cancer_frame()
    profile = profile_frame(frame, infer_schema(frame))
    blob = blob_put_bytes(json.dumps(profile).encode())
    ModelVersion.objects.filter(pk=version.pk).update(reference_profile_sha256=blob.sha256, approval="approved")
    version.refresh_from_db()
    return version


@pytest.fixture
def served(team):
    version = with_reference(make_version(team.project, team.users["editor"]))
    deployment = deployment_create(project=team.project, user=team.users["maintainer"], name="api", version=version)
    return deployment, version


def log_rows(
    deployment,
    version,
    n: int,
    *,
    shift: float = 0.0,
    minutes_ago: float = 5,
    seed: int = 0,
    variant: str = "primary",
    features: tuple[str, ...] = (
        "mean_radius",
        "mean_texture",
        "mean_perimeter",
        "mean_area",
        "worst_radius",
        "worst_texture",
        "worst_perimeter",
        "worst_area",
        "mean_smoothness",
        "mean_compactness",
        "mean_concavity",
        "mean_concave_points",
        "mean_symmetry",
        "mean_fractal_dimension",
        "radius_error",
        "texture_error",
        "perimeter_error",
        "area_error",
    ),
):
    """Log ``n`` predictions drawn from the reference rows, with ``shift`` reference std added to ``features``."""
    frame = cancer_frame()
    rng = np.random.default_rng(seed)
    rows = frame.drop(columns=["target"]).iloc[rng.integers(0, len(frame), n)].copy()
    for name in features:
        rows[name] = rows[name] + shift * frame[name].std()
    created = timezone.now() - timedelta(minutes=minutes_ago)
    PredictionLog.objects.bulk_create(
        PredictionLog(
            prediction_id=uuid.uuid4(),
            request_id=f"r{i}",
            project_id=deployment.project_id,
            deployment_id=deployment.pk,
            revision_number=1,
            variant=variant,
            model_version_id=version.pk,
            inputs={k: float(v) for k, v in row.items()},
            outputs={"prediction": 1},
            latency_ms=2.0,
            created_at=created,
        )
        for i, (_, row) in enumerate(rows.iterrows())
    )
