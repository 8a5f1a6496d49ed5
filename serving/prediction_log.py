"""The prediction log's one writer: ``write_log`` and, on PostgreSQL, its group commit.

Every prediction is returned only after its audit row is committed. Committing each request's rows on its own
costs a statement, a commit and a WAL flush per request, plus Django's insert compiler: under load that cost half
the throughput. Here the request threads of a process share one writer connection and commit together, the way
databases group commits: a thread that finds no write in progress becomes the *leader* and writes its own rows
together with every row that other threads queued meanwhile (up to ``KEEL_PREDICTION_LOG_MAX_BATCH``), with one
prepared multi-row INSERT (COPY for large batches), then wakes the threads whose rows it wrote. Threads that
arrive while a write is in progress queue their rows and sleep, each on a lock of its own; the leader hands the lead
to the oldest of them, which writes the next batch. Uncontended, a request writes its own row with no
thread handoff; under load, batches grow by themselves. A request returns only when its rows are committed, and a
request whose rows failed gets the error (the view answers 503 and does not return the prediction).

A failed batch is retried request by request, so bad data in one request (say a value ``jsonb`` refuses) fails that
request alone. A connection found dead (the database restarted) is reopened once, as the per-request path did.

The INSERT goes straight to libpq (``PGconn.exec_prepared``, which releases the GIL while it waits): the writer
encodes its few column types as text itself (``_text``), so a statement costs one call instead of psycopg's cursor
machinery (adaptation, result handling), about a quarter of the client CPU per statement.

``KEEL_PREDICTION_LOG_SYNCHRONOUS_COMMIT`` sets PostgreSQL's ``synchronous_commit`` on this connection only. ``on``
waits for the WAL flush of every commit; ``off`` returns once the rows are committed in the database (visible to
every reader, safe if the web process dies) and leaves the flush to the WAL writer, so a crash of the database
server itself can lose the last few hundred milliseconds of log rows (never part of a batch, never corrupting).

The connection is opened from the ``default`` alias's settings on first use (a forked child starts afresh) and
closed by ``close()`` (tests call it before the test database is dropped).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models.fields import AutoFieldMixin
from django.db.utils import InterfaceError, OperationalError
from psycopg import pq

logger = logging.getLogger(__name__)

COPY_ABOVE = 64  # rows: below, one multi-row INSERT; above, COPY (fewer bytes, no parameter limit)


def log_columns() -> list[Any]:
    """The prediction log's fields a write supplies, in table order (no id: the database assigns it)."""
    from serving.models import PredictionLog

    return [
        f
        for f in PredictionLog._meta.concrete_fields
        if not getattr(f, "generated", False) and not isinstance(f, AutoFieldMixin)
    ]


@dataclass
class LogRows:
    """The prediction-log rows of one request: the values every row shares (written once), the values each row has
    (``varying``: one list per column), and JSON columns already spelled as JSON text (``texts``: one string per
    row, the JSON of the row's value; a column may be given both ways, or as text alone)."""

    shared: dict[str, Any]
    varying: dict[str, list[Any]]
    texts: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        columns = self.varying or self.texts
        return len(next(iter(columns.values()))) if columns else 0

    def dicts(self) -> list[dict[str, Any]]:
        """One field-name -> value mapping per row (the text-only columns parsed)."""
        columns = dict(self.varying)
        for name, texts in self.texts.items():
            if name not in columns:
                columns[name] = [json.loads(text) for text in texts]
        return [self.shared | dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


@dataclass(frozen=True)
class CopyLines:
    """One request's rows already in COPY's text format (``copy_text``'s spelling, each line ending in a newline):
    how a request of more than ``COPY_ABOVE`` rows is encoded, since its rows always go through COPY."""

    text: bytes
    count: int

    def __len__(self) -> int:
        return self.count


Encoded = list[tuple[bytes | None, ...]] | CopyLines  # one request's rows as the writer takes them

WAITING, WRITING, DONE, LEAD = "waiting", "writing", "done", "lead"


@dataclass
class _Pending:
    """One request's rows and where they are: queued (``waiting``), in a batch being written (``writing``),
    committed or failed (``done``), or handed the lead (``lead``: its thread writes the next batch)."""

    rows: Encoded
    state: str = WAITING
    error: BaseException | None = None
    wake: Any = field(default_factory=threading.Lock)  # held while its thread sleeps; released to wake it alone

    def __post_init__(self) -> None:
        self.wake.acquire()


class LogWriter:
    def __init__(
        self,
        alias: str = "default",
        max_batch: int = 512,
        wait_seconds: float = 30.0,
        prepare: bool = True,
        synchronous_commit: str = "on",
    ) -> None:
        self.alias = alias
        self.max_batch = max_batch
        self.prepare = prepare  # server-side prepared INSERTs (one per batch size up to COPY_ABOVE)
        self.wait_seconds = wait_seconds
        self.synchronous_commit = synchronous_commit
        self._mutex = threading.Lock()
        self._waiting: list[_Pending] = []  # queued while a batch is written, oldest first
        self._leader = False  # a thread is writing, or has been handed the lead
        self._conn: Any = None
        fields = log_columns()
        self._columns = [f.column for f in fields]
        self._json = [f.get_internal_type() == "JSONField" for f in fields]
        self._table = fields[0].model._meta.db_table
        self._statements: dict[int | str, str] = {}
        self._prepared: set[bytes] = set()  # statement names prepared on the current connection
        self.batches = 0  # statements written by this process (tests read it)
        self.rows_written = 0

    def encode(self, values: dict[str, Any]) -> tuple[bytes | None, ...]:
        """One row as the writer sends it: the fields' values in column order, in PostgreSQL's text format (JSON
        fields as JSON text)."""
        return tuple(
            json.dumps(values[name]).encode() if is_json else _text(values[name])
            for name, is_json in zip(self._columns, self._json, strict=True)
        )

    def encode_rows(self, rows: LogRows) -> Encoded:
        """A request's rows as the writer sends them (as ``encode`` spells each), each shared value encoded once;
        more than ``COPY_ABOVE`` rows as COPY lines (``copy_lines``)."""
        count = len(rows)
        if count > COPY_ABOVE:
            return self.copy_lines(rows)
        columns: list[Any] = []
        for name, is_json in zip(self._columns, self._json, strict=True):
            if name in rows.shared:
                value = rows.shared[name]
                columns.append(repeat(json.dumps(value).encode() if is_json else _text(value), count))
            elif is_json and name in rows.texts:
                columns.append([text.encode() for text in rows.texts[name]])
            elif is_json:
                columns.append([json.dumps(value).encode() for value in rows.varying[name]])
            else:
                columns.append([_text(value) for value in rows.varying[name]])
        return list(zip(*columns, strict=False))

    def copy_lines(self, rows: LogRows) -> CopyLines:
        """A request's rows in COPY's text format, equal to ``copy_text`` of ``encode_rows``' tuples: one line
        template per request (the shared values spelled and escaped once), filled with each row's varying values.
        Encoding tuples and joining them cost a 100-row request more CPU than the rest of its log write."""
        template, columns = [], []
        for name, is_json in zip(self._columns, self._json, strict=True):
            if name in rows.shared:
                value = rows.shared[name]
                encoded = json.dumps(value).encode() if is_json else _text(value)
                template.append(_NULL if encoded is None else _copy_escape(encoded).replace(b"%", b"%%"))
                continue
            template.append(b"%s")
            column: list[Any]
            if is_json and name in rows.texts:
                column = rows.texts[name]
            elif is_json:
                column = [json.dumps(value) for value in rows.varying[name]]
            else:
                column = [value if type(value) is str else _str(value) for value in rows.varying[name]]
            nulls = None in column
            joined = "".join(value for value in column if value is not None) if nulls else "".join(column)
            if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
                column = [value if value is None else _copy_escape(value.encode()).decode() for value in column]
            if nulls:
                column = ["\\N" if value is None else value for value in column]
            columns.append(column)
        line = b"\t".join(template).decode() + "\n"
        text = "".join([line % values for values in zip(*columns, strict=True)]) if columns else (line % ()) * len(rows)
        return CopyLines(text.encode(), len(rows))

    def write(self, rows: Encoded) -> None:
        """Write ``rows`` (alone or with other threads' rows) and return once they are committed; raise what the
        write raised.

        Each thread sleeps on a lock of its own: when a batch is committed the leader wakes exactly the threads whose
        rows it held, and hands the lead to the oldest thread still waiting (one wake-up), rather than waking every
        waiting thread to find out which one is next."""
        pending = _Pending(rows)
        with self._mutex:
            if self._leader:
                self._waiting.append(pending)
            else:
                self._leader = True
                pending.state = LEAD
        if pending.state != LEAD:
            self._sleep(pending)
        if pending.state == LEAD:
            self._lead(pending)
        if pending.error is not None:
            raise pending.error

    def _sleep(self, pending: _Pending) -> None:
        if pending.wake.acquire(timeout=self.wait_seconds):
            return
        with self._mutex:
            if pending.state in (WAITING, WRITING):
                if pending.state == WAITING:
                    self._waiting.remove(pending)  # taken back: nothing is written for it later
                raise OperationalError(f"the prediction log was not written within {self.wait_seconds:g} s")
        pending.wake.acquire()  # woken just as the wait ran out: the wake-up has been given

    def _lead(self, pending: _Pending) -> None:
        """Write ``pending`` with the oldest waiting rows (up to ``max_batch``), wake their threads, and pass the
        lead on to the next waiting thread, if any."""
        with self._mutex:
            batch, count = [pending], len(pending.rows)
            pending.state = WRITING
            while self._waiting and count + len(self._waiting[0].rows) <= self.max_batch:
                batch.append(self._waiting.pop(0))
                batch[-1].state = WRITING
                count += len(batch[-1].rows)
        committed = False
        try:
            self._commit(batch)
            committed = True
        finally:
            with self._mutex:
                for done in batch:
                    if not committed and done.error is None:  # interrupted: no waiting thread may think it written
                        done.error = OperationalError("the prediction log write was interrupted")
                    done.state = DONE
                    if done is not pending:
                        done.wake.release()
                if self._waiting:
                    successor = self._waiting.pop(0)
                    successor.state = LEAD
                    successor.wake.release()
                else:
                    self._leader = False

    def close(self) -> None:
        """Close the connection once no write is in progress (the next write opens a new one)."""
        while True:
            with self._mutex:
                if not self._leader:
                    self._disconnect()
                    return
            time.sleep(0.01)

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            self._write_reconnecting([pending.rows for pending in batch])
        except DatabaseError as exc:
            if len(batch) == 1 or isinstance(exc, (OperationalError, InterfaceError)):
                for pending in batch:
                    pending.error = exc
            else:  # one request's data may be at fault: retry each alone so only that one fails
                for pending in batch:
                    try:
                        self._write_reconnecting([pending.rows])
                    except Exception as single:
                        pending.error = single
        except Exception as exc:  # anything else must still reach every waiting request
            logger.exception("prediction log write failed")
            for pending in batch:
                pending.error = OperationalError(f"prediction log write failed: {exc}")

    def _write_reconnecting(self, parts: list[Encoded]) -> None:
        try:
            self._write(parts)
        except (InterfaceError, OperationalError):
            if self._conn is not None and not self._conn.closed:
                raise
            logger.warning("prediction log: database connection was lost; reconnecting once")
            self._disconnect()
            self._write(parts)

    def _write(self, parts: list[Encoded]) -> None:
        """Write the parts (each request's encoded rows) in one statement: COPY above ``COPY_ABOVE`` rows in all,
        else one INSERT."""
        count = sum(map(len, parts))
        wrapper = connections[self.alias]
        with wrapper.wrap_database_errors:
            conn = self._connect()
            if count > COPY_ABOVE:  # one statement in autocommit: all rows or none
                with conn.cursor() as cursor, cursor.copy(self._sql("copy")) as copy:
                    for part in parts:
                        copy.write(part.text if isinstance(part, CopyLines) else copy_text(part))
            else:
                self._insert(conn, [row for part in parts if not isinstance(part, CopyLines) for row in part])
        self.batches += 1
        self.rows_written += count

    def _insert(self, conn: Any, rows: list[tuple[bytes | None, ...]]) -> None:
        """One INSERT of ``rows`` in autocommit, through libpq directly (one call, the GIL released meanwhile)."""
        pgconn = conn.pgconn
        sql = self._sql(len(rows)).encode()
        params = [value for row in rows for value in row]
        if self.prepare:
            name = b"keel_log_%d" % len(rows)
            if name not in self._prepared:
                self._check(pgconn, pgconn.prepare(name, sql))
                self._prepared.add(name)
            result = pgconn.exec_prepared(name, params)
        else:
            result = pgconn.exec_params(sql, params)
        self._check(pgconn, result)

    @staticmethod
    def _check(pgconn: Any, result: Any) -> None:
        """Raise psycopg's exception for a failed command (Django's wrapper turns it into its own)."""
        if result.status == pq.ExecStatus.COMMAND_OK:
            return
        if pgconn.status != pq.ConnStatus.OK:  # the server went away: the caller reconnects once
            raise psycopg.OperationalError(pgconn.get_error_message())
        raise psycopg.errors.error_from_result(result)

    def _sql(self, rows: int | str) -> str:
        """The statement for ``rows`` rows (or COPY), from the model's table and columns only: no input in it."""
        if rows not in self._statements:
            ops = connections[self.alias].ops
            columns = ", ".join(ops.quote_name(c) for c in self._columns)
            table = ops.quote_name(self._table)
            if rows == "copy":
                self._statements[rows] = f"COPY {table} ({columns}) FROM STDIN"
            else:
                width = len(self._columns)  # PostgreSQL's own $n placeholders: psycopg sends the text as is
                values = ", ".join(
                    "(" + ", ".join(f"${at * width + col + 1}" for col in range(width)) + ")" for at in range(int(rows))
                )
                self._statements[rows] = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
        return self._statements[rows]

    def _connect(self) -> Any:
        if self._conn is None or self._conn.closed:
            params = connections[self.alias].get_connection_params()
            # Server-side parameters and native placeholders: no quoting and no query parsing in Python.
            params["cursor_factory"] = psycopg.RawCursor
            params["prepare_threshold"] = 0 if self.prepare else None  # 0: prepared on first use
            params["autocommit"] = True  # a single INSERT commits itself; COPY runs in an explicit transaction
            options = params.get("options", "")
            params["options"] = f"{options} -c synchronous_commit={self.synchronous_commit}".strip()
            self._conn = psycopg.connect(**params)
            self._prepared = set()
        return self._conn

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # closing a broken connection
                logger.debug("closing the prediction log connection failed", exc_info=True)


def _text(value: Any) -> bytes | None:
    """A prediction-log value in PostgreSQL's text format (the column types the log uses: timestamps, UUIDs,
    integers, floats, booleans, strings, NULL)."""
    if value is None:
        return None
    if value is True or value is False:
        return b"t" if value else b"f"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} in the prediction log")
        return value.isoformat().encode()
    if isinstance(value, float):
        return repr(value).encode()  # round-trips exactly; nan and inf spelled as PostgreSQL reads them
    return str(value).encode()


_NULL = b"\\N"
_COPY_ESCAPES = ((b"\\", b"\\\\"), (b"\t", b"\\t"), (b"\n", b"\\n"), (b"\r", b"\\r"))


def copy_text(rows: list[tuple[bytes | None, ...]]) -> bytes:
    """Rows in COPY's text format: values separated by tabs, ``\\N`` for NULL, and backslash, tab, newline and
    carriage return escaped with a backslash (a line with none of them, the usual case, is joined as it is)."""
    lines = []
    for row in rows:
        line = b"\t".join([_NULL if v is None else v for v in row])
        if line.count(b"\t") != len(row) - 1 or line.count(b"\\") != row.count(None) or b"\n" in line or b"\r" in line:
            line = b"\t".join([_NULL if v is None else _copy_escape(v) for v in row])
        lines.append(line)
    lines.append(b"")
    return b"\n".join(lines)


def _str(value: Any) -> str | None:
    """``_text`` as a string."""
    encoded = _text(value)
    return None if encoded is None else encoded.decode()


def _copy_escape(value: bytes) -> bytes:
    for char, escaped in _COPY_ESCAPES:
        value = value.replace(char, escaped)
    return value


WRITER: LogWriter | None = None
_WRITER_LOCK = threading.Lock()


def writer() -> LogWriter:
    global WRITER
    if WRITER is None:
        with _WRITER_LOCK:
            if WRITER is None:
                from django.conf import settings

                WRITER = LogWriter(
                    max_batch=settings.KEEL_PREDICTION_LOG_MAX_BATCH,
                    prepare=settings.KEEL_PREDICTION_LOG_PREPARED,
                    synchronous_commit=settings.KEEL_PREDICTION_LOG_SYNCHRONOUS_COMMIT,
                )
    return WRITER


def close() -> None:
    """Close this process's writer connection, if it has one (tests, before the database is dropped)."""
    if WRITER is not None:
        WRITER.close()


def _forget_after_fork() -> None:
    global WRITER
    WRITER = None  # the parent's connection, lock and queue are not the child's


os.register_at_fork(after_in_child=_forget_after_fork)


# --- the entry point ----------------------------------------------------------------------------------------


def _grouped() -> bool:
    return (
        settings.KEEL_PREDICTION_LOG_GROUP_COMMIT
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def write_log(rows: list[dict[str, Any]] | LogRows) -> None:
    """Write prediction-log rows (field name -> value, or one request's ``LogRows``) and return once they are
    committed.

    On Postgres, outside a transaction, the rows go through this process's group-commit writer (``writer()``):
    concurrent requests share one INSERT and one commit. Otherwise (SQLite, inside a
    transaction, or ``KEEL_PREDICTION_LOG_GROUP_COMMIT`` off) they are inserted here: one INSERT statement in
    autocommit when the batch fits one statement, else all batches in one transaction; a connection found dead (the
    database restarted since this process last used it) is reopened and the insert tried once more.
    """
    from serving.models import PredictionLog

    if settings.KEEL_BENCH_SKIP_PREDICTION_LOG:  # benchmark baseline only; refused by check --deploy
        return
    if _grouped():
        log = writer()
        log.write(log.encode_rows(rows) if isinstance(rows, LogRows) else [log.encode(row) for row in rows])
        return
    objects = [PredictionLog(**row) for row in (rows.dicts() if isinstance(rows, LogRows) else rows)]
    fields = log_columns()
    batch = max(1, connection.ops.bulk_batch_size(fields, objects))
    if len(objects) > batch or connection.in_atomic_block:
        PredictionLog.objects.bulk_create(objects, batch_size=batch)
        return
    try:
        PredictionLog.objects._insert(objects, fields=fields)  # type: ignore[attr-defined]
    except (InterfaceError, OperationalError):
        if connection.is_usable():
            raise
        logger.warning("prediction log: database connection was lost; reconnecting once")
        connection.close()
        PredictionLog.objects._insert(objects, fields=fields)  # type: ignore[attr-defined]
