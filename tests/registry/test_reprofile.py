"""Profiles stored before sketches are re-profiled by the registry migration 0008 and by `manage.py reprofile`."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.storage import blob_delete, blob_exists, blob_put_bytes, blob_read_verified
from monitoring.drift import compute_report
from registry.models import DatasetVersion, ModelVersion, RunArtifact
from registry.services import reprofile
from registry.services.datasets import dataset_version_upload
from serving.services import deployment_create
from tests.registry.models_helpers import make_version
from tests.training.conftest import FAST_SPEC

BEFORE = ("registry", "0007_model_alias_plural_name")
OLD_NOTE = "predates sketches"


def frame(n: int = 6000, seed: int = 0) -> pd.DataFrame:
    """More rows than the 5,000-value sample old profiles kept, so drift on an old profile carries its note."""
    rng = np.random.default_rng(seed)
    amount = rng.normal(50, 15, n).round(3)
    return pd.DataFrame(
        {
            "amount": amount,
            "duration": rng.lognormal(3, 0.6, n).round(3),
            "visits": rng.poisson(3, n),
            "plan": rng.choice(["basic", "plus", "pro"], n),
            "target": (amount + rng.normal(0, 10, n) > 55).astype(int),
        }
    )


def upload(team, name: str, data: pd.DataFrame) -> DatasetVersion:
    return dataset_version_upload(
        project=team.project,
        user=team.users["editor"],
        dataset_name=name,
        fileobj=io.BytesIO(data.to_csv(index=False).encode()),
        filename=f"{name}.csv",
    ).version


def old_format(profile: dict) -> dict:
    """A profile as Keel stored it before sketches: numeric columns without ``sketch`` and ``value_counts``."""
    columns = [{k: v for k, v in c.items() if k not in ("sketch", "value_counts")} for c in profile["columns"]]
    assert any("sample" in c for c in columns)
    return {**profile, "columns": columns}


def old_blob(sha256: str) -> tuple[str, int]:
    data = json.dumps(old_format(json.loads(blob_read_verified(sha256))), separators=(",", ":"), sort_keys=True)
    blob = blob_put_bytes(data.encode())
    return blob.sha256, blob.size


def migrate(target: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return MigrationExecutor(connection)


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def store_old_profiles(apps) -> None:
    """What an installation upgraded to sketches holds: every stored profile in the old format (historical models)."""
    for version in apps.get_model("registry", "DatasetVersion").objects.exclude(profile_sha256=""):
        version.profile_sha256 = old_blob(version.profile_sha256)[0]
        version.save(update_fields=["profile_sha256"])
    for artifact in apps.get_model("registry", "RunArtifact").objects.filter(path="data/training_profile.json"):
        artifact.sha256, artifact.size = old_blob(artifact.sha256)
        artifact.save(update_fields=["sha256", "size"])
    for version in apps.get_model("registry", "ModelVersion").objects.exclude(reference_profile_sha256=""):
        version.reference_profile_sha256 = old_blob(version.reference_profile_sha256)[0]
        version.save(update_fields=["reference_profile_sha256"])


def trained_deployment(team) -> tuple[ModelVersion, str]:
    upload(team, "churn", frame())
    response = team.client("editor").post(
        f"/api/v1/projects/{team.project.slug}/training-jobs/",
        {"dataset": "churn", "spec": FAST_SPEC, "register_model": "churn"},
        format="json",
    )
    assert response.status_code == 201, response.content
    version = ModelVersion.objects.get(registered_model__name="churn")
    ModelVersion.objects.filter(pk=version.pk).update(approval="approved")
    version.refresh_from_db()
    deployment_create(project=team.project, user=team.users["maintainer"], name="churn", version=version)
    base = f"/api/v1/projects/{team.project.slug}/deployments/churn/"
    current = frame(400, seed=1).drop(columns=["target"])
    current["amount"] += 8  # half a standard deviation: drifted, far from the threshold
    rows = current.to_dict(orient="records")
    for start in range(0, len(rows), 100):
        predicted = team.client("predictor").post(
            base + "predict/", {"inputs": rows[start : start + 100]}, format="json"
        )
        assert predicted.status_code == 200, predicted.content
    return version, base


def report(team, base: str) -> dict:
    response = team.client("editor").post(base + "drift-reports/", {"window_minutes": 60}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["result"]


def assert_same_report(migrated: dict, fresh: dict) -> None:
    """The same verdicts and figures. KLL compaction is randomised, so two sketches of the same 6,000 values differ a
    little: over repeated profiles of this frame the Wasserstein distances spread by up to 0.005 (amount)."""
    assert migrated["dataset"]["drifted_columns"] == fresh["dataset"]["drifted_columns"]
    assert migrated["dataset"]["n_drifted"] == fresh["dataset"]["n_drifted"]
    assert migrated["prediction"] == fresh["prediction"]
    for got, want in zip(migrated["columns"], fresh["columns"], strict=True):
        assert {k: got[k] for k in ("name", "method", "drifted", "severity", "reference_count", "note")} == {
            k: want[k] for k in ("name", "method", "drifted", "severity", "reference_count", "note")
        }
        assert got["rank_error"] == pytest.approx(want["rank_error"])
        for key in ("statistic", "distance", "p_value"):
            if want[key] is None:
                assert got[key] is None
            else:
                assert got[key] == pytest.approx(want[key], abs=0.02), (got["name"], key)


@pytest.mark.django_db(transaction=True)
def test_migration_reprofiles_old_profiles_so_drift_reports_match_a_fresh_profile(team):
    version, base = trained_deployment(team)
    fresh = report(team, base)
    assert fresh["dataset"]["drifted_columns"] == ["amount"]
    assert all(c["note"] is None for c in fresh["columns"])
    try:
        executor = migrate([BEFORE])
        store_old_profiles(executor.loader.project_state([BEFORE]).apps)
        old = report(team, base)
        noted = {c["name"] for c in old["columns"] if c["note"] and OLD_NOTE in c["note"]}
        assert noted == {"amount", "duration", "visits"}
        stale = ModelVersion.objects.get(pk=version.pk).reference_profile_sha256
    finally:
        migrate_to_latest()
    version.refresh_from_db()
    assert version.reference_profile_sha256 != stale and not blob_exists(stale)  # repointed; the old blob is gone
    artifact = RunArtifact.objects.get(run=version.run, path="data/training_profile.json")
    assert artifact.sha256 == version.reference_profile_sha256  # registering the run again gets the new profile too
    migrated = report(team, base)
    assert all(c["note"] is None for c in migrated["columns"])
    assert_same_report(migrated, fresh)
    profile = team.client("viewer").get(
        f"/api/v1/projects/{team.project.slug}/datasets/churn/versions/1/profile/", {"include_sample": "true"}
    )
    amount = next(c for c in profile.json()["columns"] if c["name"] == "amount")
    assert amount["sketch"]["type"] == "kll_doubles"


def test_reprofile_command_dry_run_then_reprofiles_reports_gone_data_and_does_nothing_twice(
    team, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(reprofile, "CHUNK", 1)  # rows are read a chunk of keys at a time
    current = upload(team, "current", frame(300, seed=2))
    old = upload(team, "old", frame(5100, seed=4))
    gone = upload(team, "gone", frame(5200, seed=3))
    for version in (old, gone):
        version.profile_sha256 = old_blob(version.profile_sha256)[0]
        version.save(update_fields=["profile_sha256"])
    blob_delete(gone.sha256)
    before = {v.pk: v.profile_sha256 for v in (current, old, gone)}
    slug = team.project.slug
    scorer = _model_version(team, "scorer")  # a training profile of "old" without its name: found by lineage
    scorer.dataset_versions.set([old])
    cut = json.loads(blob_read_verified(old.profile_sha256))
    cut["columns"] = [c for c in cut["columns"] if c["name"] in ("amount", "plan")]
    ModelVersion.objects.filter(pk=scorer.pk).update(
        reference_profile_sha256=blob_put_bytes(json.dumps(cut).encode()).sha256
    )

    out = io.StringIO()
    call_command("reprofile", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"dataset version {slug}/old@v1: would re-profile (from its stored file)" in lines
    assert any(line.startswith(f"dataset version {slug}/gone@v1: kept (its file") for line in lines)
    assert not any("/current@" in line for line in lines)
    assert f"model version {slug}/scorer v1: would re-profile (from {slug}/old@v1, once that is re-profiled)" in lines
    assert lines[-1] == (
        "Dry run: would re-profile 2, kept 1 (data gone: drift reads their sample), failed 0, already current 1."
    )
    assert {v.pk: v.profile_sha256 for v in DatasetVersion.objects.all()} == before

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reprofile", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith(f"dataset version {slug}/old@v1: re-profiled (from its stored file; profile") for line in lines
    )
    assert any(line.startswith(f"model version {slug}/scorer v1: re-profiled (from {slug}/old@v1; ") for line in lines)
    assert lines[-1] == "re-profiled 2, kept 1 (data gone: drift reads their sample), failed 0, already current 1."
    old.refresh_from_db()
    gone.refresh_from_db()
    assert old.profile_sha256 != before[old.pk] and not blob_exists(before[old.pk])
    assert gone.profile_sha256 == before[gone.pk]
    reprofiled = json.loads(blob_read_verified(old.profile_sha256))
    stored = json.loads(blob_read_verified(gone.profile_sha256))
    drift_current = {"amount": frame(500, seed=5)["amount"].tolist()}
    for profile, note in ((reprofiled, False), (stored, True)):
        columns = [c for c in profile["columns"] if c["name"] == "amount"]
        result = compute_report({**profile, "columns": columns}, drift_current)["columns"][0]
        assert (OLD_NOTE in (result["note"] or "")) is note
    scored = json.loads(blob_read_verified(ModelVersion.objects.get(pk=scorer.pk).reference_profile_sha256))
    assert scored["columns"] == [c for c in reprofiled["columns"] if c["name"] in ("amount", "plan")]

    out = io.StringIO()
    call_command("reprofile", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "re-profiled 0, kept 1 (data gone: drift reads their sample), failed 0, already current 3."
    )
    assert DatasetVersion.objects.get(pk=old.pk).profile_sha256 == old.profile_sha256


def test_reprofile_reports_a_bad_row_and_goes_on_and_keeps_a_profile_whose_source_is_unknown(team):
    first = upload(team, "first", frame(300, seed=6))
    broken = upload(team, "broken", frame(300, seed=7))
    second = upload(team, "second", frame(300, seed=8))
    for version in (first, broken, second):
        version.profile_sha256 = old_blob(version.profile_sha256)[0]
        version.save(update_fields=["profile_sha256"])
    DatasetVersion.objects.filter(pk=broken.pk).update(profile_sha256=blob_put_bytes(b"not json").sha256)
    orphan = ModelVersion.objects.filter(pk=_model_version(team, "orphan").pk)
    orphan.update(reference_profile_sha256=old_blob(first.profile_sha256)[0])

    out = io.StringIO()
    with pytest.raises(CommandError, match=r"re-profiled 2, kept 1 .* failed 1, already current 0"):
        call_command("reprofile", stdout=out)
    lines = out.getvalue().splitlines()
    slug = team.project.slug
    assert any(line.startswith(f"dataset version {slug}/broken@v1: failed (JSONDecodeError") for line in lines)
    unknown = "no dataset version it was computed on is known; drift keeps reading its sample, with a note"
    assert f"model version {slug}/orphan v1: kept ({unknown})" in lines
    for version in (first, second):
        profile = json.loads(blob_read_verified(DatasetVersion.objects.get(pk=version.pk).profile_sha256))
        assert all(c["sketch"] for c in profile["columns"] if c["kind"] in ("numeric", "integer"))


def _model_version(team, name: str) -> ModelVersion:
    return make_version(team.project, team.users["editor"], name=name)
