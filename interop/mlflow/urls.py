"""MLflow tracking/registry REST API (mounted at /api/2.0/) and its artifact proxy."""

from django.urls import URLPattern, URLResolver, path, re_path

from interop.mlflow import artifacts, logged_models, registry_views, tracking

_M = "mlflow/"

urlpatterns: list[URLPattern | URLResolver] = [
    # experiments
    path(f"{_M}experiments/create", tracking.ExperimentCreate.as_view(), name="mlflow-experiment-create"),
    path(f"{_M}experiments/get", tracking.ExperimentGet.as_view(), name="mlflow-experiment-get"),
    path(f"{_M}experiments/get-by-name", tracking.ExperimentGetByName.as_view(), name="mlflow-experiment-get-by-name"),
    path(f"{_M}experiments/search", tracking.ExperimentSearch.as_view(), name="mlflow-experiment-search"),
    path(f"{_M}experiments/list", tracking.ExperimentSearch.as_view(), name="mlflow-experiment-list"),
    path(f"{_M}experiments/update", tracking.ExperimentUpdate.as_view(), name="mlflow-experiment-update"),
    path(f"{_M}experiments/delete", tracking.ExperimentDelete.as_view(), name="mlflow-experiment-delete"),
    path(f"{_M}experiments/restore", tracking.ExperimentRestore.as_view(), name="mlflow-experiment-restore"),
    path(f"{_M}experiments/set-experiment-tag", tracking.ExperimentSetTag.as_view(), name="mlflow-experiment-set-tag"),
    path(
        f"{_M}experiments/delete-experiment-tag",
        tracking.ExperimentDeleteTag.as_view(),
        name="mlflow-experiment-delete-tag",
    ),
    # runs
    path(f"{_M}runs/create", tracking.RunCreate.as_view(), name="mlflow-run-create"),
    path(f"{_M}runs/get", tracking.RunGet.as_view(), name="mlflow-run-get"),
    path(f"{_M}runs/update", tracking.RunUpdate.as_view(), name="mlflow-run-update"),
    path(f"{_M}runs/delete", tracking.RunDelete.as_view(), name="mlflow-run-delete"),
    path(f"{_M}runs/restore", tracking.RunRestore.as_view(), name="mlflow-run-restore"),
    path(f"{_M}runs/search", tracking.RunSearch.as_view(), name="mlflow-run-search"),
    path(f"{_M}runs/log-metric", tracking.RunLogMetric.as_view(), name="mlflow-run-log-metric"),
    path(f"{_M}runs/log-parameter", tracking.RunLogParam.as_view(), name="mlflow-run-log-param"),
    path(f"{_M}runs/set-tag", tracking.RunSetTag.as_view(), name="mlflow-run-set-tag"),
    path(f"{_M}runs/delete-tag", tracking.RunDeleteTag.as_view(), name="mlflow-run-delete-tag"),
    path(f"{_M}runs/log-batch", tracking.RunLogBatch.as_view(), name="mlflow-run-log-batch"),
    path(f"{_M}runs/log-inputs", tracking.RunLogInputs.as_view(), name="mlflow-run-log-inputs"),
    path(f"{_M}runs/outputs", tracking.RunLogOutputs.as_view(), name="mlflow-run-log-outputs"),
    path(f"{_M}metrics/get-history", tracking.MetricHistory.as_view(), name="mlflow-metric-history"),
    path(f"{_M}artifacts/list", artifacts.RunArtifactList.as_view(), name="mlflow-artifact-list"),
    # logged models (MLflow 3)
    path(f"{_M}logged-models", logged_models.LoggedModelCreate.as_view(), name="mlflow-logged-model-create"),
    path(f"{_M}logged-models/search", logged_models.LoggedModelSearch.as_view(), name="mlflow-logged-model-search"),
    path(f"{_M}logged-models/<str:model_id>", logged_models.LoggedModelDetail.as_view(), name="mlflow-logged-model"),
    path(
        f"{_M}logged-models/<str:model_id>/params",
        logged_models.LoggedModelParams.as_view(),
        name="mlflow-logged-model-params",
    ),
    path(
        f"{_M}logged-models/<str:model_id>/tags",
        logged_models.LoggedModelTags.as_view(),
        name="mlflow-logged-model-tags",
    ),
    path(
        f"{_M}logged-models/<str:model_id>/tags/<path:tag_key>",
        logged_models.LoggedModelTagDelete.as_view(),
        name="mlflow-logged-model-tag",
    ),
    path(
        f"{_M}logged-models/<str:model_id>/artifacts/directories",
        artifacts.LoggedModelArtifactList.as_view(),
        name="mlflow-logged-model-artifacts",
    ),
    # model registry
    path(f"{_M}registered-models/create", registry_views.RegisteredModelCreate.as_view(), name="mlflow-rm-create"),
    path(f"{_M}registered-models/get", registry_views.RegisteredModelGet.as_view(), name="mlflow-rm-get"),
    path(f"{_M}registered-models/search", registry_views.RegisteredModelSearch.as_view(), name="mlflow-rm-search"),
    path(f"{_M}registered-models/rename", registry_views.RegisteredModelRename.as_view(), name="mlflow-rm-rename"),
    path(f"{_M}registered-models/update", registry_views.RegisteredModelUpdate.as_view(), name="mlflow-rm-update"),
    path(f"{_M}registered-models/delete", registry_views.RegisteredModelDelete.as_view(), name="mlflow-rm-delete"),
    path(f"{_M}registered-models/set-tag", registry_views.RegisteredModelSetTag.as_view(), name="mlflow-rm-set-tag"),
    path(
        f"{_M}registered-models/delete-tag",
        registry_views.RegisteredModelDeleteTag.as_view(),
        name="mlflow-rm-delete-tag",
    ),
    path(
        f"{_M}registered-models/get-latest-versions", registry_views.LatestVersions.as_view(), name="mlflow-rm-latest"
    ),
    path(f"{_M}registered-models/alias", registry_views.Alias.as_view(), name="mlflow-rm-alias"),
    path(f"{_M}model-versions/create", registry_views.ModelVersionCreate.as_view(), name="mlflow-mv-create"),
    path(f"{_M}model-versions/get", registry_views.ModelVersionGet.as_view(), name="mlflow-mv-get"),
    path(f"{_M}model-versions/update", registry_views.ModelVersionUpdate.as_view(), name="mlflow-mv-update"),
    path(f"{_M}model-versions/delete", registry_views.ModelVersionDelete.as_view(), name="mlflow-mv-delete"),
    path(f"{_M}model-versions/search", registry_views.ModelVersionSearch.as_view(), name="mlflow-mv-search"),
    path(
        f"{_M}model-versions/get-download-uri",
        registry_views.ModelVersionDownloadUri.as_view(),
        name="mlflow-mv-download-uri",
    ),
    path(f"{_M}model-versions/set-tag", registry_views.ModelVersionSetTag.as_view(), name="mlflow-mv-set-tag"),
    path(f"{_M}model-versions/delete-tag", registry_views.ModelVersionDeleteTag.as_view(), name="mlflow-mv-delete-tag"),
    # artifact proxy
    path("mlflow-artifacts/artifacts", artifacts.ArtifactList.as_view(), name="mlflow-artifacts-list"),
    path(
        "mlflow-artifacts/artifacts/<path:artifact_path>",
        artifacts.ArtifactFile.as_view(),
        name="mlflow-artifacts-file",
    ),
    # everything else under the MLflow prefixes
    re_path(
        r"^mlflow(?:-artifacts)?/(?P<rest>.*)$", registry_views.NotFoundEndpoint.as_view(), name="mlflow-not-found"
    ),
    re_path(
        r"^(?P<rest>(?:gateway|endpoints)(?:/.*)?)$",
        registry_views.NotFoundEndpoint.as_view(),
        name="mlflow-gateway-not-implemented",
    ),
]

# MLflow's later API versions (traces, assessments, GenAI evaluation): mounted at /api/3.0/ and /api/4.0/.
later_urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^(?P<rest>mlflow/.*)$", registry_views.NotFoundEndpoint.as_view(), name="mlflow-later-api"),
]
