"""Time partitions of the prediction log on Postgres: created ahead of time, dropped whole by retention.

The table is range-partitioned by ``created_at`` (migration 0003) into partitions of ``KEEL_PREDICTION_PARTITION``
(day, week or month), named ``serving_predictionlog_p<YYYYMMDD>`` after their start, plus a DEFAULT partition
that catches anything no partition covers so an insert never fails. ``partitions_ensure`` creates the partitions
from today to ``KEEL_PREDICTION_PARTITIONS_AHEAD_DAYS`` ahead (moving any rows the default partition holds for
that range into the new partition); ``partitions_drop_expired`` (``serving.retention``) detaches and drops the
partitions older than every owning project's retention. On SQLite (the embedded default) the log is one plain
table and every function here does nothing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

TABLE = "serving_predictionlog"
DEFAULT_PARTITION = f"{TABLE}_default"
INTERVALS = ("day", "week", "month")
_LOCK_KEY = 7_263_514_001  # pg_advisory_xact_lock key serialising partition DDL
_NAME = re.compile(rf"^{TABLE}_p\d{{8}}$")
_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime
    end: datetime


def checked(name: str) -> str:
    """A partition name safe to put in DDL: only names of the form this module creates."""
    if not _NAME.match(name):
        raise ValueError(f"not a prediction log partition: {name!r}")
    return name


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def interval() -> str:
    return str(settings.KEEL_PREDICTION_PARTITION)


def partition_start(moment: datetime, unit: str) -> datetime:
    """The start (UTC midnight) of the partition holding ``moment``: the day, the ISO week's Monday, the month."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def partition_end(start: datetime, unit: str) -> datetime:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start + timedelta(days=32)).replace(day=1)
    return start + timedelta(days=1)


def partition_name(start: datetime) -> str:
    return f"{TABLE}_p{start:%Y%m%d}"


def _parse_bound(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def partitions_list() -> list[Partition]:
    """The range partitions (the DEFAULT one left out), oldest first."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
               JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
               WHERE p.relname = %s""",
            [TABLE],
        )
        rows = cursor.fetchall()
    out = []
    for name, bound in rows:
        match = _BOUND.search(bound or "")
        if match and _NAME.match(name):
            out.append(Partition(name, _parse_bound(match.group(1)), _parse_bound(match.group(2))))
    return sorted(out, key=lambda p: p.start)


def _overlaps(start: datetime, end: datetime, existing: list[Partition]) -> bool:
    return any(p.start < end and start < p.end for p in existing)


def _create(start: datetime, end: datetime) -> str | None:
    """Create one partition for [start, end), moving rows the default partition holds for it; None if covered."""
    name = partition_name(start)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        if _overlaps(start, end, partitions_list()):
            return None
        cursor.execute("SET LOCAL keel.partition_maintenance = 'on'")
        cursor.execute(f'CREATE TABLE "{name}" (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
        cursor.execute(
            f"""WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE created_at >= %s AND created_at < %s
                RETURNING *) INSERT INTO "{name}" SELECT * FROM moved""",  # noqa: S608 (names are ours, see _NAME)
            [start, end],
        )
        cursor.execute(f'ALTER TABLE {TABLE} ATTACH PARTITION "{name}" FOR VALUES FROM (%s) TO (%s)', [start, end])
    return name


def partitions_ensure(*, now: datetime | None = None, ahead_days: int | None = None) -> list[str]:
    """Create every missing partition from the one holding ``now`` to ``ahead_days`` ahead; the names created.

    Idempotent and safe with concurrent callers (DDL is serialised by an advisory lock and re-checked under it).
    """
    if not is_partitioned():
        return []
    now = now or timezone.now()
    ahead = settings.KEEL_PREDICTION_PARTITIONS_AHEAD_DAYS if ahead_days is None else ahead_days
    unit = interval()
    start, last = partition_start(now, unit), now + timedelta(days=ahead)
    existing = partitions_list()
    created = []
    while start <= last:
        end = partition_end(start, unit)
        if not _overlaps(start, end, existing) and (name := _create(start, end)):
            created.append(name)
        start = end
    return created


def partition_projects(partition: Partition) -> list[int]:
    """The projects with rows in a partition."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT project_id FROM "{checked(partition.name)}"')  # noqa: S608 (checked)
        return sorted(row[0] for row in cursor.fetchall())


def partition_drop(partition: Partition) -> bool:
    """Detach and drop one partition (DDL: the append-only trigger does not apply). False when already gone."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        if partition.name not in {p.name for p in partitions_list()}:
            return False
        cursor.execute(f'ALTER TABLE {TABLE} DETACH PARTITION "{checked(partition.name)}"')
        cursor.execute(f'DROP TABLE "{checked(partition.name)}"')
    return True


def partitions_ensure_for_dump(*, database: Path) -> None:
    """Create the prediction log partitions covering the rows of a backup's dump, so none lands in DEFAULT."""
    if not is_partitioned():
        return
    with database.open() as handle:
        times = [
            datetime.fromisoformat(row["fields"]["created_at"])
            for row in json.load(handle)
            if row.get("model") == "serving.predictionlog" and row["fields"].get("created_at")
        ]
    if times:
        first, last = min(times), max(times)
        partitions_ensure(now=first, ahead_days=math.ceil((last - first) / timedelta(days=1)))
