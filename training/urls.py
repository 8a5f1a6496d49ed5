"""Training routes, under /api/v1/ (plus two on model versions that run training code: evaluate, ONNX build)."""

from django.urls import path

from training.apis import (
    ModelVersionEvaluateApi,
    ModelVersionOnnxExportApi,
    TrainingJobCancelApi,
    TrainingJobDetailApi,
    TrainingJobListApi,
)

_P = "projects/<slug:project>/"
_V = _P + "models/<str:model>/versions/<int:number>/"

urlpatterns = [
    path(_P + "training-jobs/", TrainingJobListApi.as_view(), name="training-job-list"),
    path(_P + "training-jobs/<uuid:job_id>/", TrainingJobDetailApi.as_view(), name="training-job-detail"),
    path(_P + "training-jobs/<uuid:job_id>/cancel/", TrainingJobCancelApi.as_view(), name="training-job-cancel"),
    path(_V + "evaluate/", ModelVersionEvaluateApi.as_view(), name="model-version-evaluate"),
    path(_V + "export/onnx/build/", ModelVersionOnnxExportApi.as_view(), name="model-version-export-onnx"),
]
