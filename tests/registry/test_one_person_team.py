"""The one-person team: a single account, a model trained in a plain notebook, the REST API and nothing else.

With ``require_human_approval: false`` the owner uploads, sets ``champion``, deploys and predicts with no second
account. With approval required, every refusal on the way names the next step.
"""

from __future__ import annotations

import io
import json

import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from core.models import AuditEvent
from core.services import project_create
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.registry.datasets_helpers import csv_bytes, upload
from tests.registry.models_helpers import cancer_frame

pytestmark = pytest.mark.django_db


def _notebook_model() -> tuple[bytes, list[dict[str, float]]]:
    """What a data scientist does in a notebook: fit a Pipeline, dump it with skops."""
    frame = cancer_frame()
    X, y = frame.drop(columns=["target"]), frame["target"]
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))]).fit(X, y)
    example = [{k: float(v) for k, v in row.items()} for row in X.head(3).to_dict(orient="records")]
    return sio.dumps(pipeline), example


def _solo(slug: str, *, require_human_approval: bool, criteria: list | None = None):
    owner = UserFactory(username=f"{slug}-solo")
    project_create(
        user=owner,
        slug=slug,
        name=slug,
        require_human_approval=require_human_approval,
        acceptance_criteria=criteria or [],
    )
    return owner, token_client(owner)


def _upload(client, slug: str, name: str = "churn"):
    data, example = _notebook_model()
    body = {"file": io.BytesIO(data), "format": "skops", "input_example": json.dumps(example)}
    return client.post(f"/api/v1/projects/{slug}/models/{name}/versions/upload/", body, format="multipart"), example


def _champion(client, slug: str, version: int = 1):
    return client.put(f"/api/v1/projects/{slug}/models/churn/aliases/champion/", {"version": version}, format="json")


def _deploy(client, slug: str):
    return client.post(
        f"/api/v1/projects/{slug}/deployments/", {"name": "api", "model": "churn", "alias": "champion"}, format="json"
    )


def test_one_owner_uploads_sets_champion_deploys_and_predicts(db):
    owner, client = _solo("solo", require_human_approval=False)
    uploaded, example = _upload(client, "solo")
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["approval"] == "approved"
    champion = _champion(client, "solo")
    assert champion.status_code == 200, champion.content
    deployed = _deploy(client, "solo")
    assert deployed.status_code == 201, deployed.content
    predicted = client.post("/api/v1/projects/solo/deployments/api/predict/", {"inputs": example}, format="json")
    assert predicted.status_code == 200, predicted.content
    event = AuditEvent.objects.get(action="approval.approve", project_slug="solo")
    assert event.actor == owner and event.data["automatic"] is True
    assert {c["name"] for c in event.data["checks"]} == {
        "acceptance_criteria",
        "validation_gate",
        "signature_compatibility",
    }


def test_a_missing_metric_says_how_to_evaluate_and_the_evaluation_approves(db):
    criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.8}]
    _, client = _solo("solo", require_human_approval=False, criteria=criteria)
    uploaded, _ = _upload(client, "solo")
    assert uploaded.status_code == 201 and uploaded.json()["approval"] == "pending", uploaded.content
    checks = client.get("/api/v1/projects/solo/models/churn/versions/1/checks/").json()
    acceptance = next(c for c in checks if c["name"] == "acceptance_criteria")
    assert not acceptance["passed"]
    assert "POST /api/v1/projects/solo/models/churn/versions/1/evaluate/" in acceptance["detail"]
    refused = _champion(client, "solo")
    assert refused.status_code == 409 and "checks/" in refused.json()["detail"], refused.content
    assert "override" in refused.json()["detail"]
    data = upload(client, "solo", "holdout", csv_bytes(cancer_frame().sample(200, random_state=1)))
    assert data.status_code == 201, data.content
    evaluated = client.post(
        "/api/v1/projects/solo/models/churn/versions/1/evaluate/",
        {"dataset": "holdout", "dataset_version": 1},
        format="json",
    )
    assert evaluated.status_code == 200, evaluated.content
    version = client.get("/api/v1/projects/solo/models/churn/versions/1/").json()
    assert version["approval"] == "approved", version
    assert _champion(client, "solo").status_code == 200


def test_a_maintainer_approves_their_own_version_over_a_failing_check_with_a_reason(db):
    criteria = [{"metric": "f1_macro", "op": ">=", "threshold": 0.999}]
    owner, client = _solo("solo", require_human_approval=False, criteria=criteria)
    _upload(client, "solo")
    base = "/api/v1/projects/solo/models/churn/versions/1/approval-requests/"
    filed = client.post(base, {"comment": "I know"}, format="json")
    assert filed.status_code == 201, filed.content
    decide = f"{base}{filed.json()['id']}/decide/"
    without = client.post(decide, {"decision": "approve"}, format="json")
    assert without.status_code == 409 and "override" in without.json()["detail"], without.content
    approved = client.post(
        decide, {"decision": "approve", "override": True, "override_reason": "pilot, watched by hand"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    event = AuditEvent.objects.get(action="approval.approve", project_slug="solo")
    assert event.data["override"] is True and event.data["failing_checks"] == ["acceptance_criteria"]
    assert event.data["override_reason"] == "pilot, watched by hand" and event.actor == owner


def test_with_approval_required_a_lone_owner_is_told_what_is_missing_at_each_step(db):
    _, client = _solo("strict", require_human_approval=True)
    uploaded, _ = _upload(client, "strict")
    assert uploaded.status_code == 201 and uploaded.json()["approval"] == "pending"
    versions = "/api/v1/projects/strict/models/churn/versions/1/"
    alias = _champion(client, "strict")
    assert alias.status_code == 409, alias.content
    assert f"POST {versions}approval-requests/" in alias.json()["detail"]
    deployed = client.post(
        "/api/v1/projects/strict/deployments/", {"name": "api", "model": "churn", "version": 1}, format="json"
    )
    assert deployed.status_code == 409 and "pending approval" in deployed.json()["detail"], deployed.content
    assert f"{versions}approval-requests/" in deployed.json()["detail"]
    filed = client.post(f"{versions}approval-requests/", {}, format="json")
    assert filed.status_code == 201, filed.content
    again = _champion(client, "strict")
    assert f"approval-requests/{filed.json()['id']}/decide/" in again.json()["detail"], again.content
    decided = client.post(
        f"{versions}approval-requests/{filed.json()['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert decided.status_code == 403, decided.content
    assert "another maintainer" in decided.json()["detail"] and "members/" in decided.json()["detail"]
    twice = client.post(f"{versions}approval-requests/", {}, format="json")
    assert twice.status_code == 409 and "decide/" in twice.json()["detail"], twice.content
