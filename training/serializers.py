from __future__ import annotations

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
    experiment = serializers.CharField(max_length=128, required=False, default="default")
    run_name = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    code_version = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    allow_invalid_data = serializers.BooleanField(
        required=False, default=False, help_text="Train on a version that failed validation (audited)."
    )
    time_limit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=10, max_value=86400)


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
