from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from training.models import JobStatus, TrainingJob


class TrainingJobSubmitSerializer(serializers.Serializer):
    dataset = serializers.CharField(help_text="Dataset name in this project.")
    dataset_version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="Version number; default: the latest version.",
    )
    spec = serializers.DictField(
        help_text=(
            "target, features (default: the schema's feature columns), estimator, params, search "
            "{kind: none|grid|random|halving, space, n_iter}, preprocessing, cv_folds, scoring, holdout_fraction, "
            "seed, n_jobs."
        )
    )
    experiment = serializers.CharField(max_length=128, required=False, default="default", source="experiment_name")
    run_name = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    code_version = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    allow_invalid_data = serializers.BooleanField(
        required=False, default=False, help_text="Train on a version that failed validation (audited)."
    )
    time_limit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=10, max_value=86400)
    register_model = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
        required=False,
        allow_blank=True,
        default="",
        help_text="Register the result as a new version of this model when the acceptance criteria pass.",
        source="register_model_name",
    )


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    fraction = serializers.FloatField()
    stage = serializers.CharField()


class TrainingJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid")
    dataset = serializers.CharField(source="dataset_version.dataset.name")
    dataset_version = serializers.IntegerField(source="dataset_version.number")
    run_id = serializers.CharField(source="run.run_id", allow_null=True, default=None)
    progress = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=JobStatus.choices)
    model_version = serializers.IntegerField(source="model_version.number", allow_null=True, default=None)

    class Meta:
        model = TrainingJob
        fields = [
            "id",
            "status",
            "dataset",
            "dataset_version",
            "experiment_name",
            "run_name",
            "spec",
            "code_version",
            "allow_invalid_data",
            "register_model_name",
            "model_version",
            "progress",
            "cancel_requested",
            "error",
            "attempts",
            "max_attempts",
            "time_limit",
            "run_id",
            "result",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj: TrainingJob) -> dict[str, object]:
        fraction = obj.progress_done / obj.progress_total if obj.progress_total else 0.0
        if obj.status == JobStatus.SUCCEEDED:
            fraction = 1.0
        return {
            "done": obj.progress_done,
            "total": obj.progress_total,
            "fraction": round(fraction, 4),
            "stage": obj.stage,
        }


class ModelVersionEvaluateSerializer(serializers.Serializer):
    dataset = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Evaluate on all rows of this dataset (default: the training holdout).",
    )
    dataset_version = serializers.IntegerField(required=False, min_value=1, default=None, allow_null=True)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if attrs.get("dataset") and not attrs.get("dataset_version"):
            raise serializers.ValidationError({"dataset_version": "required with dataset"})
        return attrs


class EvaluationSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    evaluation_key = serializers.CharField()
    metrics = serializers.DictField()
    n_rows = serializers.IntegerField()


class ModelVersionEvaluateResultSerializer(serializers.Serializer):
    evaluation_keys = serializers.ListField(child=serializers.CharField())
    evaluations = EvaluationSerializer(many=True)
