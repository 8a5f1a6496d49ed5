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

ROUTES = [  # (route, view, name)
    (_P + "training-jobs/", TrainingJobListApi, "training-job-list"),
    (_P + "training-jobs/<uuid:job_id>/", TrainingJobDetailApi, "training-job-detail"),
    (_P + "training-jobs/<uuid:job_id>/cancel/", TrainingJobCancelApi, "training-job-cancel"),
    (_V + "evaluate/", ModelVersionEvaluateApi, "model-version-evaluate"),
    (_V + "export/onnx/build/", ModelVersionOnnxExportApi, "model-version-export-onnx"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
