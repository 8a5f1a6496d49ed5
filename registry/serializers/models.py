from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import name_validator
from registry.model_io import CONVERT_PICKLE
from registry.models import AliasEvent, ApprovalRequest, ModelVersion, RegisteredModel


class ValidationGateSerializer(serializers.Serializer):
    metric = serializers.CharField()
    greater_is_better = serializers.BooleanField(required=False)
    min_absolute_change = serializers.FloatField(required=False, min_value=0)
    min_relative_change = serializers.FloatField(required=False, min_value=0)


class RegisteredModelSerializer(serializers.ModelSerializer):
    latest_version = serializers.SerializerMethodField()
    version_count = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    validation_gate = serializers.DictField()

    class Meta:
        model = RegisteredModel
        fields = [
            "name",
            "description",
            "tags",
            "protected_aliases",
            "validation_gate",
            "aliases",
            "latest_version",
            "version_count",
            "created_at",
            "updated_at",
        ]

    def get_latest_version(self, obj: RegisteredModel) -> int | None:
        return getattr(obj, "latest_number", None)

    def get_version_count(self, obj: RegisteredModel) -> int:
        return getattr(obj, "n_versions", 0)

    def get_aliases(self, obj: RegisteredModel) -> dict[str, int]:
        return {a.name: a.version.number for a in obj.aliases.all()}


class RegisteredModelCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128, validators=[name_validator])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    protected_aliases = serializers.ListField(child=serializers.CharField(), required=False)
    validation_gate = ValidationGateSerializer(required=False)


class RegisteredModelUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    protected_aliases = serializers.ListField(child=serializers.CharField(), required=False)
    validation_gate = ValidationGateSerializer(required=False, allow_null=True)


class DatasetRefSerializer(serializers.Serializer):
    dataset = serializers.CharField(source="dataset.name")
    version = serializers.IntegerField(source="number")
    sha256 = serializers.CharField()


class ParitySerializer(serializers.Serializer):
    """ONNX Runtime against scikit-learn on generated rows, measured at registration."""

    rows = serializers.IntegerField()
    label_mismatches = serializers.IntegerField(required=False, help_text="Classifiers: rows whose labels differ.")
    max_proba_diff = serializers.FloatField(
        required=False, allow_null=True, help_text="Classifiers: the largest class probability difference."
    )
    max_abs_diff = serializers.FloatField(required=False, allow_null=True, help_text="Regressors.")
    max_rel_diff = serializers.FloatField(
        required=False, allow_null=True, help_text="Regressors: difference over max(1, |value|)."
    )
    seconds = serializers.FloatField(required=False, help_text="Time taken to convert and compare.")


class CapabilitiesSerializer(serializers.Serializer):
    """Which of Keel's extras the version supports; a model lacking one is still served."""

    signature = serializers.BooleanField(help_text="Named, typed inputs: requests are validated, OIP tensors served.")
    explanations = serializers.BooleanField(help_text="`explain: true` on predict gives per-feature contributions.")
    onnx_export = serializers.BooleanField(help_text="The model converts to ONNX (`POST …/export/onnx/build/`).")
    fast_path = serializers.BooleanField(
        help_text="ONNX Runtime serves the version (its ONNX graph agreed with scikit-learn at registration)."
    )
    engine = serializers.ChoiceField(
        choices=["onnxruntime", "sklearn"], required=False, help_text="What answers the version's predictions."
    )
    parity = ParitySerializer(required=False, help_text="The comparison that chose the engine, when one ran.")
    onnx_sha256 = serializers.CharField(required=False, help_text="The stored ONNX graph ONNX Runtime serves.")
    missing_values = serializers.CharField(
        required=False,
        help_text="Which engine (`onnxruntime` or `sklearn`) answers rows with a missing number: scikit-learn where "
        "ONNX's trees would send them elsewhere, or the estimator refuses them.",
    )
    reasons = serializers.DictField(
        child=serializers.CharField(), help_text="For each extra the version lacks, why (and what would give it)."
    )


@extend_schema_field(CapabilitiesSerializer)
class CapabilitiesField(serializers.JSONField):
    """The stored capabilities object, documented with :class:`CapabilitiesSerializer`'s shape."""


class ModelVersionSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="registered_model.name")
    version = serializers.IntegerField(source="number")
    run_id = serializers.CharField(source="run.run_id", allow_null=True, default=None)
    dataset_versions = DatasetRefSerializer(many=True)
    aliases = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    can_serve = serializers.BooleanField(read_only=True)
    capabilities = CapabilitiesField(
        read_only=True, help_text="Recorded at registration; empty for versions registered before it was recorded."
    )

    class Meta:
        model = ModelVersion
        fields = [
            "model",
            "version",
            "description",
            "source",
            "approval",
            "health",
            "archived",
            "can_serve",
            "aliases",
            *ModelVersion.ARTIFACT_FIELDS,
            "run_id",
            "training_job_uid",
            "dataset_versions",
            "code_version",
            "onnx_sha256",
            "onnx_parity",
            "capabilities",
            "created_by",
            "created_at",
        ]

    def get_aliases(self, obj: ModelVersion) -> list[str]:
        return sorted(a.name for a in obj.aliases.all())


class ModelVersionFromRunSerializer(serializers.Serializer):
    run_id = serializers.CharField(max_length=32)
    artifact_path = serializers.CharField(required=False, default="model/model.skops")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ModelVersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(
        choices=["skops"],
        default="skops",
        help_text="Always skops: the server never loads pickle/joblib files.",
        error_messages={"invalid_choice": f"{{input}} is not accepted, only skops. {CONVERT_PICKLE}"},
    )
    input_example = serializers.JSONField(help_text="A JSON list of row objects used for the smoke prediction.")
    signature = serializers.JSONField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ModelVersionUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)


class AliasSetSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AliasSerializer(serializers.Serializer):
    alias = serializers.CharField()
    version = serializers.IntegerField()


class AliasEventSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version_number", allow_null=True)
    previous_version = serializers.IntegerField(source="previous_version_number", allow_null=True)
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = AliasEvent
        fields = ["alias", "version", "previous_version", "reason", "actor", "created_at"]


class CheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()
    evidence = serializers.DictField(required=False)


class ApprovalRequestSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    checks = CheckSerializer(many=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "version",
            "status",
            "comment",
            "requested_by",
            "created_at",
            "checks",
            "decided_by",
            "decided_at",
            "decision_comment",
            "override",
            "override_reason",
        ]


class ApprovalRequestCreateSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ApprovalDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    override = serializers.BooleanField(
        required=False, default=False, help_text="Approve although required checks fail (needs override_reason)."
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ModelCardSectionsSerializer(serializers.Serializer):
    intended_use = serializers.CharField(required=False, allow_blank=True)
    limitations = serializers.CharField(required=False, allow_blank=True)
    ethical_considerations = serializers.CharField(required=False, allow_blank=True)
    training_data_notes = serializers.CharField(required=False, allow_blank=True)
    caveats = serializers.CharField(required=False, allow_blank=True)


class ModelCardSerializer(serializers.Serializer):
    model = serializers.CharField()
    version = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    task_type = serializers.CharField()
    status = serializers.DictField()
    aliases = serializers.ListField(child=serializers.CharField())
    created_at = serializers.CharField()
    created_by = serializers.CharField(allow_null=True)
    lineage = serializers.DictField()
    inputs = serializers.ListField(child=serializers.DictField())
    output = serializers.DictField()
    metrics = serializers.DictField()
    feature_importance = serializers.ListField(child=serializers.DictField())
    evaluations = serializers.ListField(
        child=serializers.DictField(), help_text="The version's metrics on each evaluation set, newest first."
    )
    acceptance = CheckSerializer(help_text="The project's acceptance criteria against the version's metrics.")
    checks = CheckSerializer(many=True)
    approval = serializers.DictField(allow_null=True)
    sections = ModelCardSectionsSerializer()
    generated_sections = serializers.ListField(
        child=serializers.CharField(), help_text="Sections filled by Keel because no one has written them yet."
    )
    complete = serializers.BooleanField()
    missing_sections = serializers.ListField(child=serializers.CharField())


def alias_at_payload(event: AliasEvent | None) -> dict[str, Any]:
    return {"version": event.version_number if event else None, "since": event.created_at if event else None}
