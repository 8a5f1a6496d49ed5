"""Concurrent version creation gets distinct, gap-free numbers (real Postgres row locks, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.storage import blob_put_bytes
from registry.models import ModelVersion
from registry.services.models import model_version_create, registered_model_create
from tests.factories import ProjectFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_version_creation_gets_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres row locks")
    project, user = ProjectFactory(), UserFactory()
    model = registered_model_create(project=project, user=user, name="race")
    blob = blob_put_bytes(b"model bytes")
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            version = model_version_create(
                registered_model=model, user=user, source="run", artifact_sha256=blob.sha256, artifact_size=blob.size
            )
            numbers.append(version.number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(numbers) == list(range(1, 9))
    assert ModelVersion.objects.filter(registered_model=model).count() == 8
