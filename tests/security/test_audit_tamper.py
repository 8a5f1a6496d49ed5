"""A database superuser cannot cut or rewrite the audit log without `verify_audit` noticing.

Each attack is done as such a superuser would (on real PostgreSQL, in committed transactions): TRUNCATE with the
guard lifted, deleting the newest rows with triggers off (``session_replication_role = replica``), and rewriting a
row then recomputing every hash after it with ``core.audit_chain.chained()``. The signed checkpoints in the
artifact storage, written by the beat task, are what the rows are checked against.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.audit import audit_record
from core.audit_chain import HASHED_FIELDS, chained
from core.models import AuditEvent, Project
from core.storage import artifact_storage
from tests.factories import ProjectFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the attacks are a PostgreSQL superuser's"),
]

ROOT = Path(__file__).resolve().parents[2]


def _events(project: Project | None, n: int) -> list[AuditEvent]:
    return [audit_record(action="test.event", actor=None, project=project, data={"i": i}) for i in range(n)]


def _checkpoint() -> str:
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue()


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _findings(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        _verify(*args)
    assert raised.value.returncode != 0
    return str(raised.value)


def _as_superuser(*statements: tuple[str, list[Any]]) -> None:
    """Run SQL in one committed transaction with the triggers off, as a superuser can."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)


def _stored(prefix: str = "audit-checkpoints") -> set[str]:
    storage = artifact_storage()
    found: set[str] = set()
    pending = [prefix]
    while pending:
        folder = pending.pop()
        if not storage.exists(folder):
            continue
        dirs, files = storage.listdir(folder)
        found |= {f"{folder}/{name}" for name in files}
        pending += [f"{folder}/{name}" for name in dirs]
    return found


def test_an_untouched_log_verifies_clean_against_its_checkpoints():
    alpha, beta = ProjectFactory(slug="alpha"), ProjectFactory(slug="beta")
    _events(alpha, 3)
    _events(beta, 2)
    _events(None, 2)
    _checkpoint()
    _events(alpha, 2)  # written after the checkpoint: still fine
    out = _verify()
    assert "Audit chain intact: 9 events verified" in out
    assert "3 chains checked against signed checkpoints" in out
    assert "project 'alpha'" in _verify("--project", "alpha")


def test_truncation_is_detected_by_project_and_sequence():
    alpha = ProjectFactory(slug="alpha")
    _events(alpha, 3)
    _events(None, 2)
    _checkpoint()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL keel.audit_allow_truncate = 'on'")
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 0
    report = _findings()
    assert "project 'alpha': truncated" in report
    assert "sequences 1-3 missing" in report
    assert "events without a project: truncated" in report
    assert "sequences 1-2 missing" in report
    assert "checkpoint 1 signed sequence 3" in report


def test_deleting_the_newest_rows_with_triggers_off_is_detected():
    alpha = ProjectFactory(slug="alpha")
    events = _events(alpha, 5)
    _checkpoint()
    _as_superuser(("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[3].pk, events[4].pk]))
    assert AuditEvent.objects.filter(project_slug="alpha").count() == 3
    report = _findings("--project", "alpha")
    assert "project 'alpha': tail deleted" in report
    assert "newest row is sequence 3" in report
    assert "sequences 4-5 missing" in report
    # the beat task's work does not sign the shortened chain: the finding stays
    with pytest.raises(CommandError, match=r"project 'alpha': rows up to sequence 5 .* missing; not signed"):
        _checkpoint()
    assert "sequences 4-5 missing" in _findings("--project", "alpha")


def test_a_rewritten_and_rechained_row_is_detected():
    alpha = ProjectFactory(slug="alpha")
    events = _events(alpha, 2)
    _checkpoint()  # signs sequence 2
    events += _events(alpha, 3)
    _checkpoint()  # signs sequence 5
    _as_superuser(("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"i": "forged"}', events[3].pk]))
    rows = list(AuditEvent.objects.filter(project_slug="alpha").order_by("id").values("id", *HASHED_FIELDS))
    _as_superuser(
        *[
            ("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, pk])
            for pk, prev, digest in chained(rows)
        ]
    )
    report = _findings("--project", "alpha")
    assert "project 'alpha': rewritten" in report
    assert "sequence 5" in report
    assert "sequences 3-5" in report  # sequence 2 still matches the first checkpoint


def test_a_rewritten_row_without_rechaining_names_its_sequence():
    alpha = ProjectFactory(slug="alpha")
    events = _events(alpha, 4)
    _checkpoint()
    _as_superuser(("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [events[1].pk]))
    report = _findings()
    assert f"event {events[1].pk} (project 'alpha'): hash does not match" in report
    assert "sequence 2" in report


def test_a_checkpoint_signed_with_another_key_is_detected():
    alpha = ProjectFactory(slug="alpha")
    events = _events(alpha, 5)
    _checkpoint()
    _as_superuser(("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[3].pk, events[4].pk]))
    # the attacker forges the next checkpoint to cover the shortened chain, with a key of their own
    first = json.loads(artifact_storage().open("audit-checkpoints/alpha/0000000001.json").read())
    from core import audit_checkpoints

    forged = audit_checkpoints.checkpoint_body(
        chain="alpha",
        number=2,
        sequence=3,
        event_id=events[2].pk,
        head_hash=events[2].hash,
        previous_digest=audit_checkpoints.digest(first),
    )
    forged["signature"] = audit_checkpoints.sign(forged, key="attacker-key-" + "x" * 40)
    artifact_storage().save("audit-checkpoints/alpha/0000000002.json", ContentFile(json.dumps(forged).encode()))
    report = _findings("--project", "alpha")
    assert "project 'alpha': checkpoint 2" in report and "bad signature" in report
    assert "sequences 4-5 missing" in report  # still judged against checkpoint 1


def test_a_missing_or_unreadable_checkpoint_is_reported():
    alpha = ProjectFactory(slug="alpha")
    _events(alpha, 1)
    _checkpoint()
    _events(alpha, 1)
    _checkpoint()
    _events(alpha, 1)
    _checkpoint()
    storage = artifact_storage()
    storage.delete("audit-checkpoints/alpha/0000000002.json")
    assert "project 'alpha': checkpoint 2 is missing" in _findings()
    storage.save("audit-checkpoints/alpha/0000000002.json", ContentFile(b"{not json"))
    assert "project 'alpha': checkpoint 2" in _findings() and "unreadable" in _findings()


def _checkpoint_task(task):
    """Run the beat task as the eager worker would and return its result (no join on a result object, which
    Celery refuses once any earlier test in the process has set up a worker pool)."""
    result = task.apply()
    assert result.successful(), result.traceback
    return result.result


def test_the_beat_task_checkpoints_each_changed_chain_once():
    from config.celery import app
    from core.tasks import audit_checkpoint

    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    assert "core.audit_checkpoint" in entries
    alpha, beta = ProjectFactory(slug="alpha"), ProjectFactory(slug="beta")
    _events(alpha, 2)
    _events(beta, 1)
    _events(None, 1)
    assert _checkpoint_task(audit_checkpoint) == {"written": 3}
    assert _stored() == {
        "audit-checkpoints/alpha/0000000001.json",
        "audit-checkpoints/beta/0000000001.json",
        "audit-checkpoints/@no-project/0000000001.json",
    }
    assert _checkpoint_task(audit_checkpoint) == {"written": 0}  # nothing changed: nothing written
    assert len(_stored()) == 3
    _events(alpha, 1)
    assert _checkpoint_task(audit_checkpoint) == {"written": 1}
    second = json.loads(artifact_storage().open("audit-checkpoints/alpha/0000000002.json").read())
    first = json.loads(artifact_storage().open("audit-checkpoints/alpha/0000000001.json").read())
    assert (first["sequence"], second["sequence"], second["events"]) == (2, 3, 3)
    last = AuditEvent.objects.filter(project_slug="alpha").order_by("-id").first()
    assert last is not None and (second["event_id"], second["head_hash"]) == (last.pk, last.hash)
    from core import audit_checkpoints

    assert second["previous_digest"] == audit_checkpoints.digest(first)
    assert not AuditEvent.objects.filter(action__icontains="checkpoint").exists()  # nothing of it in the database
    assert "Audit chain intact: 5 events verified" in _verify()


def test_an_acknowledged_loss_is_signed_with_its_reason_and_verifies_again():
    """After restoring an older backup the operator signs the chain as it is; the checkpoint keeps why."""
    alpha = ProjectFactory(slug="alpha")
    events = _events(alpha, 3)
    _checkpoint()
    _as_superuser(("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk]))  # what an older backup lacks
    assert "project 'alpha': tail deleted" in _findings() and "(sequence 3 missing)" in _findings()
    out = StringIO()
    call_command("audit_checkpoint", "--acknowledge", "restored from backup 2026-12-01", stdout=out)
    assert "project 'alpha': checkpoint 2 at sequence 2" in out.getvalue()
    second = json.loads(artifact_storage().open("audit-checkpoints/alpha/0000000002.json").read())
    assert second["acknowledged"] == "restored from backup 2026-12-01"
    assert "checkpoint 2" in _verify() and "Audit chain intact: 2 events verified" in _verify()
    _events(alpha, 2)
    _checkpoint()
    assert "checkpoint 3" in _verify()
    _as_superuser(("DELETE FROM core_auditevent WHERE id = %s", [AuditEvent.objects.order_by("-id").first().pk]))
    assert "project 'alpha': tail deleted" in _findings()  # an acknowledgement covers only what it signed


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh process, as every Keel process does first."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "KEEL_"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_requires_the_signing_key_and_the_embedded_default_generates_one(tmp_path):
    production = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/keel",
        "DJANGO_SECRET_KEY": "x7" * 30,
        "KEEL_DATA_DIR": str(tmp_path / "prod"),
    }
    result = _start(production)
    assert result.returncode != 0 and "KEEL_AUDIT_SIGNING_KEY" in result.stderr
    result = _start({**production, "KEEL_AUDIT_SIGNING_KEY": "short"})
    assert result.returncode != 0 and "KEEL_AUDIT_SIGNING_KEY" in result.stderr
    result = _start({**production, "KEEL_AUDIT_SIGNING_KEY": "k" * 40})
    assert result.returncode == 0, result.stderr
    result = _start({"KEEL_DATA_DIR": str(tmp_path / "embedded")})
    assert result.returncode == 0, result.stderr
    key = tmp_path / "embedded" / "audit_signing_key"
    assert len(key.read_text().strip()) >= 32 and key.stat().st_mode & 0o077 == 0
    assert key.read_text() != (tmp_path / "embedded" / "secret_key").read_text()


def test_only_restore_lifts_the_truncate_guard():
    """No code outside `manage.py restore` (core/backup.py's restore) sets keel.audit_allow_truncate."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    setters = [
        name
        for name in tracked.split()
        if not name.startswith(("tests/", "clients/"))
        and Path(name).suffix in {".py", ".sh", ".sql", ".yml", ".yaml", ".toml", ".cfg", ".ini"}
        and "audit_allow_truncate" in (ROOT / name).read_text(errors="replace")
    ]
    assert sorted(setters) == ["core/backup.py", "core/migrations/0004_audit_hash_chain.py"]
    source = (ROOT / "core/backup.py").read_text()
    restore = source[source.index("def backup_restore(") :]
    restore = restore[: restore.index("\ndef ", 1)]
    assert source.count("set_config('keel.audit_allow_truncate'") == 1
    assert "_allow_audit_truncate(True)" in restore and source.count("_allow_audit_truncate(True)") == 1
