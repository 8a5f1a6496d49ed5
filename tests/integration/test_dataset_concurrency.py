"""Concurrent uploads to one dataset get distinct, gap-free version numbers (real Postgres, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.models import Project, User
from registry.models import DatasetVersion
from registry.services.datasets import dataset_version_upload
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.registry.datasets_helpers import csv_bytes, iris_like


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres row locks")
    project: Project = ProjectFactory()
    user: User = UserFactory()
    MembershipFactory(project=project, user=user, role="editor")
    payloads = [csv_bytes(iris_like(seed=i)) for i in range(6)]
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(payloads))

    def worker(data: bytes) -> None:
        import io

        try:
            barrier.wait()
            result = dataset_version_upload(
                project=project, user=user, dataset_name="race", fileobj=io.BytesIO(data), filename="x.csv"
            )
            numbers.append(result.version.number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert DatasetVersion.objects.filter(dataset__name="race").count() == 6
