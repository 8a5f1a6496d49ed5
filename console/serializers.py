from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from console.models import LoadTest


@extend_schema_serializer(component_name="Simulate")
class SimulateRequestSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    scenario = serializers.ChoiceField(
        choices=["none", "sudden_shift", "gradual_shift", "new_category", "concept_drift"], default="none"
    )
    features = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    k = serializers.FloatField(default=2.0, min_value=-100, max_value=100)
    rate = serializers.FloatField(default=10.0, min_value=0.1, max_value=1000)
    duration = serializers.FloatField(default=30.0, min_value=1, max_value=3600)
    max_requests = serializers.IntegerField(default=1000, min_value=1, max_value=100000)
    batch = serializers.IntegerField(default=1, min_value=1, max_value=1000)
    label_rate = serializers.FloatField(default=0.0, min_value=0, max_value=1)
    feedback_delay = serializers.FloatField(default=0.0, min_value=0, max_value=3600)


class LoadTestRequestSerializer(serializers.Serializer):
    max_requests = serializers.IntegerField(min_value=1, max_value=100_000, default=500)
    max_seconds = serializers.FloatField(min_value=0.1, max_value=600, default=10.0)
    batch_size = serializers.IntegerField(min_value=1, max_value=1000, default=1)


class LoadTestSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoadTest
        fields = [
            "id",
            "revision_number",
            "model_versions",
            "status",
            "max_requests",
            "max_seconds",
            "batch_size",
            "requests",
            "errors",
            "duration_s",
            "rps",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "error_rate",
            "detail",
            "created_at",
            "finished_at",
        ]


class ReadinessItemSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["rollback", "api_docs", "load_test", "monitoring", "compliance", "backup"])
    title = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()
    evidence = serializers.DictField(help_text="What the decision was based on (ids, figures, times).")


class ReadinessSerializer(serializers.Serializer):
    deployment = serializers.CharField()
    revision = serializers.IntegerField(allow_null=True)
    ready = serializers.BooleanField(help_text="Every item passed.")
    passed = serializers.IntegerField()
    total = serializers.IntegerField()
    checked_at = serializers.DateTimeField()
    items = ReadinessItemSerializer(many=True)
