"""Serving routes, under /api/v1/ (config/urls.py includes them first)."""

from django.urls import path

from serving.apis import (
    AbAnalysisApi,
    DeployApi,
    DeploymentDetailApi,
    DeploymentListApi,
    FeedbackApi,
    PredictApi,
    PredictionExportApi,
    PredictionLogApi,
    PromoteApi,
    ReadyApi,
    RevisionListApi,
    RollbackApi,
    ShadowReportApi,
)
from serving.logapis import (
    ErasureApi,
    PredictionExportDetailApi,
    PredictionExportDownloadApi,
    PredictionExportListApi,
    PredictionLogPolicyApi,
)

_P = "projects/<slug:project>/"
_D = _P + "deployments/<str:deployment>/"
_PE = _P + "prediction-exports/<int:export>/"

urlpatterns = [
    # the hot path first: Django tries routes in order, and every predict pays for the ones before it
    path(_D + "predict/", PredictApi.as_view(), name="deployment-predict"),
    path(_P + "deployments/", DeploymentListApi.as_view(), name="deployment-list"),
    path(_D, DeploymentDetailApi.as_view(), name="deployment-detail"),
    path(_D + "deploy/", DeployApi.as_view(), name="deployment-deploy"),
    path(_D + "rollback/", RollbackApi.as_view(), name="deployment-rollback"),
    path(_D + "promote/", PromoteApi.as_view(), name="deployment-promote"),
    path(_D + "revisions/", RevisionListApi.as_view(), name="deployment-revision-list"),
    path(_D + "feedback/", FeedbackApi.as_view(), name="deployment-feedback"),
    path(_D + "predictions/", PredictionLogApi.as_view(), name="deployment-prediction-list"),
    path(_D + "predictions/export/", PredictionExportApi.as_view(), name="deployment-prediction-export"),
    path(_D + "ready/", ReadyApi.as_view(), name="deployment-ready"),
    path(_D + "ab-analysis/", AbAnalysisApi.as_view(), name="deployment-ab-analysis"),
    path(_D + "shadow-report/", ShadowReportApi.as_view(), name="deployment-shadow-report"),
    path(_P + "prediction-exports/", PredictionExportListApi.as_view(), name="prediction-export-list"),
    path(_PE, PredictionExportDetailApi.as_view(), name="prediction-export-detail"),
    path(_PE + "download/", PredictionExportDownloadApi.as_view(), name="prediction-export-download"),
    path(_P + "erasures/", ErasureApi.as_view(), name="prediction-log-erasure-list"),
    path(_P + "prediction-log-policy/", PredictionLogPolicyApi.as_view(), name="prediction-log-policy"),
]
