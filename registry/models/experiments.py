"""Experiments and runs: params, metric series, tags, dataset inputs, artifacts.

Metric values: NaN is accepted and stored as NULL (it never satisfies a search comparison and sorts last);
+/-infinity is stored as +/-1.7976931348623157e308 (the largest double), as MLflow's SQL store does, so every
stored value is a finite JSON number.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
import uuid
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.datetimes import utc_datetime
from core.models import Created, Project, ProjectScoped, user_ref
from registry.models.datasets import DatasetVersion

__all__ = [
    "Experiment",
    "InputRole",
    "LifecycleStage",
    "Run",
    "RunArtifact",
    "RunInput",
    "RunMetric",
    "RunMetricSummary",
    "RunParam",
    "RunSource",
    "RunStatus",
    "RunTag",
]

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_ARTIFACT_PATH_BYTES = 1024
MAX_ARTIFACT_SEGMENT_BYTES = 255
FLOAT_MAX = 1.7976931348623157e308

_KEY = re.compile(r"^[\w./ -]+$")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


class LifecycleStage(models.TextChoices):
    ACTIVE = "active"
    DELETED = "deleted"


class RunStatus(models.TextChoices):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    KILLED = "killed"


TERMINAL_STATUSES = frozenset({RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED})


class RunSource(models.TextChoices):
    MANUAL = "manual"
    TRAINING = "training"
    MLFLOW = "mlflow"


class InputRole(models.TextChoices):
    TRAINING = "training"
    EVALUATION = "evaluation"
    OTHER = "other"


# --- validators shared by the services and the API serializers ---------------------------------------------------


def validate_key(value: str) -> None:
    """Param, metric and tag keys: 1-250 letters, digits, '_', '-', '.', '/' and spaces (as MLflow)."""
    if not isinstance(value, str) or not value:
        raise ValidationError("must be a non-empty string", code="blank")
    if len(value) > MAX_KEY_LENGTH:
        raise ValidationError(f"must be at most {MAX_KEY_LENGTH} characters", code="max_length")
    if not _KEY.match(value) or value.startswith("/") or ".." in value.split("/"):
        raise ValidationError("may only contain letters, digits, '_', '-', '.', ' ' and '/'", code="invalid_key")


def validate_param_value(value: str) -> None:
    if len(value) > MAX_PARAM_VALUE_LENGTH:
        raise ValidationError(f"must be at most {MAX_PARAM_VALUE_LENGTH} characters", code="max_length")


def validate_tag_value(value: str) -> None:
    if len(value) > MAX_TAG_VALUE_LENGTH:
        raise ValidationError(f"must be at most {MAX_TAG_VALUE_LENGTH} characters", code="max_length")


_NON_FINITE = {"nan": math.nan, "inf": math.inf, "infinity": math.inf, "-inf": -math.inf, "-infinity": -math.inf}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def parse_metric_value(raw: object) -> float:
    """A metric value from a number or 'NaN'/'Infinity'/'-Infinity' (any case), which MLflow clients send."""
    if isinstance(raw, str):
        value = _NON_FINITE.get(raw.strip().lower().removeprefix("+"))
        if value is not None:
            return value
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            return float(raw)
        except OverflowError:
            return math.inf if raw > 0 else -math.inf
    raise ValidationError("must be a number, 'NaN', 'Infinity' or '-Infinity'", code="invalid")


def coerce_metric_value(raw: object) -> float | None:
    """The stored form of a metric value: NaN becomes None, +/-infinity the largest double of that sign."""
    value = parse_metric_value(raw)
    if math.isnan(value):
        return None
    return max(-FLOAT_MAX, min(FLOAT_MAX, value))


def coerce_step(raw: object) -> int:
    if raw is None:
        return 0
    if isinstance(raw, bool) or not isinstance(raw, int) or not INT64_MIN <= raw <= INT64_MAX:
        raise ValidationError("must be a 64-bit integer", code="invalid")
    return raw


def coerce_timestamp(raw: object) -> datetime:
    """A timestamp from an aware datetime, an ISO 8601 string or epoch milliseconds (MLflow's unit); None is now."""
    if raw is None:
        return timezone.now()
    if isinstance(raw, datetime):
        try:
            return utc_datetime(raw)
        except ValueError:
            raise ValidationError("is out of range", code="invalid") from None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            return datetime.fromtimestamp(raw / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise ValidationError("is out of range", code="invalid") from None
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            parsed = parse_datetime(raw)
            if parsed is not None:
                return coerce_timestamp(parsed)
    raise ValidationError("must be an ISO 8601 datetime or epoch milliseconds", code="invalid")


def normalise_artifact_path(path: str, *, allow_root: bool = False) -> str:
    """The canonical logical path of an artifact, or ValidationError when it could name anything but a file
    below the run's root: no absolute paths, '.' or '..' segments, empty segments, backslashes, control
    characters (NUL included) or percent-escapes, and at most 1024 UTF-8 bytes. Unicode is NFC-normalised.
    ``allow_root`` accepts '' (and a trailing '/') for listing prefixes.
    """
    if not isinstance(path, str):
        raise ValidationError("must be a string", code="invalid")
    path = unicodedata.normalize("NFC", path)
    if allow_root:
        path = path.removesuffix("/")
        if not path:
            return ""
    _check_path_characters(path)
    for segment in path.split("/"):
        _check_segment(segment)
    return path


def _check_path_characters(path: str) -> None:
    if not path:
        raise ValidationError("must not be empty", code="blank")
    if len(path.encode()) > MAX_ARTIFACT_PATH_BYTES:
        raise ValidationError(f"must be at most {MAX_ARTIFACT_PATH_BYTES} bytes", code="max_length")
    if path.startswith("/"):
        raise ValidationError("must be relative to the run (no leading '/')", code="absolute_path")
    if "\\" in path:
        raise ValidationError("must use '/' as the separator, not '\\'", code="backslash")
    if any(unicodedata.category(char) == "Cc" for char in path):
        raise ValidationError("must not contain control characters", code="control_character")
    if _PERCENT_ESCAPE.search(path):
        raise ValidationError("must not contain percent-escapes; send the decoded path", code="percent_escape")


def _check_segment(segment: str) -> None:
    if segment in ("", ".", ".."):
        raise ValidationError("must not contain empty, '.' or '..' segments", code="traversal")
    if len(segment.encode()) > MAX_ARTIFACT_SEGMENT_BYTES:
        raise ValidationError(f"each segment must be at most {MAX_ARTIFACT_SEGMENT_BYTES} bytes", code="max_length")


def new_run_id() -> str:
    return uuid.uuid4().hex


# --- experiments and runs -------------------------------------------------------------------------------------------

# MLflow accepts any experiment name ("MLflow Quickstart" in its quickstart). Keel addresses an experiment by name in
# one URL path segment, so a name may hold anything but '/' and control characters, and is not '.' or '..'.
experiment_name_validator = RegexValidator(
    r"^(?!\.\.?$)[^/\x00-\x1f\x7f]{1,128}$",
    "Use 1-128 characters other than '/' and control characters (spaces are fine); '.' and '..' are not names.",
)


class Experiment(ProjectScoped):
    """A named group of runs in a project. Deleting is soft (and takes the runs with it); restore undoes it."""

    project_reverse_name = "experiments"

    name = models.CharField(max_length=128, validators=[experiment_name_validator])
    description = models.TextField(blank=True)
    tags = models.JSONField(default=dict, blank=True)
    lifecycle_stage = models.CharField(max_length=10, choices=LifecycleStage.choices, default=LifecycleStage.ACTIVE)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_by = user_ref()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="uniq_experiment_name"),
            models.CheckConstraint(
                condition=models.Q(lifecycle_stage=LifecycleStage.ACTIVE, deleted_at__isnull=True)
                | models.Q(lifecycle_stage=LifecycleStage.DELETED, deleted_at__isnull=False),
                name="experiment_deleted_at_iff_deleted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.slug}/{self.name}"

    @property
    def is_active(self) -> bool:
        return self.lifecycle_stage == LifecycleStage.ACTIVE


class RunQuerySet(models.QuerySet["Run"]):
    def active(self) -> RunQuerySet:
        return self.filter(lifecycle_stage=LifecycleStage.ACTIVE)

    def in_stage(self, stage: str) -> RunQuerySet:
        """Runs in ``stage`` (active or deleted); every run for 'all'."""
        return self if stage == "all" else self.filter(lifecycle_stage=stage)


class Run(models.Model):
    """One execution (a training job or a notebook session): its params, metric series, tags, inputs, artifacts."""

    # The fields describing how the run went, in the order the API and the admin show them.
    STATE_FIELDS = (
        "status",
        "start_time",
        "end_time",
        "user",
        "source",
        "code_version",
        "lifecycle_stage",
    )

    run_id = models.CharField(max_length=32, unique=True, default=new_run_id, editable=False)
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="runs")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="runs")  # = experiment.project
    name = models.CharField(max_length=250, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    start_time = models.DateTimeField(default=timezone.now)
    end_time = models.DateTimeField(null=True, blank=True)
    user = user_ref()
    source = models.CharField(max_length=10, choices=RunSource.choices, default=RunSource.MANUAL)
    code_version = models.CharField(max_length=250, blank=True)
    lifecycle_stage = models.CharField(max_length=10, choices=LifecycleStage.choices, default=LifecycleStage.ACTIVE)
    deleted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-start_time", "-id"]
        indexes = [
            models.Index(fields=["project", "lifecycle_stage", "-start_time"], name="run_project_recent"),
            models.Index(fields=["experiment", "-start_time"], name="run_experiment_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RunStatus.values), name="run_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=RunStatus.RUNNING, end_time__isnull=True)
                | (~models.Q(status=RunStatus.RUNNING) & models.Q(end_time__gte=models.F("start_time"))),
                name="run_end_time_iff_ended",
            ),
            models.CheckConstraint(
                condition=models.Q(lifecycle_stage=LifecycleStage.ACTIVE, deleted_at__isnull=True)
                | models.Q(lifecycle_stage=LifecycleStage.DELETED, deleted_at__isnull=False),
                name="run_deleted_at_iff_deleted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'run'} ({self.run_id})"

    @property
    def is_active(self) -> bool:
        return self.lifecycle_stage == LifecycleStage.ACTIVE


class RunKeyValue(models.Model):
    """Abstract base of a run's params and tags: a key, unique in its run, with a string value."""

    key = models.CharField(max_length=MAX_KEY_LENGTH)
    value: models.CharField  # each kind sets its own length

    class Meta:
        abstract = True
        ordering = ["run_id", "key"]

    def __str__(self) -> str:
        return f"{self.key}={self.value[:50]}"


class RunParam(RunKeyValue):
    """A hyperparameter: logged once, immutable afterwards."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="params")
    value = models.CharField(max_length=MAX_PARAM_VALUE_LENGTH, blank=True)

    class Meta(RunKeyValue.Meta):
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="uniq_run_param")]


class RunMetric(models.Model):
    """One point of a metric series. ``value`` is NULL for NaN."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metric_points")
    key = models.CharField(max_length=MAX_KEY_LENGTH)
    value = models.FloatField(null=True, blank=True)
    step = models.BigIntegerField(default=0)
    timestamp = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run_id", "key", "step", "timestamp", "id"]
        indexes = [models.Index(fields=["run", "key", "step"], name="run_metric_series")]

    def __str__(self) -> str:
        return f"{self.key}[{self.step}]={self.value}"


class RunMetricSummary(models.Model):
    """Per (run, key): the latest point (greatest step, then timestamp) and the extremes, kept on every write
    so that search, ordering and compare never scan a series. min/max ignore NaN and are NULL if all are NaN."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metric_summaries")
    key = models.CharField(max_length=MAX_KEY_LENGTH)
    latest_value = models.FloatField(null=True, blank=True)
    latest_step = models.BigIntegerField()
    latest_timestamp = models.DateTimeField()
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run_id", "key"]
        verbose_name_plural = "run metric summaries"
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="uniq_run_metric_summary")]
        indexes = [models.Index(fields=["key", "latest_value"], name="run_metric_latest")]

    def __str__(self) -> str:
        return f"{self.key}={self.latest_value} (step {self.latest_step})"


class RunTag(RunKeyValue):
    """A mutable, deletable label."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="tags")
    value = models.CharField(max_length=MAX_TAG_VALUE_LENGTH, blank=True)

    class Meta(RunKeyValue.Meta):
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="uniq_run_tag")]


class RunInput(models.Model):
    """A dataset version the run used. Name, number and hash are copied so lineage survives the dataset."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="inputs")
    dataset_version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="run_inputs"
    )
    dataset_name = models.CharField(max_length=128)
    version_number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    role = models.CharField(max_length=12, choices=InputRole.choices, default=InputRole.TRAINING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "dataset_version", "role"], name="uniq_run_input"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_name}@v{self.version_number} ({self.role})"


class RunArtifact(Created):
    """A file of a run, listed under its logical path and stored under its sha256 (never under the path)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    path = models.CharField(max_length=MAX_ARTIFACT_PATH_BYTES)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["run_id", "path"]
        constraints = [
            models.UniqueConstraint(fields=["run", "path"], name="uniq_run_artifact_path"),
            models.CheckConstraint(condition=models.Q(size__gte=0), name="run_artifact_size_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.run.run_id}:{self.path}"

    def clean(self) -> None:
        try:
            self.path = normalise_artifact_path(self.path)
        except ValidationError as exc:
            raise ValidationError({"path": exc.messages}) from None
