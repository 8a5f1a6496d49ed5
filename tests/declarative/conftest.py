from __future__ import annotations

import copy
from typing import Any

import pytest

from registry.models import ModelVersion
from registry.services.models import model_alias_set
from serving import runtime
from tests.registry.models_helpers import cancer_frame, make_version
from tests.training.conftest import upload_frame

SPEC = {"estimator": "logistic_regression", "params": {"C": 1.0}, "cv_folds": 3, "n_jobs": 1}


@pytest.fixture(autouse=True)
def _fresh_runtime():
    runtime.models.clear()
    runtime.routes.forget()
    yield
    runtime.models.clear()
    runtime.routes.forget()


def seed_artifacts(team) -> list[ModelVersion]:
    """What configuration refers to but does not create: model versions (with an alias) and a dataset version."""
    versions = []
    for c in (1.0, 0.05):
        version = make_version(team.project, team.users["editor"], c=c)
        ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
        version.refresh_from_db()
        versions.append(version)
    model_alias_set(
        model=versions[0].registered_model,
        user=team.users["owner"],
        role="owner",
        alias="champion",
        version=versions[0],
    )
    upload_frame(team, "cancer", cancer_frame().to_csv(index=False).encode())
    return versions


@pytest.fixture
def seeded(team):
    return seed_artifacts(team)


def full_document(slug: str, usernames: dict[str, str]) -> dict[str, Any]:
    return copy.deepcopy(
        {
            "apiVersion": "keel/v1",
            "project": {
                "slug": slug,
                "name": "Alpha",
                "description": "declared",
                "task_type": "classification",
                "acceptance_criteria": [{"metric": "f1_macro", "op": ">=", "threshold": 0.8}],
                "require_human_approval": False,
            },
            "members": [
                {"username": usernames["owner"], "role": "owner"},
                {"username": usernames["maintainer"], "role": "maintainer"},
                {"username": usernames["viewer"], "role": "viewer"},
            ],
            "datasets": [
                {
                    "name": "cancer",
                    "description": "breast cancer",
                    "rules": [
                        {"kind": "not_null", "column": "mean_radius"},
                        {"kind": "range", "column": "mean_radius", "params": {"min": 0, "max": 100}},
                        {"kind": "row_count", "params": {"min": 10}},
                    ],
                }
            ],
            "channels": [
                {"name": "ops-mail", "kind": "email", "config": {"to": ["ops@example.com"]}},
                {
                    "name": "ops-hook",
                    "kind": "webhook",
                    "config": {"url": "https://hooks.example.com/keel", "secret": "s3cret-signing-key"},
                },
            ],
            "deployments": [
                {
                    "name": "api",
                    "description": "diagnosis",
                    "variants": [
                        {"name": "primary", "model": "cancer", "alias": "champion", "weight": 90},
                        {"name": "canary", "model": "cancer", "version": 2, "weight": 10, "role": "canary"},
                    ],
                }
            ],
            "drift": [{"deployment": "api", "window": "2h", "cadence": 30, "options": {"share_threshold": 0.4}}],
            "alert_rules": [
                {
                    "name": "drifting",
                    "deployment": "api",
                    "metric": "drift_share",
                    "threshold": 0.5,
                    "channels": ["ops-mail", "ops-hook"],
                },
                {
                    "name": "slow",
                    "deployment": "api",
                    "metric": "latency_p95",
                    "threshold": 250,
                    "severity": "critical",
                },
            ],
            "retraining_policies": [
                {
                    "name": "retrain",
                    "deployment": "api",
                    "alert_rules": ["drifting"],
                    "dataset": "cancer",
                    "spec": SPEC,
                    "model_name": "cancer",
                }
            ],
        }
    )


def team_document(team) -> dict[str, Any]:
    return full_document(team.project.slug, {role: user.username for role, user in team.users.items()})


def plan(client, document):
    return client.post("/api/v1/config/plan", {"document": document}, format="json")


def apply(client, document):
    return client.post("/api/v1/config/apply", {"document": document}, format="json")


def export(client, slug: str):
    return client.get(f"/api/v1/projects/{slug}/config/export")


def summary(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c["action"], c["kind"], c["name"]) for c in body["changes"]]
