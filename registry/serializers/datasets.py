from __future__ import annotations

from rest_framework import serializers

from core.models import name_validator
from registry.models import ColumnKind, ColumnRole, Dataset, DatasetVersion, RuleKind, ValidationReport, ValidationRule


class DatasetSerializer(serializers.ModelSerializer):
    latest_version = serializers.SerializerMethodField()
    version_count = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = ["name", "description", "tags", "created_at", "updated_at", "latest_version", "version_count"]

    def get_latest_version(self, obj: Dataset) -> int | None:
        return getattr(obj, "latest_number", None)

    def get_version_count(self, obj: Dataset) -> int:
        return getattr(obj, "n_versions", 0)


class DatasetCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class DatasetUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class SchemaColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ColumnKind.choices)
    dtype = serializers.CharField()
    nullable = serializers.BooleanField()
    role = serializers.ChoiceField(choices=ColumnRole.choices)


class DatasetVersionSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset.name")
    parent = serializers.IntegerField(source="parent.number", allow_null=True, default=None)  # type: ignore[assignment]
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    schema = SchemaColumnSerializer(many=True)

    class Meta:
        model = DatasetVersion
        fields = [
            "dataset",
            "number",
            "sha256",
            "size",
            "format",
            "original_filename",
            "row_count",
            "column_count",
            "status",
            "profile_status",
            "parent",
            "message",
            "created_by",
            "created_at",
            "schema",
        ]


class DatasetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV (UTF-8, header row) or Parquet file.")
    format = serializers.ChoiceField(
        choices=["csv", "parquet"],
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the file's extension or content.",
    )
    message = serializers.CharField(required=False, allow_blank=True, default="")
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None, min_value=1, help_text="The version this one derives from."
    )


class RolesUpdateSerializer(serializers.Serializer):
    roles = serializers.DictField(
        child=serializers.ChoiceField(choices=ColumnRole.choices), help_text="Column name -> role."
    )


class NumericSummarySerializer(serializers.Serializer):
    edges = serializers.ListField(child=serializers.FloatField())
    counts = serializers.ListField(child=serializers.IntegerField())


class FrequencySerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class ProfileColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ColumnKind.choices)
    count = serializers.IntegerField()
    nulls = serializers.IntegerField()
    distinct = serializers.IntegerField()
    min = serializers.JSONField(required=False, allow_null=True)
    max = serializers.JSONField(required=False, allow_null=True)
    mean = serializers.FloatField(required=False, allow_null=True)
    std = serializers.FloatField(required=False, allow_null=True)
    quantiles = serializers.DictField(child=serializers.FloatField(), required=False)
    histogram = NumericSummarySerializer(required=False, allow_null=True)
    frequencies = FrequencySerializer(many=True, required=False)
    other_count = serializers.IntegerField(required=False)
    sample = serializers.ListField(
        child=serializers.FloatField(),
        required=False,
        help_text="Seeded sample of values (only with include_sample=true).",
    )


class ProfileSerializer(serializers.Serializer):
    row_count = serializers.IntegerField()
    sample_size = serializers.IntegerField()
    seed = serializers.IntegerField()
    columns = ProfileColumnSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField())


class RuleResultSerializer(serializers.Serializer):
    rule_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    column = serializers.CharField(allow_blank=True)
    params = serializers.DictField()
    passed = serializers.BooleanField()
    observed = serializers.JSONField(allow_null=True)
    message = serializers.CharField()
    failing_examples = serializers.ListField(child=serializers.JSONField())


class ValidationReportSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")
    results = RuleResultSerializer(many=True)

    class Meta:
        model = ValidationReport
        fields = ["id", "version", "trigger", "passed", "n_rules", "n_failed", "results", "created_at"]


class ValidationRuleSerializer(serializers.ModelSerializer):
    generated_from = serializers.IntegerField(source="generated_from.number", allow_null=True, default=None)

    class Meta:
        model = ValidationRule
        fields = ["id", "kind", "column", "params", "description", "enabled", "generated_from", "created_at"]


class ValidationRuleCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    column = serializers.CharField(required=False, allow_blank=True, default="")
    params = serializers.DictField(required=False, default=dict)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    enabled = serializers.BooleanField(required=False, default=True)


class ValidationRuleUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RuleKind.choices, required=False)
    column = serializers.CharField(required=False, allow_blank=True)
    params = serializers.DictField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    enabled = serializers.BooleanField(required=False)


class RulesGenerateSerializer(serializers.Serializer):
    reference_version = serializers.IntegerField(min_value=1)
    tolerance = serializers.FloatField(default=0.1, min_value=0, max_value=10)
    replace = serializers.BooleanField(default=False, help_text="Delete previously generated rules first.")


class SchemaChangeSerializer(serializers.Serializer):
    column = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "kind_changed", "nullable_changed"])
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class StatChangeSerializer(serializers.Serializer):
    before = serializers.FloatField()
    after = serializers.FloatField()
    change = serializers.FloatField()
    relative_change = serializers.FloatField(allow_null=True)


class ColumnChangeSerializer(serializers.Serializer):
    column = serializers.CharField()
    changes = serializers.DictField(child=StatChangeSerializer())


class RowCountChangeSerializer(serializers.Serializer):
    before = serializers.IntegerField()
    after = serializers.IntegerField()
    change = serializers.IntegerField()


class DatasetDiffSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    same_content = serializers.BooleanField()
    row_count = RowCountChangeSerializer()
    schema_changes = SchemaChangeSerializer(many=True)
    column_changes = ColumnChangeSerializer(many=True)
