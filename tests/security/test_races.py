"""Races: four clients released together by a barrier against real PostgreSQL, through the REST API.

The loser of a race gets the winner's result where the requests are identical, or a 409 naming the conflict and
the next step; never a 500 from a unique constraint, and nothing half-written.
"""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.conftest import token_client

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 4


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and unique-index waits")


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, all released at once; the responses in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except BaseException as exc:  # reported by the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _clients(team, role: str) -> list[Any]:
    clients = [token_client(team.users[role]) for _ in range(CLIENTS)]
    for client in clients:
        client.raise_request_exception = False
    return clients


def _statuses(responses: list[Any]) -> Counter:
    return Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)


def test_adding_the_same_new_member_at_once_answers_every_owner_with_the_membership(team):
    from core.models import AuditEvent, Membership
    from tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    url = f"/api/v1/projects/{team.project.slug}/members/"
    body = {"username": "newcomer", "role": "editor"}
    responses = race([lambda c=c: c.post(url, body, format="json") for c in _clients(team, "owner")])
    assert _statuses(responses) == {200: CLIENTS}, [r.content[:200] for r in responses]
    assert all(r.json()["role"] == "editor" for r in responses)
    assert Membership.objects.filter(project=team.project, user=newcomer).count() == 1
    assert AuditEvent.objects.filter(project=team.project, action="member.add").count() == 1


def test_the_first_put_of_a_new_alias_at_once_answers_every_client_with_the_alias(team):
    from registry.models import AliasEvent, ModelAlias
    from tests.registry.models_helpers import make_version

    make_version(team.project, team.users["editor"])
    url = f"/api/v1/projects/{team.project.slug}/models/cancer/aliases/candidate/"
    responses = race([lambda c=c: c.put(url, {"version": 1}, format="json") for c in _clients(team, "editor")])
    assert _statuses(responses) == {200: CLIENTS}, [r.content[:200] for r in responses]
    assert all(r.json()["version"] == 1 for r in responses)
    assert ModelAlias.objects.filter(name="candidate").count() == 1
    assert AliasEvent.objects.filter(alias="candidate").count() == 1  # one move, not four


def test_the_first_put_of_a_new_alias_to_different_versions_leaves_one_winner_and_a_consistent_history(team):
    from registry.models import AliasEvent, ModelAlias
    from tests.registry.models_helpers import make_version

    for c in (1.0, 0.5):
        make_version(team.project, team.users["editor"], c=c)
    url = f"/api/v1/projects/{team.project.slug}/models/cancer/aliases/candidate/"
    calls = [
        lambda c=c, i=i: c.put(url, {"version": 1 + i % 2}, format="json")
        for i, c in enumerate(_clients(team, "editor"))
    ]
    responses = race(calls)
    assert _statuses(responses) == {200: CLIENTS}, [r.content[:200] for r in responses]
    alias = ModelAlias.objects.get(name="candidate")
    last = AliasEvent.objects.filter(alias="candidate").order_by("-id").first()
    assert last is not None and last.version_number == alias.version.number


@pytest.fixture
def prediction_id(team) -> str:
    from registry.models import ModelVersion
    from tests.registry.models_helpers import make_version
    from tests.serving.conftest import deploy, rows

    version = make_version(team.project, team.users["editor"])
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    assert deploy(team).status_code == 201
    url = f"/api/v1/projects/{team.project.slug}/deployments/api/predict/"
    response = team.client("editor").post(url, {"inputs": rows(1)}, format="json")
    assert response.status_code == 200, response.content
    return str(response.json()["prediction_ids"][0])


def test_feedback_on_the_same_prediction_at_once_records_one_and_answers_the_others_409(team, prediction_id):
    from serving.models import Feedback

    url = f"/api/v1/projects/{team.project.slug}/deployments/api/feedback/"
    body = {"items": [{"prediction_id": prediction_id, "value": 1}]}
    responses = race([lambda c=c: c.post(url, body, format="json") for c in _clients(team, "editor")])
    assert _statuses(responses) == {201: 1, 409: CLIENTS - 1}, [r.content[:200] for r in responses]
    for conflict in (r for r in responses if r.status_code == 409):
        problem = conflict.json()
        assert "already" in problem["detail"] and "overwrite=true" in problem["detail"], problem
        assert problem["errors"][0]["field"] == "items[0].prediction_id"
    assert Feedback.objects.filter(prediction_id=prediction_id).count() == 1

    # With overwrite, every request is recorded in turn: one current value, the rest kept as history.
    body = {"items": [{"prediction_id": prediction_id, "value": 0}], "overwrite": True}
    responses = race([lambda c=c: c.post(url, body, format="json") for c in _clients(team, "editor")])
    assert _statuses(responses) == {201: CLIENTS}, [r.content[:200] for r in responses]
    assert Feedback.objects.filter(prediction_id=prediction_id).count() == 1 + CLIENTS
    assert Feedback.objects.filter(prediction_id=prediction_id, is_current=True).count() == 1


def test_uploading_versions_of_a_new_model_name_at_once_creates_the_model_once(team):
    from registry.model_io import save_pipeline
    from registry.models import ModelVersion, RegisteredModel
    from tests.registry.models_helpers import trained

    result = trained()
    data = save_pipeline(result.pipeline)
    example = json.dumps(result.input_example)
    url = f"/api/v1/projects/{team.project.slug}/models/fresh/versions/upload/"

    def upload(client: Any) -> Any:
        body = {"file": io.BytesIO(data), "format": "skops", "input_example": example}
        return client.post(url, body, format="multipart")

    responses = race([lambda c=c: upload(c) for c in _clients(team, "maintainer")])
    assert _statuses(responses) == {201: CLIENTS}, [r.content[:200] for r in responses]
    assert RegisteredModel.objects.filter(project=team.project, name="fresh").count() == 1
    numbers = sorted(ModelVersion.objects.filter(registered_model__name="fresh").values_list("number", flat=True))
    assert numbers == list(range(1, CLIENTS + 1))
