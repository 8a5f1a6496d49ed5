"""Group commit of prediction-log rows (serving/prediction_log.py) on PostgreSQL: concurrent requests share a commit,
bad data fails only its own request, large batches go through COPY, a stalled write times its followers out."""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from typing import Any

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone

from serving import prediction_log
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
    log = prediction_log.LogWriter(wait_seconds=10)
    yield log
    log.close()


def stall_first_write(log: prediction_log.LogWriter) -> tuple[threading.Event, threading.Event]:
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


def send_behind_a_stalled_leader(
    log: prediction_log.LogWriter, rows: list[dict[str, Any]]
) -> list[BaseException | None]:
    """Write ``rows[0]`` from one thread and stall it; write each other row from its own thread once that write
    is under way; release it when all the others wait. Each thread checks, on its own connection, that its row is
    committed when ``write`` returns. The outcome of each row: None or what its write raised."""
    entered, release = stall_first_write(log)
    outcome: list[BaseException | None] = [None] * len(rows)

    def send(index: int) -> Any:
        def target() -> None:
            row = rows[index]
            try:
                log.write([log.encode(row)])
                assert PredictionLog.objects.filter(prediction_id=row["prediction_id"]).exists()
            except BaseException as exc:  # collected for the assertion
                outcome[index] = exc
            finally:
                connection.close()  # this thread's own Django connection

        return target

    threads = run_threads([send(0)])
    assert entered.wait(10)
    threads += run_threads([send(i) for i in range(1, len(rows))])
    deadline = time.monotonic() + 10
    while len(log._waiting) < len(rows) - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(log._waiting) == len(rows) - 1  # all the others wait behind the stalled leader
    release.set()
    for thread in threads:
        thread.join(10)
    return outcome


def test_a_lone_write_is_committed_before_it_returns(writer):
    row = values()
    writer.write([writer.encode(row)])
    stored = PredictionLog.objects.get(prediction_id=row["prediction_id"])
    assert stored.inputs == {"x": 1.5} and stored.outputs == {"prediction": 1} and stored.subject_id is None
    assert (writer.batches, writer.rows_written) == (1, 1)


@pytest.mark.parametrize("prepare", [True, False])
def test_every_column_type_round_trips_through_the_text_encoding(writer, prepare):
    """The writer spells values in PostgreSQL's text format itself: each type the log uses comes back equal."""
    from datetime import UTC, datetime, timedelta
    from datetime import timezone as tz

    writer.prepare = prepare
    at = datetime(2026, 3, 1, 23, 59, 58, 123456, tzinfo=tz(timedelta(hours=-5, minutes=-30)))
    row = values(
        created_at=at,
        request_id="ünïcødé ✓ 'quoted' \\ back\\slash",
        routing_key="patient-7",
        subject_id='subject "7"',
        inputs={"x": 0.1, "tag": "a\tb", "n": None, "flag": True},
        outputs={"prediction": "yes", "probabilities": {"no": 0.25, "yes": 0.75}},
        latency_ms=0.1 + 0.2,
        is_error=True,
        error="boom",
        shadow=True,
        flags=[{"field": "x", "code": "out_of_range"}],
        revision_number=2**31 - 1,
        project_id=2**62,
    )
    writer.write([writer.encode(row), writer.encode(values(request_id="second"))])
    stored = PredictionLog.objects.get(prediction_id=row["prediction_id"])
    for name, expected in row.items():
        assert getattr(stored, name) == expected, name
    assert stored.created_at == at.astimezone(UTC)
    assert writer._prepared == ({b"keel_log_2"} if prepare else set())


def test_a_naive_datetime_is_refused_before_it_reaches_the_database(writer):
    with pytest.raises(ValueError, match="naive datetime"):
        writer.encode(values(created_at=timezone.now().replace(tzinfo=None)))


@pytest.mark.parametrize("mode", ["on", "off"])
def test_the_writer_connection_commits_with_the_configured_synchronous_commit(mode):
    log = prediction_log.LogWriter(synchronous_commit=mode)
    try:
        log.write([log.encode(values())])
        assert log._conn.execute("SHOW synchronous_commit").fetchone()[0] == mode
    finally:
        log.close()
    with connection.cursor() as cursor:  # Django's own connections keep the server's setting
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def test_rows_queued_during_a_write_are_committed_together_by_the_next_leader(writer):
    rows = [values(request_id=f"r{i}") for i in range(8)]
    assert send_behind_a_stalled_leader(writer, rows) == [None] * 8
    assert writer.batches == 2 and writer.rows_written == 8  # one statement for the first, one for the other seven
    assert PredictionLog.objects.filter(prediction_id__in=[r["prediction_id"] for r in rows]).count() == 8


def test_rows_that_do_not_fit_a_batch_are_written_by_the_next_leader(writer):
    """``max_batch`` caps a statement: the oldest rows go first and every thread still returns only once its own
    rows are committed."""
    writer.max_batch = 2
    assert send_behind_a_stalled_leader(writer, [values(request_id=f"r{i}") for i in range(4)]) == [None] * 4
    assert (writer.batches, writer.rows_written) == (3, 4)  # 1, then the two oldest waiting, then the last


def test_bad_data_in_one_request_fails_that_request_alone(writer):
    bad = values(request_id="bad", inputs={"x": math.nan})  # JSON text "NaN": jsonb refuses it
    rows = [values(request_id="good0"), values(request_id="good1"), bad, values(request_id="good2")]
    outcome = send_behind_a_stalled_leader(writer, rows)
    assert isinstance(outcome[2], DatabaseError)
    assert outcome[0] is None and outcome[1] is None and outcome[3] is None
    assert PredictionLog.objects.filter(request_id__startswith="good").count() == 3
    assert not PredictionLog.objects.filter(prediction_id=bad["prediction_id"]).exists()


def test_an_interrupted_batch_fails_every_request_in_it(writer):
    """A write cut short by something other than a database error (say the worker is shutting down) must not leave
    the other threads of that batch believing their rows were written."""
    calls = []
    real = writer._write

    def write(rows: list[tuple[Any, ...]]) -> None:
        calls.append(len(rows))
        if len(calls) == 2:  # the batch of the threads that waited behind the stalled first write
            raise SystemExit("shutting down")
        real(rows)

    writer._write = write  # type: ignore[method-assign]
    rows = [values(request_id=f"r{i}") for i in range(4)]
    outcome = send_behind_a_stalled_leader(writer, rows)
    assert outcome[0] is None and calls == [1, 3]
    assert [type(o) for o in outcome[1:]].count(SystemExit) == 1  # the thread that led that batch
    interrupted = [o for o in outcome[1:] if isinstance(o, OperationalError)]
    assert len(interrupted) == 2 and all("interrupted" in str(o) for o in interrupted)
    assert PredictionLog.objects.filter(request_id__in=["r1", "r2", "r3"]).count() == 0
    assert not writer._leader  # the lead was released: the next write goes through
    writer.write([writer.encode(values(request_id="after"))])
    assert PredictionLog.objects.filter(request_id="after").exists()


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
    shared = prediction_log.writer()
    before = shared.rows_written
    with transaction.atomic():
        answer = inference.predict(table, inference.PredictRequest({"inputs": rows(2)}, "", False, "t", "in-txn"))
        transaction.set_rollback(True)
    assert shared.rows_written == before
    assert not PredictionLog.objects.filter(prediction_id__in=answer["prediction_ids"]).exists()


def _odd_rows(count: int) -> prediction_log.LogRows:
    """A request's rows with every value COPY must escape: shared and varying, JSON and plain, NULL and not."""
    shared = values(request_id="tab\there, back\\slash, new\nline, 100%", routing_key="r\r%s", caller="100%%")
    for name in ("prediction_id", "inputs", "outputs", "flags", "subject_id"):
        del shared[name]
    inputs = [{"x": float(i), "note": "é\\\t\n" if i % 3 == 0 else "plain"} for i in range(count)]
    return prediction_log.LogRows(
        shared,
        {
            "prediction_id": [str(uuid.uuid4()) for _ in range(count)],
            "inputs": inputs,
            "subject_id": [None if i % 2 else f"s\\{i}%d" for i in range(count)],
            "flags": [[] for _ in range(count)],
        },
        {
            "inputs": [json.dumps(row) for row in inputs],
            "outputs": [json.dumps({"prediction": i}) for i in range(count)],
        },
    )


def test_a_large_request_is_encoded_as_copy_lines_equal_to_the_tuple_spelling(writer):
    rows = _odd_rows(prediction_log.COPY_ABOVE + 5)
    encoded = writer.encode_rows(rows)
    assert isinstance(encoded, prediction_log.CopyLines) and len(encoded) == len(rows)
    assert encoded.text == prediction_log.copy_text([writer.encode(row) for row in rows.dicts()])
    assert isinstance(writer.encode_rows(_odd_rows(prediction_log.COPY_ABOVE)), list)  # one INSERT's worth: tuples


def test_copy_lines_and_tuples_of_other_requests_are_written_in_one_copy(writer):
    large, small = _odd_rows(prediction_log.COPY_ABOVE + 1), _odd_rows(3)
    entered, release = stall_first_write(writer)
    first = threading.Thread(target=writer.write, args=(writer.encode_rows(_odd_rows(1)),))
    first.start()
    assert entered.wait(10)
    queued = [threading.Thread(target=writer.write, args=(writer.encode_rows(r),)) for r in (large, small)]
    for thread in queued:
        thread.start()
    deadline = time.monotonic() + 10
    while len(writer._waiting) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in [first, *queued]:
        thread.join(10)
    assert (writer.batches, writer.rows_written) == (2, 1 + len(large) + len(small))
    for rows in (large, small):
        for row in rows.dicts():
            stored = PredictionLog.objects.get(prediction_id=row["prediction_id"])
            assert all(getattr(stored, name) == value for name, value in row.items() if name != "prediction_id")
