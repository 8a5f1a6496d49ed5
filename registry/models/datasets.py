"""Datasets and their versions, schemas, validation rules and profiles."""

from __future__ import annotations

from django.db import models

from core.models import Created, ProjectNamed

__all__ = [
    "ColumnKind",
    "ColumnRole",
    "Dataset",
    "DatasetFormat",
    "DatasetVersion",
    "ProfileStatus",
    "RuleKind",
    "ValidationReport",
    "ValidationRule",
    "VersionStatus",
]


class ColumnKind(models.TextChoices):
    NUMERIC = "numeric"
    INTEGER = "integer"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"


class ColumnRole(models.TextChoices):
    FEATURE = "feature"
    TARGET = "target"
    IDENTIFIER = "identifier"
    TIMESTAMP = "timestamp"
    IGNORED = "ignored"


class DatasetFormat(models.TextChoices):
    CSV = "csv"
    PARQUET = "parquet"


class VersionStatus(models.TextChoices):
    VALID = "valid"  # every enabled rule passed (or the dataset has no rules)
    INVALID = "invalid"  # at least one rule failed; training refuses it unless overridden


class ProfileStatus(models.TextChoices):
    PENDING = "pending"  # computed by a background task after the upload commits
    READY = "ready"
    FAILED = "failed"


class Dataset(ProjectNamed):
    project_reverse_name = "datasets"

    tags = models.JSONField(default=dict, blank=True)

    class Meta(ProjectNamed.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="uniq_dataset_name")]


class DatasetVersion(Created):
    """An immutable, content-addressed version of a dataset. Only column roles may change after upload."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    format = models.CharField(max_length=10, choices=DatasetFormat.choices)
    original_filename = models.CharField(max_length=255, blank=True)
    row_count = models.BigIntegerField()
    column_count = models.PositiveIntegerField()
    # [{"name", "kind", "nullable", "role", "dtype"}] in file order
    schema = models.JSONField(default=list)
    # Per-column statistics without the reference samples (those live in the profile blob).
    profile = models.JSONField(default=dict)
    profile_sha256 = models.CharField(max_length=64, blank=True)
    profile_status = models.CharField(max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.READY)
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.VALID)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["dataset_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="uniq_dataset_version_number"),
            models.UniqueConstraint(fields=["dataset", "sha256"], name="uniq_dataset_version_content"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}@v{self.number}"

    def column(self, name: str) -> dict | None:
        return next((c for c in self.schema if c["name"] == name), None)


class RuleKind(models.TextChoices):
    COLUMN_PRESENT = "column_present"
    COLUMN_TYPE = "column_type"
    NOT_NULL = "not_null"
    RANGE = "range"
    ALLOWED_SET = "allowed_set"
    UNIQUE = "unique"
    REGEX = "regex"
    ROW_COUNT = "row_count"
    NO_DUPLICATE_ROWS = "no_duplicate_rows"
    STATISTIC = "statistic"


class ValidationRule(Created):
    """An expectation run on every new version of its dataset and on demand."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    column = models.CharField(max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=300, blank=True)
    enabled = models.BooleanField(default=True)
    generated_from = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["dataset_id", "id"]

    def __str__(self) -> str:
        target = f"({self.column})" if self.column else ""
        return f"{self.kind}{target}"


class ValidationReport(Created):
    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="validation_reports")
    trigger = models.CharField(max_length=20, default="upload")  # upload | manual
    passed = models.BooleanField()
    n_rules = models.PositiveIntegerField(default=0)
    n_failed = models.PositiveIntegerField(default=0)
    # [{"rule_id", "kind", "column", "params", "passed", "observed", "failing_examples", "message"}]
    results = models.JSONField(default=list)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.version}: {'passed' if self.passed else f'{self.n_failed} failed'}"
