"""Disaster recovery end to end: back up a project, restore it into a fresh database and an empty artifact
storage (in other processes, as an operator would), and check it serves the same predictions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from console.demo.data import breast_cancer_csv
from core.models import Backup
from serving.models import PredictionLog
from tests.registry.models_helpers import cancer_frame, make_version
from tests.training.conftest import upload_frame

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]

VERIFY = r"""
import json, sys
import django
django.setup()
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from core.storage import blob_read_verified
from serving import inference, runtime
from serving.models import PredictionLog
from core.models import Project

manifest = json.load(open(sys.argv[1] + "/manifest.json"))
for blob in manifest["blobs"]:
    blob_read_verified(blob["sha256"])
counts = {m._meta.label: m._base_manager.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
call_command("verify_audit")  # raises (the script exits non-zero) at the first broken link of a hash chain
audit = "verified"
with connection.cursor() as cursor:  # the restored log went into time partitions, none into DEFAULT
    cursor.execute("SELECT count(*) FROM serving_predictionlog_default")
    in_default = cursor.fetchone()[0]
before = PredictionLog.objects.order_by("-id").values_list("id", flat=True).first()
project = Project.objects.get(slug=sys.argv[2])
table = runtime.routes.resolve(project.pk, "api")
rows = json.loads(sys.argv[3])
request = inference.PredictRequest({"inputs": rows}, "", False, "restore-check", "restore-check")
answer = inference.predict(table, request)
after = PredictionLog.objects.order_by("-id").values_list("id", flat=True).first()
print(json.dumps({"counts": counts, "audit": audit, "in_default": in_default, "predictions": answer["predictions"],
                  "probabilities": answer["probabilities"], "last_log_id_before": before, "new_log_id": after}))
"""


def _admin(sql: str) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


def _env(database: str, artifacts: Path) -> dict[str, str]:
    db = connection.settings_dict
    return dict(os.environ) | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}",
        "ARTIFACT_ROOT": str(artifacts),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def _run(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"{args[:3]} failed: {result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def restore_db():
    if connection.vendor != "postgresql":
        pytest.skip("needs Postgres")
    name = f"keel_prodops_restore_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_an_empty_database_serves_the_same_predictions(team, restore_db, tmp_path):
    from registry.models import DatasetVersion
    from registry.services.datasets import dataset_version_profile

    upload_frame(team, "cancer-data", breast_cancer_csv())
    for pk in DatasetVersion.objects.values_list("pk", flat=True):  # the profile task a worker runs after upload
        dataset_version_profile(version_id=pk)
    version = make_version(team.project, team.users["editor"])
    version.approval = "approved"
    version.save(update_fields=["approval"])
    client = team.client("maintainer")
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = client.post(
            f"/api/v1/projects/{team.project.slug}/deployments/",
            {"name": "api", "model": "cancer", "version": 1},
            format="json",
        )
    assert created.status_code == 201, created.content
    rows = cancer_frame().drop(columns=["target"]).head(8).to_dict(orient="records")
    before = client.post(
        f"/api/v1/projects/{team.project.slug}/deployments/api/predict/", {"inputs": rows}, format="json"
    )
    assert before.status_code == 200, before.content
    assert PredictionLog.objects.count() == 8

    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    backup = Backup.objects.get()
    manifest = json.loads((out / "manifest.json").read_text())
    assert backup.verified and backup.blob_count == manifest["counts"]["blobs"] >= 3  # data, profile, model
    assert manifest["counts"]["rows"]["serving.PredictionLog"] == 8 and manifest["keel_version"]
    assert {b["sha256"] for b in manifest["blobs"]} >= {version.artifact_sha256}
    assert manifest["counts"]["rows"]["core.AuditEvent"] > 0  # so the hash chain check below checks something

    artifacts = tmp_path / "restored-artifacts"
    env = _env(restore_db, artifacts)
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run([sys.executable, "manage.py", "restore", str(out)], env)
    refused = _run([sys.executable, "manage.py", "restore", str(out)], env, check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr

    checked = json.loads(
        _run([sys.executable, "-c", VERIFY, str(out), team.project.slug, json.dumps(rows)], env)
        .stdout.strip()
        .splitlines()[-1]
    )
    assert checked["audit"] == "verified" and checked["in_default"] == 0
    expected_counts = {k: v for k, v in manifest["counts"]["rows"].items() if k != "core.Backup"}
    assert {k: v for k, v in checked["counts"].items() if k in expected_counts and k != "serving.PredictionLog"} == {
        k: v for k, v in expected_counts.items() if k != "serving.PredictionLog"
    }
    assert checked["last_log_id_before"] == PredictionLog.objects.order_by("-id").first().pk
    assert checked["new_log_id"] > checked["last_log_id_before"]  # sequences continue where they stopped
    answer = before.json()
    assert checked["predictions"] == answer["predictions"] and checked["probabilities"] == answer["probabilities"]
    blobs = sorted(p.name for p in artifacts.rglob("*") if p.is_file())
    assert blobs == sorted(b["sha256"] for b in manifest["blobs"])


def test_restore_refuses_a_tampered_backup_before_writing(team, tmp_path, settings):
    make_version(team.project, team.users["editor"])
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out))
    blob = next((out / "blobs").rglob("*/*"))
    blob.write_bytes(blob.read_bytes() + b"x")
    from core.backup import backup_restore
    from core.errors import Conflict

    with pytest.raises(Conflict, match="does not match the manifest"):
        backup_restore(directory=out, force=True)


def test_backup_refuses_a_non_empty_directory(team, tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "stale.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "--out", str(tmp_path))
