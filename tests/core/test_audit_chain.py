"""The audit log is hash-chained per project and append-only in Postgres; verify_audit finds tampering."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from core.audit import audit_record
from core.audit_chain import event_hash, verify_chain
from core.models import AuditEvent, Project, User
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is Postgres-only")


def _events(project: Project | None, n: int, actor: User | None = None) -> list[AuditEvent]:
    return [audit_record(action="test.event", actor=actor, project=project, data={"i": i}) for i in range(n)]


def _verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _without_trigger(change) -> None:  # type: ignore[no-untyped-def]
    """What someone with the table owner's rights could do: switch the trigger off, change rows, switch it on."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending (deferred) FK checks
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        change(cursor)
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _tamper(sql: str, params: list[object]) -> None:
    _without_trigger(lambda cursor: cursor.execute(sql, params))


def test_audit_record_links_each_event_to_the_previous_one_of_its_project():
    alpha, beta = ProjectFactory(slug="alpha"), ProjectFactory(slug="beta")
    a1, b1, a2, s1, a3, s2 = (
        audit_record(action="x", actor=None, project=p) for p in (alpha, beta, alpha, None, alpha, None)
    )
    assert [a1.prev_hash, a2.prev_hash, a3.prev_hash] == ["", a1.hash, a2.hash]
    assert b1.prev_hash == ""
    assert [s1.prev_hash, s2.prev_hash] == ["", s1.hash]
    assert len({a1.hash, a2.hash, a3.hash, b1.hash, s1.hash, s2.hash}) == 6
    assert "6 events verified" in _verify()
    assert "3 events verified" in _verify("--project", "alpha")


def test_hash_covers_the_stored_form_of_the_event():
    """What Postgres gives back (jsonb numbers, inet, timestamps) hashes like what was written."""
    project = ProjectFactory()
    event = audit_record(
        action="x", actor=UserFactory(), project=project, data={"big": 1e20, "neg0": -0.0, "n": [1.5, None], 3: "k"}
    )
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert event_hash(stored, stored["prev_hash"]) == event.hash
    assert "1 events verified" in _verify("--project", project.slug)


@needs_postgres
def test_verify_reports_the_first_broken_link_after_tampering():
    project = ProjectFactory(slug="alpha")
    events = _events(project, 4)
    _events(None, 2)
    _tamper("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    with pytest.raises(CommandError, match=rf"event {events[2].pk} \(project 'alpha'\): hash does not match"):
        _verify("--project", "alpha")
    with pytest.raises(CommandError, match=f"event {events[2].pk} "):
        _verify()
    assert "2 events verified" in _verify("--project", "")  # the chain without a project is intact


@needs_postgres
def test_verify_detects_a_deleted_event():
    project = ProjectFactory(slug="alpha")
    events = _events(project, 3)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=rf"event {events[2].pk} .*prev_hash does not match"):
        _verify("--project", "alpha")


def test_verify_command_exits_non_zero_on_a_broken_chain():
    """As a process: exit status 1 and the event id on stderr (checked without the shell, on the test DB)."""
    project = ProjectFactory(slug="alpha")
    events = _events(project, 2)
    if connection.vendor == "postgresql":
        _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["forged", events[0].pk])
    else:
        AuditEvent.objects.filter(pk=events[0].pk).update(action="forged")
    with pytest.raises(CommandError) as raised:
        _verify("--project", "alpha")
    assert raised.value.returncode == 1
    assert f"event {events[0].pk} " in str(raised.value)


@needs_postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'forged'",
        "UPDATE core_auditevent SET project_id = NULL, action = 'forged'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
    ],
)
def test_database_refuses_to_change_or_remove_audit_events(sql):
    _events(ProjectFactory(), 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL keel.audit_allow_truncate = 'off'")
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="test.event").count() == 1


def test_deleting_a_project_or_user_keeps_the_chain_verifiable():
    owner = UserFactory()
    project = ProjectFactory(slug="gone")
    _events(project, 2, actor=owner)
    project.delete()  # ON DELETE SET NULL is the one update the trigger lets through
    owner.delete()
    assert AuditEvent.objects.filter(project_slug="gone", project=None, actor=None).count() == 2
    assert "2 events verified" in _verify("--project", "gone")


@needs_postgres
def test_data_migration_chains_events_written_before_the_chain():
    project = ProjectFactory(slug="alpha")
    AuditEvent.objects.bulk_create(
        [AuditEvent(project=project, project_slug="alpha", action="old", data={"i": i}) for i in range(3)]
        + [AuditEvent(action="old-global")]
    )
    migration = importlib.import_module("core.migrations.0004_audit_hash_chain")
    _without_trigger(lambda cursor: migration.chain_existing_events(apps, None))
    rows = list(AuditEvent.objects.filter(project_slug="alpha").order_by("id").values())
    assert verify_chain(rows) == (3, None)
    assert rows[0]["prev_hash"] == "" and rows[1]["prev_hash"] == rows[0]["hash"]
    new = audit_record(action="new", actor=None, project=project)
    assert new.prev_hash == rows[-1]["hash"]
    assert "5 events verified" in _verify()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_a_project_chain():
    project = ProjectFactory(slug="busy")
    threads, per_thread = 6, 5
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(action="race", actor=None, project=project, data={"i": i})
                    audit_record(action="race", actor=None, project=None, data={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=write) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    prevs = list(AuditEvent.objects.filter(project_slug="busy").values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs)) == threads * per_thread  # no two events claim the same predecessor
    assert f"{2 * threads * per_thread} events verified" in _verify()
