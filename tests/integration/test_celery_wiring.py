from __future__ import annotations

import uuid

import pytest

from core.models import Heartbeat
from core.tasks import heartbeat

pytestmark = pytest.mark.integration


def test_real_worker_round_trip_through_redis_and_postgres(celery_worker_proc):
    token = uuid.uuid4().hex
    result = heartbeat.apply_async(args=[token])
    payload = result.get(timeout=60)
    assert payload["token"] == token
    row = Heartbeat.objects.get(token=token)  # written by the worker process, read here
    assert row.worker == payload["worker"]
    # Idempotent: a redelivered message does not create a second row.
    heartbeat.apply_async(args=[token]).get(timeout=60)
    assert Heartbeat.objects.filter(token=token).count() == 1
