"""Disaster recovery: back up the database and every artifact blob to a directory, and restore from one.

Layout of a backup directory::

    manifest.json          what is inside, with sha256 and size of every file
    database.json          every table, in ``dumpdata``'s JSON (no natural keys: primary keys are kept as they are)
    blobs/ab/<sha256>      every content-addressed artifact blob

The database dump is Django's JSON serialization (what ``dumpdata`` writes, read back by ``loaddata``) so it
restores on any backend Keel runs on, except that datetimes keep their microseconds (``dumpdata`` rounds them to
milliseconds, which would break the audit log's hash chain, whose hashes cover ``created_at``). On PostgreSQL the
value of every sequence is recorded too and set back on restore, so ids continue exactly where they stopped (a
``loaddata`` alone would only move them to the highest id present, and the partitioned prediction log's
sequence is one of them).

On PostgreSQL the restore, in one transaction, lifts the audit log's TRUNCATE guard (``keel.audit_allow_truncate``,
``SET LOCAL``) for the flush only (the events are then loaded back as they were, hash chain included; this is
the only code that lifts it), and
creates the prediction log's time partitions covering the dumped rows before loading them.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, router, transaction
from django.dispatch import Signal
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from core.models import Backup, Project, User
from core.storage import CHUNK, artifact_storage, blob_exists, blob_iter, blob_put

# Sent inside the restore transaction, after the flush and before ``loaddata``, with ``database`` (the dump's
# path): an app whose tables need preparing (serving's log partitions) does it in a receiver.
restore_loading = Signal()

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"


@dataclass(frozen=True)
class RestoreResult:
    rows: int
    blobs_written: int
    blobs_present: int


def keel_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _hash_path(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def stored_blobs() -> Iterator[str]:
    """Every sha256 under ``blobs/`` of the artifact storage (works for local disk and S3 alike)."""
    storage = artifact_storage()
    if not storage.exists("blobs"):
        return
    for first in storage.listdir("blobs")[0]:
        for second in storage.listdir(f"blobs/{first}")[0]:
            yield from sorted(storage.listdir(f"blobs/{first}/{second}")[1])


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


class _ExactJSONEncoder(DjangoJSONEncoder):
    """``DjangoJSONEncoder`` without its rounding of datetimes and times to milliseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, time):
            return o.isoformat()
        return super().default(o)


def _dump_objects() -> Iterator[Any]:
    """Every row of every migrated, concrete model (base managers, primary key order): what ``dumpdata`` dumps."""
    for model in apps.get_models():
        if not model._meta.proxy and router.allow_migrate_model(DEFAULT_DB_ALIAS, model):
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()


def _dump(path: Path) -> None:
    with path.open("w") as stream:
        serializers.serialize("json", _dump_objects(), stream=stream, cls=_ExactJSONEncoder)


def _sequences() -> dict[str, int | None]:
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
        return {name: value for name, value in cursor.fetchall()}


def _copy_blob(sha256: str, target: Path) -> int:
    """Copy one blob out of storage, refusing bytes that no longer match their name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in blob_iter(sha256):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        raise Conflict(f"Artifact blob {sha256} does not match its hash: the storage is corrupt, backup stopped.")
    return size


def _blob_path(directory: Path, sha256: str) -> Path:
    return directory / "blobs" / sha256[:2] / sha256


def backup_create(*, out: Path) -> Backup:
    """Write a backup into ``out`` (new or empty), verify it by re-reading every file, and record it."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ValidationFailed(f"{out} is not empty.", errors=[{"field": "out", "message": "must be empty"}])
    out.mkdir(parents=True, exist_ok=True)
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():  # one snapshot: counts, sequences and the dump agree (repeatable read on Postgres)
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts, sequences = _row_counts(), _sequences()
        _dump(out / DATABASE)
        blobs: list[dict[str, Any]] = [
            {"sha256": sha, "size": _copy_blob(sha, _blob_path(out, sha))} for sha in stored_blobs()
        ]
    db_sha, db_size = _hash_path(out / DATABASE)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "keel_version": keel_version(),
        "created_at": timezone.now().isoformat(),
        "database": {"file": DATABASE, "vendor": connection.vendor, "sha256": db_sha, "size": db_size},
        "sequences": sequences,
        "counts": {"rows": counts, "total_rows": sum(counts.values()), "blobs": len(blobs)},
        "blobs": blobs,
        "total_bytes": db_size + sum(int(b["size"]) for b in blobs),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    manifest_sha, _ = _hash_path(out / MANIFEST)
    backup = Backup.objects.create(
        location=str(out.resolve()),
        size_bytes=manifest["total_bytes"],
        blob_count=len(blobs),
        row_count=manifest["counts"]["total_rows"],
        manifest_sha256=manifest_sha,
        keel_version=manifest["keel_version"],
    )
    backup_verify(directory=out)
    Backup.objects.filter(pk=backup.pk).update(verified=True, verified_at=timezone.now())
    backup.refresh_from_db()
    return backup


def backup_verify(*, directory: Path) -> dict[str, Any]:
    """Re-read every file of a backup and compare it with the manifest; return the manifest."""
    directory = Path(directory)
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"No readable {MANIFEST} in {directory}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise ValidationFailed(f"Unknown backup format {manifest.get('format')!r} (expected {FORMAT}).")
    expected = [(directory / DATABASE, manifest["database"]["sha256"], manifest["database"]["size"])]
    expected += [(_blob_path(directory, b["sha256"]), b["sha256"], b["size"]) for b in manifest["blobs"]]
    for path, sha256, size in expected:
        if not path.exists():
            raise Conflict(f"Backup file {path} is missing.")
        if _hash_path(path) != (sha256, size):
            raise Conflict(f"Backup file {path} does not match the manifest (sha256 {sha256}, {size} bytes).")
    return manifest


def target_is_empty() -> bool:
    return not (User.objects.exists() or Project.objects.exists() or next(stored_blobs(), None))


def backup_restore(*, directory: Path, force: bool = False) -> RestoreResult:
    """Restore a verified backup into this database and artifact storage (empty unless ``force``)."""
    directory = Path(directory)
    manifest = backup_verify(directory=directory)  # every hash checked before anything is written
    if not force and not target_is_empty():
        raise Conflict("The target database or artifact storage is not empty; restore refuses (use --force).")
    written = present = 0
    for blob in manifest["blobs"]:
        if blob_exists(blob["sha256"]):
            present += 1
            continue
        with _blob_path(directory, blob["sha256"]).open("rb") as handle:
            blob_put(handle, sha256=blob["sha256"], size=blob["size"])
        written += 1
    with transaction.atomic():
        _allow_audit_truncate(True)  # SET LOCAL: only this transaction, and only for the flush
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        _allow_audit_truncate(False)
        restore_loading.send(sender=None, database=directory / DATABASE)
        call_command("loaddata", str(directory / DATABASE), verbosity=0)
        _restore_sequences(manifest.get("sequences") or {})
    return RestoreResult(rows=manifest["counts"]["total_rows"], blobs_written=written, blobs_present=present)


def _allow_audit_truncate(allow: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('keel.audit_allow_truncate', %s, true)", ["on" if allow else "off"])


def _restore_sequences(sequences: dict[str, int | None]) -> None:
    if connection.vendor != "postgresql" or not sequences:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        known = {row[0] for row in cursor.fetchall()}
        for name, value in sequences.items():
            if name in known:
                cursor.execute("SELECT setval(%s, %s, %s)", [name, value or 1, value is not None])


def backup_latest_verified() -> Backup | None:
    return Backup.objects.filter(verified=True).order_by("-created_at").first()
