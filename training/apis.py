"""Training jobs API under /api/v1/projects/{project}/training-jobs/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import ListMixin, ProjectAPIView, RetrieveMixin
from core.errors import NotFound
from core.roles import Action
from registry.selectors.datasets import dataset_get, dataset_latest_version, dataset_version_get
from registry.selectors.models import model_version_get, registered_model_get
from training import services
from training.evaluation import model_version_evaluate
from training.exports import model_version_export_onnx
from training.models import TrainingJob
from training.selectors import model_evaluation_list, training_job_get, training_job_list
from training.serializers import (
    ModelVersionEvaluateResultSerializer,
    ModelVersionEvaluateSerializer,
    TrainingJobSerializer,
    TrainingJobSubmitSerializer,
)


class TrainingJobListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = TrainingJobSerializer
    queryset = TrainingJob.objects.none()
    filterset_fields = ["status", "experiment_name"]
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self) -> Any:
        return training_job_list(project=self.project)

    @extend_schema(
        operation_id="training_jobs_submit", request=TrainingJobSubmitSerializer, responses={201: TrainingJobSerializer}
    )
    def post(self, request: Request, project: str) -> Response:
        """Validate the spec against the dataset version, then queue the job."""
        values = self.validated_body(TrainingJobSubmitSerializer)
        data = dict(values)
        dataset = dataset_get(project=self.project, name=data.pop("dataset"))
        number = data.pop("dataset_version")
        version = (
            dataset_version_get(dataset=dataset, number=number) if number else dataset_latest_version(dataset=dataset)
        )
        if version is None:
            raise NotFound(f"Dataset {dataset.name!r} has no versions yet.")
        # the rest of the body names the service's parameters (the serializer maps the two renamed fields)
        job = services.training_job_submit(project=self.project, user=self.user, dataset_version=version, **data)
        job.refresh_from_db()
        return Response(TrainingJobSerializer(job).data, status=status.HTTP_201_CREATED)


class _JobView(ProjectAPIView):
    serializer_class = TrainingJobSerializer

    def get_object(self) -> TrainingJob:
        return training_job_get(project=self.project, uid=self.kwargs["job_id"])


class TrainingJobDetailApi(RetrieveMixin, _JobView):
    access = {"GET": Action.READ}


class TrainingJobCancelApi(_JobView):
    access = {"POST": Action.WRITE}

    def post(self, request: Request, project: str, job_id: str) -> Response:
        """Cancel a queued job at once, or a running one at its next progress tick."""
        job = services.training_job_cancel(job=self.get_object(), user=self.user)
        return Response(TrainingJobSerializer(job).data)


class ModelVersionEvaluateApi(ProjectAPIView):
    """Lives in training (it runs models on data) though its URL sits under the registry's model routes."""

    access = {"POST": Action.WRITE}
    serializer_class = ModelVersionEvaluateSerializer

    @extend_schema(request=ModelVersionEvaluateSerializer, responses=ModelVersionEvaluateResultSerializer)
    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        """Evaluate the version and the current champion on the same data (the version's training holdout by default, or
        all rows of a dataset version), for the approval gate."""
        data = self.validated_body(ModelVersionEvaluateSerializer)
        registered = registered_model_get(project=self.project, name=model)
        version = model_version_get(model=registered, number=number)
        dataset_version = None
        if data.get("dataset"):
            dataset = dataset_get(project=self.project, name=data["dataset"])
            dataset_version = dataset_version_get(dataset=dataset, number=data["dataset_version"])
        keys = model_version_evaluate(version=version, dataset_version=dataset_version)
        rows = model_evaluation_list(model=registered, keys=keys)
        return Response(
            {
                "evaluation_keys": keys,
                "evaluations": [
                    {
                        "version": e.version.number,
                        "evaluation_key": e.evaluation_key,
                        "metrics": e.metrics,
                        "n_rows": e.n_rows,
                    }
                    for e in rows
                ],
            }
        )


class ModelVersionOnnxExportApi(ProjectAPIView):
    access = {"POST": Action.WRITE}
    serializer_class = ModelVersionEvaluateResultSerializer

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        """Convert the version to ONNX for edge deployment and store a parity check (labels identical, probabilities
        within 1e-4 on the holdout). Refused with the reason when the pipeline does not convert. Download with GET
        .../export/onnx/."""
        registered = registered_model_get(project=self.project, name=model)
        version = model_version_get(model=registered, number=number)
        return Response(model_version_export_onnx(version=version, user=self.user))
