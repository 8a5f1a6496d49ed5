from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.models import name_validator
from serving.models import (
    Deployment,
    PredictionExport,
    PredictionLog,
    PredictionLogPolicy,
    Revision,
    Strategy,
    Variant,
    VariantRole,
)


class PolicySerializer(serializers.Serializer):
    unknown_features = serializers.ChoiceField(choices=["error", "ignore"], required=False)
    flag_out_of_range = serializers.BooleanField(required=False)
    max_batch = serializers.IntegerField(min_value=1, max_value=100000, required=False)
    missing_values = serializers.ChoiceField(
        choices=["reject", "allow"],
        required=False,
        help_text="A null feature value: reject (400 naming the field) or allow (predicted; the row's missing list "
        "names the feature). Unset: allowed for features the model's signature marks nullable, rejected for others.",
    )


class VariantSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_version.registered_model.name")
    version = serializers.IntegerField(source="model_version.number")

    class Meta:
        model = Variant
        fields = ["name", "model", "version", "alias", "role", "weight"]


class RevisionSerializer(serializers.ModelSerializer):
    variants = VariantSerializer(many=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    parent = serializers.IntegerField(source="parent.number", allow_null=True, default=None)  # type: ignore[assignment]

    class Meta:
        model = Revision
        fields = ["number", "strategy", "reason", "parent", "created_by", "created_at", "variants"]


class DeploymentSerializer(serializers.ModelSerializer):
    revision = RevisionSerializer(source="current_revision", allow_null=True)
    policy = PolicySerializer()

    class Meta:
        model = Deployment
        fields = ["name", "description", "policy", "revision", "rollout", "created_at", "updated_at"]


class ModelRefSerializer(serializers.Serializer):
    model = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    alias = serializers.CharField(required=False, allow_null=True, default=None)


class DeploymentCreateSerializer(ModelRefSerializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    policy = PolicySerializer(required=False)


class DeploymentUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)
    policy = PolicySerializer(required=False)


class GuardrailsSerializer(serializers.Serializer):
    max_error_rate = serializers.FloatField(required=False)
    max_error_rate_increase = serializers.FloatField(required=False)
    max_p95_ratio = serializers.FloatField(required=False)
    max_quality_drop = serializers.FloatField(required=False)
    max_p95_ms = serializers.FloatField(required=False)
    p95_ratio_min_ms = serializers.FloatField(
        required=False,
        help_text="The p95 ratio is judged only once the new version's p95 reaches this many ms (default 5): a "
        "ratio of sub-millisecond latencies measures scheduling noise.",
    )
    min_requests = serializers.IntegerField(required=False)
    min_labelled = serializers.IntegerField(required=False)


class AbVariantSerializer(ModelRefSerializer):
    name = serializers.CharField(max_length=64, validators=[name_validator])
    weight = serializers.FloatField(min_value=0, max_value=100)


class DeploySerializer(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices)
    model = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    alias = serializers.CharField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    fraction = serializers.FloatField(
        required=False, min_value=0, max_value=100, help_text="shadow: percent of requests mirrored"
    )
    steps = serializers.ListField(
        child=serializers.FloatField(),
        required=False,
        help_text="canary/rolling: traffic percent per step, ending at 100",
    )
    interval_seconds = serializers.IntegerField(required=False, help_text="canary/rolling: seconds per step")
    guardrails = GuardrailsSerializer(required=False)
    variants = AbVariantSerializer(many=True, required=False, help_text="ab_test: the variants and weights")

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if attrs["strategy"] == Strategy.AB_TEST:
            if not attrs.get("variants"):
                raise serializers.ValidationError({"variants": "required for ab_test"})
        elif not attrs.get("model"):
            raise serializers.ValidationError({"model": f"required for {attrs['strategy']}"})
        if attrs["strategy"] == Strategy.SHADOW and attrs.get("fraction") is None:
            raise serializers.ValidationError({"fraction": "required for shadow"})
        return attrs


class RollbackSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="Default: the previous revision."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class PromoteSerializer(serializers.Serializer):
    variant = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


@extend_schema_serializer(component_name="Predict")
class PredictRequestSerializer(serializers.Serializer):
    inputs = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Rows as objects of feature values."
    )
    columns = serializers.ListField(child=serializers.CharField(), required=False)
    data = serializers.ListField(child=serializers.ListField(), required=False)  # type: ignore[assignment]
    routing_key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Sticky routing: the same key always gets the same variant.",
    )
    subject_id = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=200,
        help_text="Whose data this prediction is about; every row logged with it can be erased on request.",
    )
    explain = serializers.BooleanField(required=False, default=False)


class ModelSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.IntegerField()


class PredictResponseSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    deployment = serializers.CharField()
    revision = serializers.IntegerField()
    variant = serializers.CharField()
    model = ModelSummarySerializer()
    prediction_ids = serializers.ListField(child=serializers.UUIDField())
    predictions = serializers.ListField(child=serializers.JSONField())
    classes = serializers.ListField(child=serializers.JSONField(), required=False)
    probabilities = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()), required=False)
    explanations = serializers.ListField(child=serializers.DictField(child=serializers.FloatField()), required=False)
    flags = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    missing = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per row, the features predicted with a missing (null) value; present when any row had one.",
    )
    latency_ms = serializers.FloatField()


class FeedbackItemSerializer(serializers.Serializer):
    prediction_id = serializers.CharField()
    value = serializers.JSONField(help_text="The ground truth (label or value).")


@extend_schema_serializer(component_name="FeedbackBatch")
class FeedbackRequestSerializer(serializers.Serializer):
    items = FeedbackItemSerializer(many=True, required=False)
    prediction_id = serializers.CharField(required=False)
    value = serializers.JSONField(required=False)
    overwrite = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if not attrs.get("items") and "prediction_id" not in attrs:
            raise serializers.ValidationError({"items": "give items, or prediction_id and value"})
        if "prediction_id" in attrs and "value" not in attrs:
            raise serializers.ValidationError({"value": "required with prediction_id"})
        return attrs


class FeedbackResultSerializer(serializers.Serializer):
    recorded = serializers.IntegerField()


class PredictionLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = PredictionLog
        fields = [
            "prediction_id",
            "request_id",
            "created_at",
            "revision_number",
            "variant",
            "model_version_id",
            "caller",
            "routing_key",
            "subject_id",
            "inputs",
            "outputs",
            "latency_ms",
            "is_error",
            "error",
            "shadow",
            "flags",
        ]


class VariantReadinessSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=VariantRole.choices)
    version = serializers.IntegerField()
    ready = serializers.BooleanField()
    detail = serializers.CharField()


class ReadySerializer(serializers.Serializer):
    ready = serializers.BooleanField()
    revision = serializers.IntegerField()
    variants = VariantReadinessSerializer(many=True)


class PredictionExportSerializer(serializers.ModelSerializer):
    class Meta:
        model = PredictionExport
        fields = [
            "id",
            "partition",
            "range_start",
            "range_end",
            "sha256",
            "size",
            "row_count",
            "erased_rows",
            "created_at",
            "rewritten_at",
        ]


class PredictionLogPolicySerializer(serializers.ModelSerializer):
    raw_retention_days = serializers.IntegerField(min_value=1, max_value=36500, required=False)
    rollup_retention_days = serializers.IntegerField(min_value=1, max_value=36500, required=False)
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null until the project's policy is first changed (the defaults)."
    )

    class Meta:
        model = PredictionLogPolicy
        fields = ["raw_retention_days", "rollup_retention_days", "export_before_drop", "updated_at"]
        read_only_fields = ["updated_at"]


class ErasureRequestSerializer(serializers.Serializer):
    routing_key = serializers.CharField(max_length=200, required=False, allow_blank=False)
    subject_id = serializers.CharField(max_length=200, required=False, allow_blank=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("routing_key" in attrs) == ("subject_id" in attrs):
            raise serializers.ValidationError({"routing_key": "Give exactly one of routing_key or subject_id."})
        return attrs


class ErasedExportSerializer(serializers.Serializer):
    export = serializers.IntegerField()
    rows_removed = serializers.IntegerField()
    sha256 = serializers.CharField()


class ErasureReceiptSerializer(serializers.Serializer):
    receipt = serializers.IntegerField(help_text="The audit event holding this receipt.")
    target = serializers.ChoiceField(choices=["routing_key", "subject_id"])
    target_sha256 = serializers.CharField()
    predictions_deleted = serializers.IntegerField()
    feedback_deleted = serializers.IntegerField()
    export_rows_removed = serializers.IntegerField()
    exports_rewritten = ErasedExportSerializer(many=True)
    erased_by = serializers.CharField(allow_null=True)
    erased_at = serializers.DateTimeField()
