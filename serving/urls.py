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

ROUTES = [  # (route, view, name)
    # the hot path first: Django tries routes in order, and every predict pays for the ones before it
    (_D + "predict/", PredictApi, "deployment-predict"),
    (_P + "deployments/", DeploymentListApi, "deployment-list"),
    (_D, DeploymentDetailApi, "deployment-detail"),
    (_D + "deploy/", DeployApi, "deployment-deploy"),
    (_D + "rollback/", RollbackApi, "deployment-rollback"),
    (_D + "promote/", PromoteApi, "deployment-promote"),
    (_D + "revisions/", RevisionListApi, "deployment-revision-list"),
    (_D + "feedback/", FeedbackApi, "deployment-feedback"),
    (_D + "predictions/", PredictionLogApi, "deployment-prediction-list"),
    (_D + "predictions/export/", PredictionExportApi, "deployment-prediction-export"),
    (_D + "ready/", ReadyApi, "deployment-ready"),
    (_D + "ab-analysis/", AbAnalysisApi, "deployment-ab-analysis"),
    (_D + "shadow-report/", ShadowReportApi, "deployment-shadow-report"),
    (_P + "prediction-exports/", PredictionExportListApi, "prediction-export-list"),
    (_PE, PredictionExportDetailApi, "prediction-export-detail"),
    (_PE + "download/", PredictionExportDownloadApi, "prediction-export-download"),
    (_P + "erasures/", ErasureApi, "prediction-log-erasure-list"),
    (_P + "prediction-log-policy/", PredictionLogPolicyApi, "prediction-log-policy"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
