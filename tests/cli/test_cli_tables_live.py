"""`keel` list commands, `keel drift` and `keel deployments watch` against a live Keel, at 80 and 150 columns:
identifiers whole, a default set of columns, --columns, --wide, --csv and --json."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core import services as core_services
from core.models import User
from monitoring.models import DriftReport
from registry.models import ModelVersion, RegisteredModel
from registry.services.experiments import experiment_get_or_create, run_create, run_log_batch
from registry.services.models import model_alias_set
from serving.models import Deployment
from serving.services import deployment_create
from tests.cli.helpers import keel, ok_json
from tests.registry.models_helpers import make_version
from tests.serving.conftest import rows as cancer_rows

pytestmark = pytest.mark.integration

SLUG = "tables-review-project-with-a-long-slug"
METRICS = [f"metric_number_{i:02d}" for i in range(30)] + ["f1_macro", "accuracy"]


def _seed(alice: User) -> dict:
    project = core_services.project_create(user=alice, slug=SLUG, name="Tables", require_human_approval=False)
    experiment = experiment_get_or_create(project=project, name="default", user=alice)
    run_ids = []
    for index in range(3):
        run = run_create(experiment=experiment, user=alice, name=f"run-{index}")
        points = [{"key": key, "value": 0.5 + index / 10} for key in METRICS]
        run_log_batch(run=run, user=alice, params={"C": str(index)}, metrics=points)
        run_ids.append(run.run_id)
    first = make_version(project, alice, name="diagnosis-model-long-name")
    second = make_version(project, alice, name="diagnosis-model-long-name", c=0.05)
    ModelVersion.objects.filter(pk__in=[first.pk, second.pk]).update(approval="approved")
    model = RegisteredModel.objects.get(project=project, name="diagnosis-model-long-name")
    for alias, version in (("champion", first), ("challenger", second)):
        model_alias_set(model=model, user=alice, role="owner", alias=alias, version=version)
    first.refresh_from_db()
    deployment_create(project=project, user=alice, name="diagnosis-api", version=first)
    return {"run_ids": [str(r) for r in run_ids]}


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_list_commands_drift_and_watch(live_keel, tmp_path):
    alice = User.objects.get(username="alice")
    seeded = _seed(alice)
    env = {"KEEL_URL": live_keel.url, "KEEL_TOKEN": live_keel.token, "KEEL_PROJECT": SLUG}

    def run(*args: str, width: int = 150):
        result = keel(*args, env=env | {"COLUMNS": str(width)}, config_home=tmp_path)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result.stdout

    for width in (80, 150):
        projects = run("projects", "list", width=width)
        assert SLUG in projects, projects
        assert all(len(line) <= width for line in _lines(projects)), projects
        found = run("runs", "search", width=width)
        for run_id in seeded["run_ids"]:
            assert run_id in found, found  # whole, so it can be pasted into `keel runs compare`
        assert "metrics.f1_macro" in found and "metric_number_07" not in found  # a default set, not 32 metrics
        assert "…" not in found  # what does not fit is left out and named, not squeezed
        assert all(len(line) <= width for line in _lines(found)), found
        models = run("models", "list", width=width)
        assert "diagnosis-model-long-name" in models
        assert "champion: 1" in models and "challenger: 2" in models and "{" not in models

    chosen = run("runs", "search", "--columns", "run_id,metrics.metric_number_07")
    assert "metrics.metric_number_07" in chosen and "experiment" not in chosen
    wide = run("runs", "search", "--wide", width=400)
    assert "metrics.metric_number_29" in wide and "params.C" in wide
    table = list(csv.DictReader(io.StringIO(run("runs", "search", "--csv", "--order-by", "metrics.f1_macro DESC"))))
    assert [row["run_id"] for row in table] == list(reversed(seeded["run_ids"]))
    assert float(table[0]["metrics.f1_macro"]) == pytest.approx(0.7)
    assert len(json.loads(run("runs", "search", "--json"))) == 3
    unknown = keel("runs", "search", "--columns", "run_id,nope", env=env, config_home=tmp_path)
    assert unknown.exit_code == 2 and "nope" in unknown.stderr and "run_id" in unknown.stderr
    versions_csv = list(csv.DictReader(io.StringIO(run("models", "versions", "diagnosis-model-long-name", "--csv"))))
    assert {row["version"]: row["aliases"] for row in versions_csv} == {"1": "champion", "2": "challenger"}

    # traffic, then the live counters (once, and two refreshes as `watch` draws them)
    rows_file = tmp_path / "rows.json"
    rows_file.write_text(json.dumps(cancer_rows(3)))
    for _ in range(2):
        run("deployments", "predict", "diagnosis-api", "-i", str(rows_file))
    watched = run("deployments", "watch", "diagnosis-api", "--once", width=120)
    assert "diagnosis-model-long-name v1" in watched and "requests" in watched
    counters = ok_json(keel("deployments", "watch", "diagnosis-api", "--json", env=env, config_home=tmp_path))
    assert counters[0]["requests"] == 6 and counters[0]["error_rate"] == 0
    refreshed = run("deployments", "watch", "diagnosis-api", "--iterations", "2", "--interval", "0.1")
    assert "diagnosis-api" in refreshed and "6" in refreshed

    # drift: config show/set, reports and the latest one feature by feature
    shown = ok_json(keel("drift", "config", "show", "diagnosis-api", "--json", env=env, config_home=tmp_path))
    changed = run("drift", "config", "set", "diagnosis-api", "--window-minutes", "90", "--per-variant", "--json")
    assert json.loads(changed)["window_minutes"] == 90 and json.loads(changed)["per_variant"] is True
    assert json.loads(changed)["cadence_minutes"] == shown["cadence_minutes"]  # what was not given stays
    nothing = keel("drift", "config", "set", "diagnosis-api", env=env, config_home=tmp_path)
    assert nothing.exit_code == 2 and "Nothing to change" in nothing.stderr
    assert "no drift report yet" in keel("drift", "latest", "diagnosis-api", env=env, config_home=tmp_path).stderr
    now = timezone.now()
    deployment = Deployment.objects.get(project__slug=SLUG, name="diagnosis-api")
    columns = [
        {"name": "mean_radius", "kind": "numeric", "method": "ks", "p_value": 0.001, "distance": None,
         "threshold": 0.05, "drifted": True, "severity": "drift", "current_count": 40},
        {"name": "mean_texture", "kind": "numeric", "method": "ks", "p_value": 0.6, "distance": None,
         "threshold": 0.05, "drifted": False, "severity": "none", "current_count": 40},
    ]  # fmt: skip
    for hours, drifted in ((2, False), (1, True)):
        DriftReport.objects.create(
            deployment=deployment,
            window_start=now - timedelta(hours=hours + 1),
            window_end=now - timedelta(hours=hours),
            status="ok",
            n_rows=40,
            dataset_drift=drifted,
            share_drifted=0.5 if drifted else 0.0,
            result={"columns": columns if drifted else [], "dataset": {}},
        )
    reports = run("drift", "reports", "diagnosis-api", width=80)
    assert reports.index("True") < reports.index("False")  # newest first
    latest = run("drift", "latest", "diagnosis-api", width=80)
    assert "DRIFT, 50% of columns drifted" in latest
    assert latest.index("mean_radius") < latest.index("mean_texture")  # drifted columns first
    features = list(csv.DictReader(io.StringIO(run("drift", "latest", "diagnosis-api", "--csv"))))
    assert [(row["name"], row["drifted"]) for row in features] == [("mean_radius", "True"), ("mean_texture", "False")]
