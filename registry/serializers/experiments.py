"""Request and response shapes for experiments and runs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import Experiment, InputRole, LifecycleStage, Run, RunArtifact, RunSource, RunStatus
from registry.models.experiments import (
    INT64_MAX,
    INT64_MIN,
    MAX_KEY_LENGTH,
    coerce_timestamp,
    experiment_name_validator,
    parse_metric_value,
    validate_key,
    validate_param_value,
    validate_tag_value,
)
from registry.selectors.experiments import COMPARE_MAX_RUNS
from registry.services.experiments import MAX_BATCH_METRICS, MAX_BATCH_PARAMS, MAX_BATCH_TAGS

LIFECYCLE_FILTER = [*LifecycleStage.values, "all"]

# --- fields -------------------------------------------------------------------------------------------------------


class EnumChoiceField(serializers.ChoiceField):
    """A choice field documented as one named enum component, whatever other apps call their choice sets."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class EnumChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumChoiceField
    match_subclasses = True

    def get_name(self) -> str | None:
        return str(self.target.enum_name)

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {"type": "string", "enum": [str(choice) for choice in self.target.choices]}


def _status_field(**kwargs: Any) -> EnumChoiceField:
    return EnumChoiceField(enum_name="RunStatusEnum", choices=RunStatus.choices, **kwargs)


def _lifecycle_field(**kwargs: Any) -> EnumChoiceField:
    return EnumChoiceField(enum_name="LifecycleStageEnum", choices=LifecycleStage.choices, **kwargs)


def _lifecycle_filter() -> EnumChoiceField:
    return EnumChoiceField(
        enum_name="LifecycleFilterEnum",
        choices=LIFECYCLE_FILTER,
        default=LifecycleStage.ACTIVE,
        help_text="active (default), deleted or all.",
    )


class _ParsedField(serializers.Field):
    """A field whose input ``parse`` reads; the Django validation error it raises becomes the field's error."""

    parse: Callable[[Any], Any]

    def to_internal_value(self, data: Any) -> Any:
        try:
            return self.parse(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code="invalid") from None


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}],
        "description": "A number; NaN and +/-infinity as the strings 'NaN', 'Infinity', '-Infinity'.",
    }
)
class MetricValueField(_ParsedField):
    parse = staticmethod(parse_metric_value)

    def to_representation(self, value: float) -> float | None:
        return None if value is None or math.isnan(value) else value


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer", "format": "int64"}],
        "description": "An ISO 8601 datetime or epoch milliseconds; defaults to the time of the call.",
    }
)
class TimestampField(_ParsedField):
    parse = staticmethod(coerce_timestamp)

    def to_representation(self, value: Any) -> Any:
        return serializers.DateTimeField().to_representation(value)


def _key_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_KEY_LENGTH, validators=[validate_key], **kwargs)


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# --- experiments --------------------------------------------------------------------------------------------------


class ExperimentSerializer(serializers.ModelSerializer):
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True))
    lifecycle_stage = _lifecycle_field()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    run_count = serializers.IntegerField(default=0, help_text="Active runs.")

    class Meta:
        model = Experiment
        fields = [
            "name",
            "description",
            "tags",
            "lifecycle_stage",
            "run_count",
            "created_by",
            "created_at",
            "updated_at",
            "deleted_at",
        ]


class ExperimentCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[experiment_name_validator])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class ExperimentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[experiment_name_validator], required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, help_text="Replaces the whole tag set."
    )


class ExperimentListQuerySerializer(serializers.Serializer):
    lifecycle = _lifecycle_filter()
    name = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Only names containing this (any case)."
    )


# --- runs ---------------------------------------------------------------------------------------------------------


class RunSerializer(serializers.ModelSerializer):
    experiment = serializers.CharField(source="experiment.name")
    user = serializers.CharField(source="user.username", allow_null=True, default=None)
    status = _status_field()
    source = EnumChoiceField(enum_name="RunSourceEnum", choices=RunSource.choices)  # type: ignore[assignment]
    lifecycle_stage = _lifecycle_field()
    params = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    metrics = serializers.SerializerMethodField(help_text="The latest value of each metric (null for NaN).")

    class Meta:
        model = Run
        fields = [
            "run_id",
            "name",
            "experiment",
            *Run.STATE_FIELDS,
            "description",
            "params",
            "tags",
            "metrics",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_params(self, obj: Run) -> dict[str, str]:
        return {param.key: param.value for param in obj.params.all()}

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_tags(self, obj: Run) -> dict[str, str]:
        return {tag.key: tag.value for tag in obj.tags.all()}

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(allow_null=True)))
    def get_metrics(self, obj: Run) -> dict[str, float | None]:
        return {summary.key: summary.latest_value for summary in obj.metric_summaries.all()}


class RunMetricSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    latest = serializers.FloatField(source="latest_value", allow_null=True)
    latest_step = serializers.IntegerField()
    latest_timestamp = serializers.DateTimeField()
    min = serializers.FloatField(source="min_value", allow_null=True)
    max = serializers.FloatField(source="max_value", allow_null=True)
    count = serializers.IntegerField()


class RunInputSerializer(serializers.Serializer):
    dataset = serializers.CharField(source="dataset_name")
    version = serializers.IntegerField(source="version_number")
    sha256 = serializers.CharField()
    role = EnumChoiceField(enum_name="RunInputRoleEnum", choices=InputRole.choices)
    created_at = serializers.DateTimeField()


class RunDetailSerializer(RunSerializer):
    metric_summaries = RunMetricSummarySerializer(many=True)
    inputs = RunInputSerializer(many=True)
    artifact_count = serializers.IntegerField(default=0)
    deleted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    class Meta(RunSerializer.Meta):
        fields = [
            *RunSerializer.Meta.fields,
            "metric_summaries",
            "inputs",
            "artifact_count",
            "deleted_at",
            "updated_at",
        ]


class RunCreateSerializer(serializers.Serializer):
    experiment = serializers.CharField(max_length=128, help_text="The experiment's name.")
    name = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.DictField(
        child=serializers.CharField(allow_blank=True, validators=[validate_tag_value]), required=False, default=dict
    )
    code_version = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    source = EnumChoiceField(  # type: ignore[assignment]
        enum_name="RunSourceEnum", choices=RunSource.choices, default=RunSource.MANUAL
    )
    start_time = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RunUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=250, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class RunStatusSerializer(serializers.Serializer):
    status = _status_field(help_text="running -> finished, failed or killed; the three are final.")
    end_time = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RunListQuerySerializer(serializers.Serializer):
    filter = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10_000,
        help_text="e.g. metrics.f1 > 0.8 and params.estimator = 'random_forest' and tags.team = 'risk'",
    )
    order_by = serializers.ListField(
        child=serializers.CharField(max_length=1000, allow_blank=True),
        required=False,
        default=list,
        help_text="e.g. metrics.f1 DESC, params.lr ASC, start_time (runs lacking a key sort last).",
    )
    experiment = serializers.ListField(
        child=serializers.CharField(max_length=1000, allow_blank=True),
        required=False,
        default=list,
        help_text="Experiment names (repeat the parameter or separate with commas).",
    )
    lifecycle = _lifecycle_filter()

    def validate_experiment(self, value: list[str]) -> list[str]:
        return [name for item in value for name in _comma_list(item)]


class RunSearchSerializer(serializers.Serializer):
    filter = serializers.CharField(required=False, allow_blank=True, default="", max_length=100_000)
    order_by = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, default=list)
    experiments = serializers.ListField(child=serializers.CharField(max_length=128), required=False, default=list)
    lifecycle = _lifecycle_filter()


class RunSearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RunSerializer(many=True)


# --- logging ------------------------------------------------------------------------------------------------------


class RunParamItemSerializer(serializers.Serializer):
    key = _key_field()
    value = serializers.CharField(allow_blank=True, trim_whitespace=False, validators=[validate_param_value])


class RunMetricItemSerializer(serializers.Serializer):
    key = _key_field()
    value = MetricValueField()
    step = serializers.IntegerField(min_value=INT64_MIN, max_value=INT64_MAX, default=0)
    timestamp = TimestampField(required=False, allow_null=True, default=None)


class RunTagItemSerializer(serializers.Serializer):
    key = _key_field()
    value = serializers.CharField(allow_blank=True, trim_whitespace=False, validators=[validate_tag_value])


class RunLogBatchSerializer(serializers.Serializer):
    params = serializers.ListField(child=RunParamItemSerializer(), required=False, max_length=MAX_BATCH_PARAMS)
    metrics = serializers.ListField(child=RunMetricItemSerializer(), required=False, max_length=MAX_BATCH_METRICS)
    tags = serializers.ListField(child=RunTagItemSerializer(), required=False, max_length=MAX_BATCH_TAGS)

    def validate_params(self, items: list[dict[str, str]]) -> list[dict[str, str]]:
        seen: dict[str, str] = {}
        for index, item in enumerate(items):
            if seen.setdefault(item["key"], item["value"]) != item["value"]:
                message = f"{item['key']!r} appears twice with different values"
                raise serializers.ValidationError({str(index): {"key": [message]}})
        return items

    def to_service_kwargs(self) -> dict[str, Any]:
        """The validated batch as run_log_batch takes it (tags: the last value of a repeated key wins)."""
        data = self.validated_data
        return {
            "params": {item["key"]: item["value"] for item in data.get("params", [])},
            "metrics": [dict(item) for item in data.get("metrics", [])],
            "tags": {item["key"]: item["value"] for item in data.get("tags", [])},
        }


class RunTagSerializer(serializers.Serializer):
    key = _key_field()
    value = serializers.CharField(allow_blank=True, trim_whitespace=False, validators=[validate_tag_value])


class RunTagKeyQuerySerializer(serializers.Serializer):
    key = _key_field()


class RunInputCreateSerializer(serializers.Serializer):
    dataset = serializers.CharField(max_length=128, help_text="A dataset of this project.")
    version = serializers.IntegerField(min_value=1)
    role = EnumChoiceField(enum_name="RunInputRoleEnum", choices=InputRole.choices, default=InputRole.TRAINING)


class RunMetricHistoryQuerySerializer(serializers.Serializer):
    key = _key_field()


class RunMetricPointSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True, help_text="null when NaN was logged.")
    timestamp = serializers.DateTimeField()


# --- artifacts ----------------------------------------------------------------------------------------------------


class RunArtifactSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)

    class Meta:
        model = RunArtifact
        fields = ["path", "size", "sha256", "content_type", "created_by", "created_at"]


class RunArtifactUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    path = serializers.CharField(
        max_length=1024,
        trim_whitespace=False,
        help_text="Logical path inside the run, e.g. model/model.skops: relative, '/'-separated, no '..'.",
    )
    content_type = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RunArtifactListQuerySerializer(serializers.Serializer):
    path = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        help_text="A folder; lists every file below it (all files when empty).",
    )


class RunArtifactPathQuerySerializer(serializers.Serializer):
    path = serializers.CharField(trim_whitespace=False, help_text="The artifact's logical path.")


# --- compare ------------------------------------------------------------------------------------------------------


class RunCompareQuerySerializer(serializers.Serializer):
    run_ids = serializers.CharField(help_text=f"2 to {COMPARE_MAX_RUNS} run ids separated by commas.")
    keys = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Only these metric keys (comma-separated)."
    )
    max_points = serializers.IntegerField(
        min_value=10,
        max_value=10_000,
        default=1000,
        help_text="Per series; longer series are downsampled (min/max kept).",
    )
    series = serializers.BooleanField(default=True, help_text="Include the metric points for plotting.")

    def validate_run_ids(self, value: str) -> list[str]:
        return _comma_list(value)

    def validate_keys(self, value: str) -> list[str]:
        return _comma_list(value)


class RunCompareRunSerializer(serializers.Serializer):
    run_id = serializers.CharField()
    name = serializers.CharField()
    experiment = serializers.CharField(source="experiment.name")
    status = _status_field()
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField(allow_null=True)


class RunCompareParamSerializer(serializers.Serializer):
    key = serializers.CharField()
    values = serializers.DictField(child=serializers.CharField(allow_null=True), help_text="run_id -> value or null.")
    differs = serializers.BooleanField()


class RunCompareMetricRunSerializer(serializers.Serializer):
    run_id = serializers.CharField()
    latest = serializers.FloatField(allow_null=True, help_text="The value at the greatest step.")
    latest_step = serializers.IntegerField()
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()
    points = RunMetricPointSerializer(many=True, required=False)
    total_points = serializers.IntegerField(required=False)
    downsampled = serializers.BooleanField(required=False)


class RunCompareMetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    runs = RunCompareMetricRunSerializer(many=True, help_text="Only the runs that logged this key.")


class RunCompareSerializer(serializers.Serializer):
    runs = RunCompareRunSerializer(many=True)
    params = RunCompareParamSerializer(many=True)
    metrics = RunCompareMetricSerializer(many=True)
