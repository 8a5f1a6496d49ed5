"""The partitioned prediction log on Postgres: partitions ahead of time, append-only trigger, retention, erasure."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AuditEvent
from serving import partitions
from serving.models import Feedback, PredictionExport, PredictionLog, PredictionLogPolicy
from serving.retention import export_partition, read_export, retention_apply

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are Postgres-only")

DAY = datetime(2031, 3, 10, tzinfo=UTC)


def log(project_id: int, when: datetime, *, routing_key: str = "", subject_id: str | None = None, n: int = 1):
    rows = [
        PredictionLog(
            prediction_id=uuid.uuid4(),
            request_id=f"r{i}",
            project_id=project_id,
            deployment_id=1,
            revision_number=1,
            variant="primary",
            model_version_id=1,
            routing_key=routing_key,
            subject_id=subject_id,
            inputs={"x": float(i)},
            outputs={"prediction": 1},
            latency_ms=1.0,
            created_at=when + timedelta(minutes=i),
        )
        for i in range(n)
    ]
    PredictionLog.objects.bulk_create(rows)
    return rows


def holder(row: PredictionLog) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM serving_predictionlog WHERE id = %s", [row.pk])
        return str(cursor.fetchone()[0])


def test_partitions_are_created_ahead_and_inserts_land_in_them(db):
    created = partitions.partitions_ensure(now=DAY, ahead_days=3)
    assert created == [f"serving_predictionlog_p{DAY + timedelta(days=d):%Y%m%d}" for d in range(4)]
    assert partitions.partitions_ensure(now=DAY, ahead_days=3) == []  # idempotent
    (row,) = log(1, DAY + timedelta(days=2, hours=5))
    assert row.pk is not None and holder(row) == f"serving_predictionlog_p{DAY + timedelta(days=2):%Y%m%d}"


def test_rows_caught_by_the_default_partition_move_into_a_new_partition(db):
    (row,) = log(1, DAY + timedelta(hours=1))
    assert holder(row) == "serving_predictionlog_default"  # no partition yet: the insert still succeeds
    partitions.partitions_ensure(now=DAY, ahead_days=0)
    assert holder(row) == f"serving_predictionlog_p{DAY:%Y%m%d}"
    assert PredictionLog.objects.filter(pk=row.pk).count() == 1


def test_weekly_and_monthly_partitions(db, settings):
    settings.KEEL_PREDICTION_PARTITION = "week"
    (name,) = partitions.partitions_ensure(now=DAY, ahead_days=0)  # 2031-03-10 is a Monday
    assert name == "serving_predictionlog_p20310310"
    settings.KEEL_PREDICTION_PARTITION = "month"
    assert partitions.partitions_ensure(now=DAY + timedelta(days=30), ahead_days=0) == [
        "serving_predictionlog_p20310401"
    ]
    bounds = {p.name: (p.start, p.end) for p in partitions.partitions_list()}
    assert bounds["serving_predictionlog_p20310310"][1] == DAY + timedelta(days=7)
    assert bounds["serving_predictionlog_p20310401"] == (
        datetime(2031, 4, 1, tzinfo=UTC),
        datetime(2031, 5, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"routing_key": "patient-7"}, "predlog_project_routing_key"),
        ({"subject_id": "subject-7"}, "predlog_subject"),
    ],
)
def test_erasure_and_key_searches_use_the_partial_key_indexes(db, filters, index):
    """The key indexes leave out rows without a key (most rows: each index costs every insert), yet the searches by a
    key, which always name a non-empty value, still use them."""
    log(1, DAY, n=50)
    log(1, DAY, n=2, **filters)
    query = PredictionLog.objects.filter(project_id=1, **filters)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
        assert query.count() == 2
    used = re.search(r"Index Scan (?:using|on) (\S+)", plan)
    assert used, plan
    with connection.cursor() as cursor:  # the partition's index belongs to the partial index on the log
        cursor.execute(
            "SELECT parent.relname, pg_get_indexdef(parent.oid) FROM pg_inherits"
            " JOIN pg_class child ON child.oid = inhrelid JOIN pg_class parent ON parent.oid = inhparent"
            " WHERE child.relname = %s",
            [used.group(1)],
        )
        name, definition = cursor.fetchone()
    assert name == index and " WHERE " in definition


def test_update_and_delete_are_refused_outside_an_erasure(db):
    (row,) = log(1, DAY)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PredictionLog.objects.filter(pk=row.pk).update(caller="someone")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PredictionLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(RuntimeError), transaction.atomic():  # an erasure's transaction, rolled back at the end
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL keel.erasure = 'on'")
        assert PredictionLog.objects.filter(pk=row.pk).delete()[0] == 1
        raise RuntimeError("roll back")
    assert PredictionLog.objects.filter(pk=row.pk).exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():  # the setting went with it
        PredictionLog.objects.filter(pk=row.pk).delete()


def test_retention_exports_then_drops_whole_partitions(team, other_team):
    now = datetime(2031, 6, 1, tzinfo=UTC)
    partitions.partitions_ensure(now=now - timedelta(days=45), ahead_days=44)
    PredictionLogPolicy.objects.create(project=team.project, raw_retention_days=30, export_before_drop=True)
    old = log(team.project.pk, now - timedelta(days=45), n=3)
    log(team.project.pk, now - timedelta(days=10), n=2)
    kept_by_longer_policy = log(other_team.project.pk, now - timedelta(days=40))
    PredictionLogPolicy.objects.create(project=other_team.project, raw_retention_days=60)

    dropped = retention_apply(now=now)

    names = {d["partition"] for d in dropped}
    assert f"serving_predictionlog_p{now - timedelta(days=45):%Y%m%d}" in names
    assert f"serving_predictionlog_p{now - timedelta(days=40):%Y%m%d}" not in names  # other project keeps 60 days
    assert not PredictionLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert PredictionLog.objects.filter(pk=kept_by_longer_policy[0].pk).exists()
    assert PredictionLog.objects.filter(project_id=team.project.pk).count() == 2
    export = PredictionExport.objects.get(project=team.project)
    table = read_export(export)
    assert export.row_count == 3 and sorted(table.column("id").to_pylist()) == sorted(r.pk for r in old)
    assert not PredictionExport.objects.filter(project=other_team.project).exists()  # it did not ask for exports
    assert retention_apply(now=now) == []  # idempotent


def _export_of(team, when: datetime) -> PredictionExport:
    partition = next(p for p in partitions.partitions_list() if p.start <= when < p.end)
    return export_partition(project_id=team.project.pk, partition=partition)


def test_erasure_across_partitions_and_exports(team, other_team):
    partitions.partitions_ensure(now=DAY, ahead_days=2)
    mine = log(team.project.pk, DAY, routing_key="alice", n=2) + log(
        team.project.pk, DAY + timedelta(days=1), routing_key="alice"
    )
    bystander = log(team.project.pk, DAY, routing_key="bob")
    elsewhere = log(other_team.project.pk, DAY, routing_key="alice")  # another tenant: untouched
    export = _export_of(team, DAY)
    old_sha = export.sha256
    for row in [*mine, *bystander]:
        Feedback.objects.create(prediction_id=row.prediction_id, project_id=team.project.pk, deployment_id=1, value=1)

    url = f"/api/v1/projects/{team.project.slug}/erasures/"
    assert team.client("editor").post(url, {"routing_key": "alice"}, format="json").status_code == 403
    response = team.client("maintainer").post(url, {"routing_key": "alice"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["predictions_deleted"] == 3 and body["feedback_deleted"] == 3 and body["export_rows_removed"] == 2
    assert not PredictionLog.objects.filter(pk__in=[r.pk for r in mine]).exists()
    assert PredictionLog.objects.filter(pk__in=[r.pk for r in bystander + elsewhere]).count() == 2
    assert Feedback.objects.filter(project_id=team.project.pk).count() == 1
    export.refresh_from_db()
    assert export.sha256 != old_sha and export.row_count == 1 and export.erased_rows == 2
    assert read_export(export).column("routing_key").to_pylist() == ["bob"]
    event = AuditEvent.objects.get(action="prediction_log.erase")
    assert event.data["predictions_deleted"] == 3 and "alice" not in str(event.data)


def test_erasure_by_subject_and_bad_input(team):
    partitions.partitions_ensure(now=DAY, ahead_days=0)
    log(team.project.pk, DAY, subject_id="subject-7", n=2)
    log(team.project.pk, DAY, subject_id="subject-8")
    url = f"/api/v1/projects/{team.project.slug}/erasures/"
    client = team.client("owner")
    both = client.post(url, {"routing_key": "a", "subject_id": "b"}, format="json")
    neither = client.post(url, {}, format="json")
    assert both.status_code == neither.status_code == 400
    assert "routing_key" in str(both.json())
    response = client.post(url, {"subject_id": "subject-7"}, format="json")
    assert response.status_code == 201 and response.json()["predictions_deleted"] == 2
    assert PredictionLog.objects.filter(project_id=team.project.pk).count() == 1


def test_exports_are_listed_and_downloaded(team, other_team):
    partitions.partitions_ensure(now=DAY, ahead_days=0)
    log(team.project.pk, DAY, n=2)
    export = _export_of(team, DAY)
    base = f"/api/v1/projects/{team.project.slug}/prediction-exports/"
    listing = team.client("viewer").get(base)
    assert listing.status_code == 200 and [e["id"] for e in listing.json()["results"]] == [export.pk]
    download = team.client("viewer").get(f"{base}{export.pk}/download/")
    assert download.status_code == 200 and download["ETag"] == f'"{export.sha256}"'
    assert b"".join(download.streaming_content)[:4] == b"PAR1"
    foreign = other_team.client("viewer").get(
        f"/api/v1/projects/{other_team.project.slug}/prediction-exports/{export.pk}/"
    )
    assert foreign.status_code == 404


def test_policy_api(team):
    url = f"/api/v1/projects/{team.project.slug}/prediction-log-policy/"
    assert team.client("viewer").get(url).json()["raw_retention_days"] == 30
    assert team.client("editor").put(url, {"raw_retention_days": 7}, format="json").status_code == 403
    bad = team.client("maintainer").put(url, {"raw_retention_days": 0}, format="json")
    assert bad.status_code == 400 and "raw_retention_days" in str(bad.json())
    ok = team.client("maintainer").put(url, {"raw_retention_days": 7, "export_before_drop": True}, format="json")
    assert ok.status_code == 200 and ok.json()["raw_retention_days"] == 7
    assert PredictionLogPolicy.objects.get(project=team.project).export_before_drop is True
