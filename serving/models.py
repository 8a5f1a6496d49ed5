"""Deployments, their immutable traffic revisions, the prediction log and ground-truth feedback."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils import timezone

from core.models import Project, ProjectNamed, ProjectScoped, name_validator, user_ref


class Strategy(models.TextChoices):
    SINGLE = "single"
    BLUE_GREEN = "blue_green"
    CANARY = "canary"
    ROLLING = "rolling"
    SHADOW = "shadow"
    AB_TEST = "ab_test"


class VariantRole(models.TextChoices):
    PRIMARY = "primary"
    CANARY = "canary"
    SHADOW = "shadow"
    CHALLENGER = "challenger"
    STANDBY = "standby"  # kept loaded, no traffic (blue-green's previous version)


def new_salt() -> str:
    return secrets.token_hex(8)


def default_policy() -> dict[str, object]:
    return {"unknown_features": "error", "flag_out_of_range": True, "max_batch": 1000}


class Deployment(ProjectNamed):
    project_reverse_name = "deployments"

    # {"unknown_features": "error"|"ignore", "flag_out_of_range": bool, "max_batch": int,
    #  "missing_values": "reject"|"allow" (absent: the signature's nullable decides)}
    policy = models.JSONField(default=default_policy, blank=True)
    routing_salt = models.CharField(max_length=32, default=new_salt)
    current_revision = models.ForeignKey(
        "serving.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A progressive rollout in flight: {"kind", "plan", "step_index", "step_started_at", "from_revision", ...}
    rollout = models.JSONField(default=dict, blank=True)

    class Meta(ProjectNamed.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_deployment_name")]


class Revision(models.Model):
    """An immutable traffic configuration. Every change (deploy, step, rollback, promote) creates a new one."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    strategy = models.CharField(max_length=12, choices=Strategy.choices)
    reason = models.CharField(max_length=500, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = user_ref()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["deployment_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["deployment", "number"], name="uniq_revision_number")]

    def __str__(self) -> str:
        return f"{self.deployment.name} r{self.number}"


class Variant(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=64, validators=[name_validator])
    model_version = models.ForeignKey("registry.ModelVersion", on_delete=models.PROTECT, related_name="variants")
    alias = models.CharField(max_length=64, blank=True, help_text="The alias this version was resolved from.")
    role = models.CharField(max_length=12, choices=VariantRole.choices, default=VariantRole.PRIMARY)
    weight = models.FloatField(default=100.0, help_text="Traffic share in percent (shadow: share mirrored).")

    class Meta:
        ordering = ["revision_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "name"], name="uniq_variant_name"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0) & models.Q(weight__lte=100), name="variant_weight_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: v{self.model_version_id} {self.weight}% ({self.role})"


class PredictionLog(models.Model):
    """One audit row per prediction (shadow predictions included, flagged). Append-only.

    Deliberately without foreign keys: it is the hot, high-volume table (time-partitioned on Postgres) and must
    keep its history when deployments or versions are deleted.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now)
    prediction_id = models.UUIDField(default=uuid.uuid4)
    request_id = models.CharField(max_length=128)
    project_id = models.BigIntegerField()
    deployment_id = models.BigIntegerField()
    revision_number = models.PositiveIntegerField()
    variant = models.CharField(max_length=64)
    model_version_id = models.BigIntegerField()
    caller = models.CharField(max_length=200, blank=True)
    routing_key = models.CharField(max_length=200, blank=True)
    # Who the prediction is about, when the caller says so: erasure requests name it (or the routing key).
    subject_id = models.CharField(max_length=200, null=True, blank=True)
    inputs = models.JSONField()
    outputs = models.JSONField(default=dict)
    latency_ms = models.FloatField()
    is_error = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    shadow = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True)  # e.g. out-of-range features

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["deployment_id", "created_at"], name="predlog_deployment_time"),
            models.Index(fields=["prediction_id"], name="predlog_prediction_id"),
            # Partial: most predictions carry no routing key or subject, and every index costs each insert. The
            # searches (the prediction list's routing_key filter, erasure) always name a non-empty value.
            models.Index(
                fields=["project_id", "routing_key"],
                name="predlog_project_routing_key",
                condition=~models.Q(routing_key=""),
            ),
            models.Index(
                fields=["project_id", "subject_id"],
                name="predlog_subject",
                condition=models.Q(subject_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prediction_id} ({self.variant})"


class PredictionLogPolicy(models.Model):
    """How long a project's logged predictions are kept, and whether they are exported before they go.

    Raw rows live in time partitions shared by every project: a partition is dropped once it is older than the
    raw retention of every project with rows in it (projects without a policy use the settings' defaults).
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="prediction_log_policy")
    raw_retention_days = models.PositiveIntegerField(default=30)
    rollup_retention_days = models.PositiveIntegerField(
        default=400, help_text="Per-minute rollups and drift reports are kept this long."
    )
    export_before_drop = models.BooleanField(
        default=False, help_text="Export the project's rows of a partition to Parquet before it is dropped."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "prediction log policies"
        constraints = [
            models.CheckConstraint(condition=models.Q(raw_retention_days__gte=1), name="raw_retention_positive"),
            models.CheckConstraint(condition=models.Q(rollup_retention_days__gte=1), name="rollup_retention_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}: raw {self.raw_retention_days} d, rollups {self.rollup_retention_days} d"


class PredictionExport(ProjectScoped):
    """One project's rows of one dropped partition, as a Parquet blob in artifact storage (stored by sha256)."""

    project_reverse_name = "prediction_exports"

    partition = models.CharField(max_length=128)
    range_start = models.DateTimeField()
    range_end = models.DateTimeField()
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    row_count = models.BigIntegerField()
    erased_rows = models.BigIntegerField(default=0, help_text="Rows removed by erasure requests since the export.")
    rewritten_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-range_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "partition"], name="uniq_prediction_export_partition")
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.partition}"


class Feedback(models.Model):
    """Ground truth for a prediction, joined by prediction id. Late arrivals are fine; history is kept."""

    prediction_id = models.UUIDField()
    project_id = models.BigIntegerField()
    deployment_id = models.BigIntegerField()
    value = models.JSONField()
    is_current = models.BooleanField(default=True)
    caller = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "feedback"
        ordering = ["-id"]
        indexes = [models.Index(fields=["deployment_id", "created_at"], name="feedback_deployment_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["prediction_id"],
                condition=models.Q(is_current=True),
                name="one_current_feedback_per_prediction",
            )
        ]

    def __str__(self) -> str:
        return f"feedback for {self.prediction_id}"


class RollupKey(models.Model):
    """The (deployment, variant, shadow) a row of rolled-up predictions counts, with its project."""

    project_id = models.BigIntegerField()
    deployment_id = models.BigIntegerField()
    variant = models.CharField(max_length=64)
    shadow = models.BooleanField(default=False)

    class Meta:
        abstract = True


class RollupVersionKey(RollupKey):
    """A rollup of one model version of a ``RollupKey``: its request and error counts and when it was computed."""

    model_version_id = models.BigIntegerField()
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


def _by_time(
    time_field: str, index: str, unique: str
) -> tuple[list[str], list[models.Index], list[models.BaseConstraint]]:
    """Meta ``ordering``, ``indexes`` and ``constraints`` of a ``RollupVersionKey`` model by its time column:
    ordered and indexed by deployment then time, one row per key, model version and time."""
    key = ["deployment_id", "variant", "shadow", "model_version_id", time_field]
    return (
        ["deployment_id", time_field],
        [models.Index(fields=["deployment_id", time_field], name=index)],
        [models.UniqueConstraint(fields=key, name=unique)],
    )


class PredictionRollup(RollupVersionKey):
    """Per-minute aggregates of the prediction log, by deployment, variant, shadow flag and model version.

    ``latency_ok``/``latency_error`` count latencies per bucket of ``serving.latency.BOUNDS`` (successful and
    failed predictions); ``feature_sketches`` holds, per input feature of the reference profile of
    ``model_version_id``, the successful rows' current sketch (``monitoring.drift.sketched``: a KLL quantile sketch
    of numbers, exact counts of categories; packed with its ``pack``), and ``output_sketch`` the same for the model
    output (no columns when the version has no profile; null for minutes rolled up before sketches, which drift
    reports read from raw rows instead). Computed from raw rows by an idempotent task: recomputing a minute writes
    the same row (upsert on the unique key).
    """

    minute = models.DateTimeField()
    latency_sum_ms = models.FloatField(default=0.0)
    latency_ok = models.JSONField(default=list)
    latency_error = models.JSONField(default=list)
    feature_sketches = models.BinaryField(null=True, blank=True)
    output_sketch = models.BinaryField(null=True, blank=True)

    class Meta:
        db_table = "monitoring_predictionrollup"  # created by monitoring, moved here without moving data
        ordering, indexes, constraints = _by_time("minute", "rollup_deployment_minute", "uniq_rollup_minute")

    def __str__(self) -> str:
        return f"rollup {self.deployment_id}/{self.variant} {self.minute:%Y-%m-%d %H:%M}"


class PredictionRollupHour(RollupVersionKey):
    """A closed hour of ``PredictionRollup`` minutes of one (deployment, variant, shadow, model version), merged.

    ``requests``/``errors`` are the minutes' sums; ``feature_sketches``/``output_sketch`` their current sketches merged
    per column (``monitoring.drift.merge_current``, packed the same way), so a drift report over a day merges 24
    of these instead of 1440 minutes. Written once the rollup watermark passes the end of the hour, from the
    minutes alone (upsert on the unique key); an hour with a minute rolled up before sketches has no row.
    """

    hour = models.DateTimeField()
    feature_sketches = models.BinaryField()
    output_sketch = models.BinaryField()

    class Meta:
        ordering, indexes, constraints = _by_time("hour", "rollup_hour_deployment_hour", "uniq_rollup_hour")

    def __str__(self) -> str:
        return f"rollup {self.deployment_id}/{self.variant} {self.hour:%Y-%m-%d %H}h"


class RollupWatermark(models.Model):
    """Every minute before ``until`` has its rollups computed (one row per rolled-up source)."""

    name = models.CharField(max_length=64, unique=True)
    until = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "monitoring_rollupwatermark"

    def __str__(self) -> str:
        return f"{self.name} rolled up until {self.until:%Y-%m-%d %H:%M}"


class PredictionTotal(RollupKey):
    """All-time totals per (deployment, variant, shadow) of the rolled-up minutes, for ``/metrics`` counters.

    Added to exactly once per rolled-up range: by the worker whose conditional update moved the watermark over it.
    Never pruned, so the Prometheus counters do not go down when raw partitions or old rollups are dropped.
    """

    requests = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)
    latency_sum_ms = models.FloatField(default=0.0)
    latency = models.JSONField(default=list, help_text="Counts per bucket of serving.latency.BOUNDS, errors included.")

    class Meta:
        db_table = "monitoring_predictiontotal"
        constraints = [
            models.UniqueConstraint(fields=["deployment_id", "variant", "shadow"], name="uniq_prediction_total")
        ]

    def __str__(self) -> str:
        return f"totals {self.deployment_id}/{self.variant}"
