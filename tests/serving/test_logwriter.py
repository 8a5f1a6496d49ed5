"""Group commit of prediction-log rows (serving/logwriter.py) on PostgreSQL: concurrent requests share a commit,
bad data fails only its own request, large batches go through COPY, a stalled write times its followers out."""

from __future__ import annotations

import math
import threading
import uuid
from typing import Any

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone

from serving import logwriter
from serving.models import PredictionLog

pytestmark = pytest.mark.django_db(transaction=True)


def values(**overrides: Any) -> dict[str, Any]:
    row = {
        "created_at": timezone.now(),
        "prediction_id": uuid.uuid4(),
        "request_id": "req",
        "project_id": 1,
        "deployment_id": 1,
        "revision_number": 1,
        "variant": "main",
        "model_version_id": 1,
        "caller": "tester",
        "routing_key": "",
        "subject_id": None,
        "inputs": {"x": 1.5},
        "outputs": {"prediction": 1},
        "latency_ms": 0.5,
        "is_error": False,
        "error": "",
        "shadow": False,
        "flags": [],
    }
    return row | overrides


@pytest.fixture
def writer():
    log = logwriter.LogWriter(wait_seconds=10)
    yield log
    log.close()


def stall_first_write(log: logwriter.LogWriter) -> tuple[threading.Event, threading.Event]:
    """Make the first write wait until released (``entered`` is set once it is waiting)."""
    entered, release = threading.Event(), threading.Event()
    real = log._write

    def write(rows: list[tuple[Any, ...]]) -> None:
        if not entered.is_set():
            entered.set()
            assert release.wait(10)
        real(rows)

    log._write = write  # type: ignore[method-assign]
    return entered, release


def run_threads(targets: list[Any]) -> list[threading.Thread]:
    threads = [threading.Thread(target=t) for t in targets]
    for thread in threads:
        thread.start()
    return threads


def test_a_lone_write_is_committed_before_it_returns(writer):
    row = values()
    writer.write([writer.encode(row)])
    stored = PredictionLog.objects.get(prediction_id=row["prediction_id"])
    assert stored.inputs == {"x": 1.5} and stored.outputs == {"prediction": 1} and stored.subject_id is None
    assert (writer.batches, writer.rows_written) == (1, 1)


def test_rows_queued_during_a_write_are_committed_together_by_the_next_leader(writer):
    entered, release = stall_first_write(writer)
    rows = [values(request_id=f"r{i}") for i in range(8)]
    errors: list[BaseException] = []

    def send(row: dict[str, Any]) -> Any:
        def target() -> None:
            try:
                writer.write([writer.encode(row)])
            except BaseException as exc:  # collected for the assertion
                errors.append(exc)

        return target

    first = run_threads([send(rows[0])])
    assert entered.wait(10)
    rest = run_threads([send(row) for row in rows[1:]])
    deadline = timezone.now().timestamp() + 10
    while len(writer._waiting) < 7 and timezone.now().timestamp() < deadline:
        threading.Event().wait(0.01)
    assert len(writer._waiting) == 7  # all seven wait behind the stalled leader
    release.set()
    for thread in first + rest:
        thread.join(10)
    assert not errors
    assert writer.batches == 2 and writer.rows_written == 8  # one statement for the first, one for the other seven
    assert PredictionLog.objects.filter(prediction_id__in=[r["prediction_id"] for r in rows]).count() == 8


def test_a_leader_whose_rows_did_not_fit_its_batch_writes_them_next(writer):
    """``max_batch`` caps a statement: the oldest rows go first and every thread still returns only once its own
    rows are committed."""
    writer.max_batch = 2
    entered, release = stall_first_write(writer)
    rows = [values(request_id=f"r{i}") for i in range(4)]
    errors: list[BaseException] = []

    def send(row: dict[str, Any]) -> Any:
        def target() -> None:
            try:
                writer.write([writer.encode(row)])
                assert PredictionLog.objects.filter(prediction_id=row["prediction_id"]).exists()
            except BaseException as exc:  # collected for the assertion
                errors.append(exc)
            finally:
                connection.close()  # this thread's own Django connection

        return target

    threads = run_threads([send(rows[0])])
    assert entered.wait(10)
    threads += run_threads([send(row) for row in rows[1:]])
    while len(writer._waiting) < 3:
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert (writer.batches, writer.rows_written) == (3, 4)  # 1, then the two oldest waiting, then the last


def test_bad_data_in_one_request_fails_that_request_alone(writer):
    entered, release = stall_first_write(writer)
    good = [values(request_id=f"good{i}") for i in range(3)]
    bad = values(request_id="bad", inputs={"x": math.nan})  # JSON text "NaN": jsonb refuses it
    outcome: dict[str, BaseException | None] = {}

    def send(name: str, row: dict[str, Any]) -> Any:
        def target() -> None:
            try:
                writer.write([writer.encode(row)])
                outcome[name] = None
            except BaseException as exc:  # collected for the assertion
                outcome[name] = exc

        return target

    threads = run_threads([send("good0", good[0])])
    assert entered.wait(10)
    threads += run_threads([send("good1", good[1]), send("bad", bad), send("good2", good[2])])
    while len(writer._waiting) < 3:
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert isinstance(outcome["bad"], DatabaseError)
    assert outcome["good0"] is None and outcome["good1"] is None and outcome["good2"] is None
    assert PredictionLog.objects.filter(prediction_id__in=[r["prediction_id"] for r in good]).count() == 3
    assert not PredictionLog.objects.filter(prediction_id=bad["prediction_id"]).exists()


def test_a_large_batch_is_copied_in_one_statement(writer):
    rows = [values(request_id="big", inputs={"x": float(i)}, subject_id=f"s{i}") for i in range(150)]
    writer.write([writer.encode(row) for row in rows])
    assert writer.batches == 1
    stored = dict(PredictionLog.objects.filter(request_id="big").values_list("subject_id", "inputs"))
    assert len(stored) == 150 and stored["s149"] == {"x": 149.0}


def test_a_stalled_write_times_out_its_followers(writer):
    writer.wait_seconds = 0.3
    entered, release = stall_first_write(writer)
    first = run_threads([lambda: writer.write([writer.encode(values())])])
    assert entered.wait(10)
    follower = values()
    with pytest.raises(OperationalError, match="not written within"):
        writer.write([writer.encode(follower)])
    assert not writer._waiting  # the follower took its rows back: nothing is written for it later
    release.set()
    first[0].join(10)
    assert not PredictionLog.objects.filter(prediction_id=follower["prediction_id"]).exists()


def test_predictions_in_a_transaction_do_not_use_the_writer(team, v1):
    """Inside an atomic block the rows must belong to that transaction: they are inserted on Django's connection."""
    from django.db import transaction

    from serving import inference, runtime
    from tests.serving.conftest import deploy, rows

    deploy(team)
    table = runtime.routes.resolve(team.project.pk, "api")
    shared = logwriter.writer()
    before = shared.rows_written
    with transaction.atomic():
        answer = inference.predict(table, inference.PredictRequest({"inputs": rows(2)}, "", False, "t", "in-txn"))
        transaction.set_rollback(True)
    assert shared.rows_written == before
    assert not PredictionLog.objects.filter(prediction_id__in=answer["prediction_ids"]).exists()
