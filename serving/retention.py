"""Retention of the raw prediction log: Parquet exports of partitions, then dropping whole partitions.

A partition is dropped once its end is older than the raw retention of every project with rows in it (the
project's ``PredictionLogPolicy`` or ``KEEL_PREDICTION_RETENTION_DAYS``). Before that, each of those projects whose
policy asks for it gets its rows of the partition exported to one Parquet blob in artifact storage (a
``PredictionExport``, unique per project and partition, so a re-run after a crash skips what was exported).
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.storage import blob_delete, blob_open, blob_put
from registry.services.blobs import blob_referenced
from serving import partitions
from serving.models import PredictionExport, PredictionLog, PredictionLogPolicy

logger = logging.getLogger(__name__)
CHUNK = 20_000

SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("prediction_id", pa.string()),
        ("request_id", pa.string()),
        ("project_id", pa.int64()),
        ("deployment_id", pa.int64()),
        ("revision_number", pa.int64()),
        ("variant", pa.string()),
        ("model_version_id", pa.int64()),
        ("caller", pa.string()),
        ("routing_key", pa.string()),
        ("subject_id", pa.string()),
        ("inputs", pa.string()),  # JSON text
        ("outputs", pa.string()),  # JSON text
        ("latency_ms", pa.float64()),
        ("is_error", pa.bool_()),
        ("error", pa.string()),
        ("shadow", pa.bool_()),
        ("flags", pa.string()),  # JSON text
    ]
)
_JSON_FIELDS = {"inputs", "outputs", "flags"}
_FIELDS = [f.name for f in SCHEMA]


# --- policies ---------------------------------------------------------------------------------------------------


def policy_for(project_id: int) -> PredictionLogPolicy:
    """The project's policy, or an unsaved one holding the settings' defaults."""
    policy = PredictionLogPolicy.objects.filter(project_id=project_id).first()
    return policy or PredictionLogPolicy(
        project_id=project_id,
        raw_retention_days=settings.KEEL_PREDICTION_RETENTION_DAYS,
        rollup_retention_days=settings.KEEL_ROLLUP_RETENTION_DAYS,
    )


# --- Parquet ------------------------------------------------------------------------------------------------------


def _record(row: dict[str, Any]) -> dict[str, Any]:
    out = {name: row[name] for name in _FIELDS}
    out["prediction_id"] = str(row["prediction_id"])
    for name in _JSON_FIELDS:
        out[name] = json.dumps(row[name])
    return out


def _batches(project_id: int, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]:
    rows = (
        PredictionLog.objects.filter(project_id=project_id, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values(*_FIELDS)
    )
    chunk: list[dict[str, Any]] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(_record(row))
        if len(chunk) >= CHUNK:
            yield pa.RecordBatch.from_pylist(chunk, schema=SCHEMA)
            chunk = []
    if chunk:
        yield pa.RecordBatch.from_pylist(chunk, schema=SCHEMA)


def _store_table_batches(batches: Iterator[pa.RecordBatch]) -> tuple[str, int, int]:
    """Write batches to one Parquet file and store it as a blob: (sha256, size, rows)."""
    rows = 0
    with tempfile.TemporaryFile() as handle:
        with pq.ParquetWriter(handle, SCHEMA, compression="zstd") as writer:
            for batch in batches:
                writer.write_batch(batch)
                rows += batch.num_rows
        blob = blob_put(handle)
    return blob.sha256, blob.size, rows


def read_export(export: PredictionExport) -> pa.Table:
    with blob_open(export.sha256) as handle:
        return pq.read_table(pa.BufferReader(handle.read()))


def export_partition(*, project_id: int, partition: partitions.Partition) -> PredictionExport:
    """Export a project's rows of a partition (or return the export already made)."""
    existing = PredictionExport.objects.filter(project_id=project_id, partition=partition.name).first()
    if existing is not None:
        return existing
    sha256, size, rows = _store_table_batches(_batches(project_id, partition.start, partition.end))
    export = PredictionExport(
        project_id=project_id,
        partition=partition.name,
        range_start=partition.start,
        range_end=partition.end,
        sha256=sha256,
        size=size,
        row_count=rows,
    )
    try:
        with transaction.atomic():
            export.save()
    except IntegrityError:  # another worker exported it first
        return PredictionExport.objects.get(project_id=project_id, partition=partition.name)
    return export


def blob_release(sha256: str) -> None:
    """Delete an export's old blob once nothing references it any more."""
    if PredictionExport.objects.filter(sha256=sha256).exists() or blob_referenced(sha256):
        return
    blob_delete(sha256)


def export_rewrite_without(export: PredictionExport, *, column: str, value: str) -> list[str]:
    """Rewrite an export without the rows whose ``column`` (routing_key or subject_id) is ``value``: the
    prediction ids removed. The new file gets its own hash; the old blob goes once the transaction commits."""
    table = read_export(export)
    keep = [v != value for v in table.column(column).to_pylist()]
    removed_ids = [pid for pid, k in zip(table.column("prediction_id").to_pylist(), keep, strict=True) if not k]
    removed = len(removed_ids)
    if not removed:
        return []
    old = export.sha256
    kept = table.filter(pa.array(keep, type=pa.bool_()))
    export.sha256, export.size, export.row_count = _store_table_batches(iter(kept.to_batches()))
    export.erased_rows += removed
    export.rewritten_at = timezone.now()
    export.save(update_fields=["sha256", "size", "row_count", "erased_rows", "rewritten_at"])
    transaction.on_commit(lambda: blob_release(old))
    return removed_ids


# --- retention ----------------------------------------------------------------------------------------------------


def _expired(partition: partitions.Partition, project_ids: list[int], now: datetime) -> bool:
    return all(partition.end <= now - timedelta(days=policy_for(p).raw_retention_days) for p in project_ids)


def retention_apply(*, now: datetime | None = None) -> list[dict[str, Any]]:
    """Export (where asked) and drop every expired partition; what was dropped. Idempotent."""
    now = now or timezone.now()
    shortest = PredictionLogPolicy.objects.order_by("raw_retention_days").values_list("raw_retention_days", flat=True)
    floor = min([settings.KEEL_PREDICTION_RETENTION_DAYS, *shortest[:1]])
    dropped = []
    for partition in partitions.partitions_list():
        if partition.end > now - timedelta(days=floor):
            break  # oldest first: nothing later can be expired
        project_ids = partitions.partition_projects(partition)
        if not _expired(partition, project_ids, now):
            continue
        exports = [
            export_partition(project_id=p, partition=partition).pk
            for p in project_ids
            if policy_for(p).export_before_drop
        ]
        if partitions.partition_drop(partition):
            logger.info("prediction log partition %s dropped (exports %s)", partition.name, exports)
            dropped.append({"partition": partition.name, "projects": project_ids, "exports": exports})
    return dropped
