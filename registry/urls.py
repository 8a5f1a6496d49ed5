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

ROUTES = [  # (route, view, name)
    (_P + "datasets/", datasets.DatasetListApi, "dataset-list"),
    (_D, datasets.DatasetDetailApi, "dataset-detail"),
    (_D + "diff/", datasets.DatasetDiffApi, "dataset-diff"),
    (_D + "rules/", datasets.ValidationRuleListApi, "dataset-rule-list"),
    (_D + "rules/generate/", datasets.ValidationRulesGenerateApi, "dataset-rule-generate"),
    (_D + "rules/<int:rule_id>/", datasets.ValidationRuleDetailApi, "dataset-rule-detail"),
    (_D + "versions/", datasets.DatasetVersionListApi, "dataset-version-list"),
    (_DV, datasets.DatasetVersionDetailApi, "dataset-version-detail"),
    (_DV + "schema/", datasets.DatasetVersionSchemaApi, "dataset-version-schema"),
    (_DV + "profile/", datasets.DatasetVersionProfileApi, "dataset-version-profile"),
    (_DV + "preview/", datasets.DatasetVersionPreviewApi, "dataset-version-preview"),
    (_DV + "download/", datasets.DatasetVersionDownloadApi, "dataset-version-download"),
    (_DV + "validation-reports/", datasets.ValidationReportListApi, "dataset-version-validation-reports"),
    (_P + "experiments/", experiments.ExperimentListApi, "experiment-list"),
    (_E, experiments.ExperimentDetailApi, "experiment-detail"),
    (_E + "restore", experiments.ExperimentRestoreApi, "experiment-restore"),
    (_P + "runs/", experiments.RunListApi, "run-list"),
    (_P + "runs/search", experiments.RunSearchApi, "run-search"),
    (_P + "runs/compare", experiments.RunCompareApi, "run-compare"),
    (_R, experiments.RunDetailApi, "run-detail"),
    (_R + "restore", experiments.RunRestoreApi, "run-restore"),
    (_R + "status", experiments.RunStatusApi, "run-status"),
    (_R + "log-batch", experiments.RunLogBatchApi, "run-log-batch"),
    (_R + "metrics/history", experiments.RunMetricHistoryApi, "run-metrics-history"),
    (_R + "tags", experiments.RunTagApi, "run-tags"),
    (_R + "inputs", experiments.RunInputApi, "run-inputs"),
    (_R + "artifacts/", experiments.RunArtifactListApi, "run-artifact-list"),
    (_R + "artifacts/download", experiments.RunArtifactDownloadApi, "run-artifact-download"),
    (_P + "models/", models.ModelListApi, "model-list"),
    (_M, models.ModelDetailApi, "model-detail"),
    (_M + "versions/", models.ModelVersionListApi, "model-version-list"),
    (_M + "versions/upload/", models.ModelVersionUploadApi, "model-version-upload"),
    (_MV, models.ModelVersionDetailApi, "model-version-detail"),
    (_MV + "archive/", models.ModelVersionArchiveApi, "model-version-archive"),
    (_MV + "download/", models.ModelVersionDownloadApi, "model-version-download"),
    (_MV + "verify/", models.ModelVersionVerifyApi, "model-version-verify"),
    (_MV + "checks/", models.ModelVersionChecksApi, "model-version-checks"),
    (_MV + "card/", models.ModelCardApi, "model-version-card"),
    (_MV + "approval-requests/", models.ApprovalRequestListApi, "approval-request-list"),
    (_MV + "approval-requests/<int:request_id>/decide/", models.ApprovalDecisionApi, "approval-request-decide"),
    (_MV + "export/onnx/", models.OnnxDownloadApi, "model-version-onnx-download"),
    (_MV + "export/bundle/", models.BundleDownloadApi, "model-version-bundle-download"),
    (_M + "aliases/", models.AliasListApi, "model-alias-list"),
    (_M + "aliases/<str:alias>/", models.AliasDetailApi, "model-alias-detail"),
    (_M + "alias-history/", models.AliasHistoryApi, "model-alias-history"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
