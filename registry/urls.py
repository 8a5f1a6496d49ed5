"""Registry routes, under /api/v1/projects/{project}/: datasets, experiments and runs, models."""

from django.urls import path

from registry.apis import datasets, experiments, models

_P = "projects/<slug:project>/"
_D = _P + "datasets/<str:dataset>/"
_DV = _D + "versions/<int:number>/"
_E = _P + "experiments/<str:name>/"
_R = _P + "runs/<str:run_id>/"
_M = _P + "models/<str:model>/"
_MV = _M + "versions/<int:number>/"

urlpatterns = [
    path(_P + "datasets/", datasets.DatasetListApi.as_view(), name="dataset-list"),
    path(_D, datasets.DatasetDetailApi.as_view(), name="dataset-detail"),
    path(_D + "diff/", datasets.DatasetDiffApi.as_view(), name="dataset-diff"),
    path(_D + "rules/", datasets.ValidationRuleListApi.as_view(), name="dataset-rule-list"),
    path(_D + "rules/generate/", datasets.ValidationRulesGenerateApi.as_view(), name="dataset-rule-generate"),
    path(_D + "rules/<int:rule_id>/", datasets.ValidationRuleDetailApi.as_view(), name="dataset-rule-detail"),
    path(_D + "versions/", datasets.DatasetVersionListApi.as_view(), name="dataset-version-list"),
    path(_DV, datasets.DatasetVersionDetailApi.as_view(), name="dataset-version-detail"),
    path(_DV + "schema/", datasets.DatasetVersionSchemaApi.as_view(), name="dataset-version-schema"),
    path(_DV + "profile/", datasets.DatasetVersionProfileApi.as_view(), name="dataset-version-profile"),
    path(_DV + "preview/", datasets.DatasetVersionPreviewApi.as_view(), name="dataset-version-preview"),
    path(_DV + "download/", datasets.DatasetVersionDownloadApi.as_view(), name="dataset-version-download"),
    path(
        _DV + "validation-reports/",
        datasets.ValidationReportListApi.as_view(),
        name="dataset-version-validation-reports",
    ),
    path(_P + "experiments/", experiments.ExperimentListApi.as_view(), name="experiment-list"),
    path(_E, experiments.ExperimentDetailApi.as_view(), name="experiment-detail"),
    path(_E + "restore", experiments.ExperimentRestoreApi.as_view(), name="experiment-restore"),
    path(_P + "runs/", experiments.RunListApi.as_view(), name="run-list"),
    path(_P + "runs/search", experiments.RunSearchApi.as_view(), name="run-search"),
    path(_P + "runs/compare", experiments.RunCompareApi.as_view(), name="run-compare"),
    path(_R, experiments.RunDetailApi.as_view(), name="run-detail"),
    path(_R + "restore", experiments.RunRestoreApi.as_view(), name="run-restore"),
    path(_R + "status", experiments.RunStatusApi.as_view(), name="run-status"),
    path(_R + "log-batch", experiments.RunLogBatchApi.as_view(), name="run-log-batch"),
    path(_R + "metrics/history", experiments.RunMetricHistoryApi.as_view(), name="run-metrics-history"),
    path(_R + "tags", experiments.RunTagApi.as_view(), name="run-tags"),
    path(_R + "inputs", experiments.RunInputApi.as_view(), name="run-inputs"),
    path(_R + "artifacts/", experiments.RunArtifactListApi.as_view(), name="run-artifact-list"),
    path(_R + "artifacts/download", experiments.RunArtifactDownloadApi.as_view(), name="run-artifact-download"),
    path(_P + "models/", models.ModelListApi.as_view(), name="model-list"),
    path(_M, models.ModelDetailApi.as_view(), name="model-detail"),
    path(_M + "versions/", models.ModelVersionListApi.as_view(), name="model-version-list"),
    path(_M + "versions/upload/", models.ModelVersionUploadApi.as_view(), name="model-version-upload"),
    path(_MV, models.ModelVersionDetailApi.as_view(), name="model-version-detail"),
    path(_MV + "archive/", models.ModelVersionArchiveApi.as_view(), name="model-version-archive"),
    path(_MV + "download/", models.ModelVersionDownloadApi.as_view(), name="model-version-download"),
    path(_MV + "verify/", models.ModelVersionVerifyApi.as_view(), name="model-version-verify"),
    path(_MV + "checks/", models.ModelVersionChecksApi.as_view(), name="model-version-checks"),
    path(_MV + "card/", models.ModelCardApi.as_view(), name="model-version-card"),
    path(_MV + "approval-requests/", models.ApprovalRequestListApi.as_view(), name="approval-request-list"),
    path(
        _MV + "approval-requests/<int:request_id>/decide/",
        models.ApprovalDecisionApi.as_view(),
        name="approval-request-decide",
    ),
    path(_MV + "export/onnx/", models.OnnxDownloadApi.as_view(), name="model-version-onnx-download"),
    path(_MV + "export/bundle/", models.BundleDownloadApi.as_view(), name="model-version-bundle-download"),
    path(_M + "aliases/", models.AliasListApi.as_view(), name="model-alias-list"),
    path(_M + "aliases/<str:alias>/", models.AliasDetailApi.as_view(), name="model-alias-detail"),
    path(_M + "alias-history/", models.AliasHistoryApi.as_view(), name="model-alias-history"),
]
