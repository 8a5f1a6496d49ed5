from __future__ import annotations

from typing import Any

import pytest

from registry.models import ModelVersion
from serving import inference, runtime
from tests.registry.models_helpers import cancer_frame, make_version


class InlineExecutor:
    """Runs shadow predictions synchronously so tests can see their log rows."""

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        fn(*args, **kwargs)


@pytest.fixture(autouse=True)
def _fresh_runtime(monkeypatch):
    runtime.models.clear()
    runtime.routes.forget()
    monkeypatch.setattr(inference, "SHADOW_EXECUTOR", InlineExecutor())
    yield
    runtime.models.clear()
    runtime.routes.forget()


def approved(team, **kwargs) -> ModelVersion:
    version = make_version(team.project, team.users["editor"], **kwargs)
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    return version


@pytest.fixture
def v1(team) -> ModelVersion:
    return approved(team)


@pytest.fixture
def v2(team) -> ModelVersion:
    return approved(team, c=0.05)


def rows(n: int = 1, start: int = 0) -> list[dict[str, float]]:
    frame = cancer_frame().drop(columns=["target"]).iloc[start : start + n]
    return [{k: float(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def labels(n: int, start: int = 0) -> list[int]:
    return [int(v) for v in cancer_frame()["target"].iloc[start : start + n]]


def deploy(team, name: str = "api", version: int = 1, role: str = "maintainer"):
    return team.client(role).post(
        f"/api/v1/projects/{team.project.slug}/deployments/",
        {"name": name, "model": "cancer", "version": version},
        format="json",
    )


def url(team, name: str = "api", suffix: str = "") -> str:
    return f"/api/v1/projects/{team.project.slug}/deployments/{name}/{suffix}"


def predict(client, team, payload: dict[str, Any], name: str = "api"):
    return client.post(url(team, name, "predict/"), payload, format="json")
