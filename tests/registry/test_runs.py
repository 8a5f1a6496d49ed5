"""Run services: params, metric series and summaries, tags, batches, status, lifecycle, inputs, audit."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, NotFound, ValidationFailed
from core.models import AuditEvent
from registry.models import (
    Dataset,
    DatasetVersion,
    LifecycleStage,
    Run,
    RunInput,
    RunMetric,
    RunMetricSummary,
    RunParam,
    RunTag,
)
from registry.models.experiments import FLOAT_MAX
from registry.services.experiments import (
    experiment_delete,
    experiment_get_or_create,
    experiment_restore,
    run_create,
    run_delete,
    run_log_batch,
    run_log_input,
    run_restore,
    run_set_status,
    run_tag_delete,
    run_tag_set,
    run_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(team):
    return team.users["editor"]


@pytest.fixture
def experiment(team, editor):
    return experiment_get_or_create(project=team.project, name="churn", user=editor)


@pytest.fixture
def run(experiment, editor):
    return run_create(experiment=experiment, user=editor, name="first")


def _summary(run, key):
    return RunMetricSummary.objects.get(run=run, key=key)


def _version(project, name="customers", number=1):
    dataset, _ = Dataset.objects.get_or_create(project=project, name=name)
    return DatasetVersion.objects.create(
        dataset=dataset, number=number, sha256=f"{number:064x}", size=10, format="csv", row_count=3, column_count=2
    )


# --- run_create ---------------------------------------------------------------------------------------------------


def test_run_create_defaults(run, experiment, editor):
    assert len(run.run_id) == 32 and int(run.run_id, 16) >= 0
    assert run.project_id == experiment.project_id
    assert (run.status, run.lifecycle_stage, run.source, run.user) == ("running", "active", "manual", editor)
    assert run.end_time is None


def test_run_create_with_tags_source_and_start_time(experiment, editor):
    start = datetime(2024, 5, 1, tzinfo=UTC)
    run = run_create(
        experiment=experiment,
        user=editor,
        tags={"team": "risk"},
        code_version="3f2a1b",
        source="training",
        start_time=start,
    )
    assert dict(run.tags.values_list("key", "value")) == {"team": "risk"}
    assert (run.code_version, run.source, run.start_time) == ("3f2a1b", "training", start)


def test_run_create_rejects_bad_source_and_deleted_experiment(experiment, editor):
    with pytest.raises(ValidationFailed) as info:
        run_create(experiment=experiment, user=editor, source="notebook")
    assert info.value.errors[0]["field"] == "source"
    experiment_delete(experiment=experiment, user=editor)
    with pytest.raises(Conflict):
        run_create(experiment=experiment, user=editor)


def test_run_create_records_audit(run):
    event = AuditEvent.objects.get(action="run.create")
    assert event.object_id == str(run.pk) and event.data["experiment"] == "churn"


# --- params -------------------------------------------------------------------------------------------------------


def test_params_are_logged_once(run, editor):
    run_log_batch(run=run, user=editor, params={"lr": "0.1", "depth": 5})
    assert dict(RunParam.objects.filter(run=run).values_list("key", "value")) == {"lr": "0.1", "depth": "5"}


def test_relogging_a_param_with_the_same_value_is_a_noop(run, editor):
    run_log_batch(run=run, user=editor, params={"lr": "0.1"})
    run_log_batch(run=run, user=editor, params={"lr": "0.1"})
    assert RunParam.objects.filter(run=run).count() == 1


def test_relogging_a_param_with_another_value_is_a_conflict_naming_the_key(run, editor):
    run_log_batch(run=run, user=editor, params={"lr": "0.1"})
    with pytest.raises(Conflict) as info:
        run_log_batch(run=run, user=editor, params={"lr": "0.2"})
    assert "'lr'" in info.value.detail and "immutable" in info.value.detail
    assert RunParam.objects.get(run=run, key="lr").value == "0.1"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"": "x"}, "params[0].key"),
        ({"a" * 251: "x"}, "params[0].key"),
        ({"ok": "x", "bad key!": "x"}, "params[1].key"),
        ({"../up": "x"}, "params[0].key"),
        ({"lr": "x" * 6001}, "params[0].value"),
        ({"lr": ["x"]}, "params[0].value"),
    ],
)
def test_param_validation(run, editor, params, field):
    with pytest.raises(ValidationFailed) as info:
        run_log_batch(run=run, user=editor, params=params)
    assert info.value.errors[0]["field"] == field


def test_param_limits_match_mlflow(run, editor):
    run_log_batch(run=run, user=editor, params={"k": "v" * 6000, "a" * 250: "x"})
    with pytest.raises(ValidationFailed):
        run_log_batch(run=run, user=editor, params={f"p{i}": "x" for i in range(101)})


# --- metrics ------------------------------------------------------------------------------------------------------


def test_metric_series_keeps_every_point(run, editor):
    run_log_batch(
        run=run, user=editor, metrics=[{"key": "loss", "value": v, "step": s} for s, v in enumerate([3, 2, 1])]
    )
    run_log_batch(run=run, user=editor, metrics=[{"key": "loss", "value": 0.5, "step": 3}])
    points = list(RunMetric.objects.filter(run=run, key="loss").order_by("step").values_list("step", "value"))
    assert points == [(0, 3.0), (1, 2.0), (2, 1.0), (3, 0.5)]


def test_metric_summary_tracks_latest_min_max_and_count(run, editor):
    run_log_batch(
        run=run, user=editor, metrics=[{"key": "f1", "value": 0.5, "step": 1}, {"key": "f1", "value": 0.9, "step": 2}]
    )
    run_log_batch(
        run=run, user=editor, metrics=[{"key": "f1", "value": 0.7, "step": 3}, {"key": "f1", "value": 0.1, "step": 0}]
    )
    summary = _summary(run, "f1")
    assert (summary.latest_value, summary.latest_step) == (0.7, 3)  # step 0 arrived later but is not the latest
    assert (summary.min_value, summary.max_value, summary.count) == (0.1, 0.9, 4)


def test_metric_latest_ties_on_step_go_to_the_later_timestamp(run, editor):
    now = timezone.now()
    run_log_batch(run=run, user=editor, metrics=[{"key": "m", "value": 1, "step": 5, "timestamp": now}])
    run_log_batch(run=run, user=editor, metrics=[{"key": "m", "value": 2, "step": 5, "timestamp": now - timedelta(1)}])
    assert _summary(run, "m").latest_value == 1
    run_log_batch(run=run, user=editor, metrics=[{"key": "m", "value": 3, "step": 5, "timestamp": now}])
    assert _summary(run, "m").latest_value == 3


def test_metric_nan_is_stored_as_null_and_ignored_by_min_max(run, editor):
    run_log_batch(
        run=run,
        user=editor,
        metrics=[{"key": "m", "value": 1.0, "step": 0}, {"key": "m", "value": math.nan, "step": 1}],
    )
    summary = _summary(run, "m")
    assert summary.latest_value is None
    assert (summary.min_value, summary.max_value, summary.count) == (1.0, 1.0, 2)
    assert RunMetric.objects.get(run=run, key="m", step=1).value is None


def test_metric_infinities_are_clamped_to_the_largest_double(run, editor):
    metrics = [
        {"key": "m", "value": math.inf},
        {"key": "m", "value": "-Infinity", "step": 1},
        {"key": "n", "value": "NaN"},
    ]
    run_log_batch(run=run, user=editor, metrics=metrics)
    summary = _summary(run, "m")
    assert (summary.min_value, summary.max_value) == (-FLOAT_MAX, FLOAT_MAX)
    assert _summary(run, "n").latest_value is None


def test_metric_timestamps_accept_epoch_milliseconds(run, editor):
    run_log_batch(run=run, user=editor, metrics=[{"key": "m", "value": 1, "timestamp": 1704164645000}])
    assert RunMetric.objects.get(run=run).timestamp == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"key": "m"}, "metrics[1]"),
        ({"key": "m", "value": "high"}, "metrics[1].value"),
        ({"key": "m", "value": True}, "metrics[1].value"),
        ({"key": "m", "value": 1, "step": 1.5}, "metrics[1].step"),
        ({"key": "m", "value": 1, "step": 2**63}, "metrics[1].step"),
        ({"key": "m", "value": 1, "timestamp": "soon"}, "metrics[1].timestamp"),
        ({"key": "", "value": 1}, "metrics[1].key"),
        ({"key": "m", "value": 1, "colour": "red"}, "metrics[1]"),
    ],
)
def test_metric_validation_names_the_item_index_and_field(run, editor, item, field):
    with pytest.raises(ValidationFailed) as info:
        run_log_batch(run=run, user=editor, metrics=[{"key": "ok", "value": 1}, item])
    assert info.value.errors[0]["field"] == field
    assert not RunMetric.objects.exists()


# --- batches ------------------------------------------------------------------------------------------------------


def test_log_batch_writes_params_metrics_and_tags_together(run, editor):
    run_log_batch(
        run=run,
        user=editor,
        params={"lr": "0.1"},
        metrics=[{"key": "f1", "value": 0.8}],
        tags={"team": "risk"},
    )
    assert RunParam.objects.filter(run=run).count() == RunMetric.objects.filter(run=run).count() == 1
    assert RunTag.objects.get(run=run, key="team").value == "risk"


def test_log_batch_is_atomic_on_invalid_items(run, editor):
    with pytest.raises(ValidationFailed):
        run_log_batch(run=run, user=editor, params={"lr": "0.1"}, metrics=[{"key": "f1", "value": "x"}])
    assert not RunParam.objects.exists() and not RunMetric.objects.exists()


def test_log_batch_is_atomic_on_param_conflict(run, editor):
    run_log_batch(run=run, user=editor, params={"lr": "0.1"})
    with pytest.raises(Conflict):
        run_log_batch(
            run=run,
            user=editor,
            params={"depth": "3", "lr": "0.5"},
            metrics=[{"key": "f1", "value": 0.8}],
            tags={"team": "risk"},
        )
    assert list(RunParam.objects.values_list("key", flat=True)) == ["lr"]
    assert not RunMetric.objects.exists() and not RunMetricSummary.objects.exists() and not RunTag.objects.exists()


def test_log_batch_limits(run, editor):
    run_log_batch(run=run, user=editor, metrics=[{"key": "m", "value": i, "step": i} for i in range(1000)])
    assert _summary(run, "m").count == 1000
    with pytest.raises(ValidationFailed) as info:
        run_log_batch(run=run, user=editor, metrics=[{"key": "m", "value": 1}] * 1001)
    assert info.value.errors[0]["field"] == "metrics"
    with pytest.raises(ValidationFailed) as info:
        run_log_batch(run=run, user=editor, tags={f"t{i}": "x" for i in range(101)})
    assert info.value.errors[0]["field"] == "tags"


def test_log_batch_refuses_a_deleted_run(run, editor):
    run_delete(run=run, user=editor)
    with pytest.raises(Conflict):
        run_log_batch(run=run, user=editor, params={"lr": "0.1"})


def test_log_batch_records_one_audit_event(run, editor):
    run_log_batch(run=run, user=editor, params={"lr": "0.1"}, metrics=[{"key": "f1", "value": 1}] * 3)
    event = AuditEvent.objects.get(action="run.log_batch")
    assert event.data == {"params": ["lr"], "metrics": ["f1"], "points": 3, "tags": []}


# --- tags ---------------------------------------------------------------------------------------------------------


def test_tags_are_mutable_and_deletable(run, editor):
    run_tag_set(run=run, user=editor, key="team", value="risk")
    run_log_batch(run=run, user=editor, tags={"team": "fraud", "stage": "dev"})
    assert dict(RunTag.objects.filter(run=run).values_list("key", "value")) == {"team": "fraud", "stage": "dev"}
    run_tag_delete(run=run, user=editor, key="team")
    assert list(RunTag.objects.filter(run=run).values_list("key", flat=True)) == ["stage"]
    assert AuditEvent.objects.filter(action="run.delete_tag", data__key="team").exists()


def test_deleting_a_missing_tag_is_not_found(run, editor):
    with pytest.raises(NotFound):
        run_tag_delete(run=run, user=editor, key="nope")


# --- status and lifecycle -------------------------------------------------------------------------------------


@pytest.mark.parametrize("final", ["finished", "failed", "killed"])
def test_running_run_can_end(run, editor, final):
    ended = run_set_status(run=run, user=editor, status=final)
    assert ended.status == final and ended.end_time is not None
    assert AuditEvent.objects.filter(action="run.set_status", data__to=final).exists()


@pytest.mark.parametrize(("first", "then"), [("finished", "running"), ("failed", "finished"), ("killed", "failed")])
def test_ended_runs_cannot_change_status(run, editor, first, then):
    run_set_status(run=run, user=editor, status=first)
    with pytest.raises(Conflict) as info:
        run_set_status(run=run, user=editor, status=then)
    assert info.value.errors[0]["field"] == "status"
    assert Run.objects.get(pk=run.pk).status == first


def test_repeating_the_status_is_a_noop(run, editor):
    first = run_set_status(run=run, user=editor, status="finished")
    again = run_set_status(run=run, user=editor, status="finished")
    assert again.end_time == first.end_time
    assert AuditEvent.objects.filter(action="run.set_status").count() == 1


def test_status_end_time_is_checked(run, editor):
    with pytest.raises(ValidationFailed) as info:
        run_set_status(run=run, user=editor, status="finished", end_time=run.start_time - timedelta(seconds=1))
    assert info.value.errors[0]["field"] == "end_time"
    end = run.start_time + timedelta(hours=1)
    assert run_set_status(run=run, user=editor, status="finished", end_time=end).end_time == end
    with pytest.raises(ValidationFailed):
        run_set_status(run=run, user=editor, status="paused")


def test_run_delete_and_restore(run, editor):
    deleted = run_delete(run=run, user=editor)
    assert deleted.lifecycle_stage == LifecycleStage.DELETED and deleted.deleted_at is not None
    restored = run_restore(run=run, user=editor)
    assert restored.lifecycle_stage == LifecycleStage.ACTIVE and restored.deleted_at is None
    assert list(
        AuditEvent.objects.filter(action__in=["run.delete", "run.restore"]).values_list("action", flat=True)
    ) == [
        "run.restore",
        "run.delete",
    ]


def test_run_restore_needs_an_active_experiment(run, experiment, editor):
    experiment_delete(experiment=experiment, user=editor)
    with pytest.raises(Conflict):
        run_restore(run=run, user=editor)


def test_experiment_delete_takes_its_runs_and_restore_brings_back_only_those(experiment, editor):
    alone = run_create(experiment=experiment, user=editor)
    together = run_create(experiment=experiment, user=editor)
    run_delete(run=alone, user=editor)
    experiment_delete(experiment=experiment, user=editor)
    assert Run.objects.get(pk=together.pk).lifecycle_stage == LifecycleStage.DELETED
    experiment_restore(experiment=experiment, user=editor)
    assert Run.objects.get(pk=together.pk).lifecycle_stage == LifecycleStage.ACTIVE
    assert Run.objects.get(pk=alone.pk).lifecycle_stage == LifecycleStage.DELETED


def test_run_update_name_and_description(run, editor):
    updated = run_update(run=run, user=editor, name="second", description="tuned depth")
    assert (updated.name, updated.description) == ("second", "tuned depth")
    assert AuditEvent.objects.filter(action="run.update").exists()


# --- inputs -------------------------------------------------------------------------------------------------------


def test_run_log_input_records_the_version_once_per_role(run, editor, team):
    version = _version(team.project)
    first = run_log_input(run=run, user=editor, dataset_version=version)
    again = run_log_input(run=run, user=editor, dataset_version=version)
    evaluation = run_log_input(run=run, user=editor, dataset_version=version, role="evaluation")
    assert first.pk == again.pk != evaluation.pk
    assert (first.dataset_name, first.version_number, first.sha256) == ("customers", 1, version.sha256)
    assert AuditEvent.objects.filter(action="run.log_input").count() == 2


def test_run_log_input_refuses_another_projects_version(run, editor, other_team):
    with pytest.raises(ValidationFailed) as info:
        run_log_input(run=run, user=editor, dataset_version=_version(other_team.project))
    assert info.value.errors[0]["field"] == "dataset_version"
    assert not RunInput.objects.exists()


def test_run_input_lineage_survives_the_dataset(run, editor, team):
    version = _version(team.project)
    run_log_input(run=run, user=editor, dataset_version=version, role="training")
    version.dataset.delete()
    remaining = RunInput.objects.get(run=run)
    assert remaining.dataset_version is None and remaining.dataset_name == "customers"


def test_run_log_input_rejects_unknown_roles(run, editor, team):
    with pytest.raises(ValidationFailed):
        run_log_input(run=run, user=editor, dataset_version=_version(team.project), role="testing")
