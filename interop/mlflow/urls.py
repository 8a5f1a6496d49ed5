"""MLflow tracking/registry REST API (mounted at /api/2.0/) and its artifact proxy."""

from django.urls import URLPattern, URLResolver, path, re_path

from interop.mlflow import artifacts, logged_models, registry_views, tracking

# MLflow's endpoints under /api/2.0/mlflow/: (route, view, route name without its "mlflow-" prefix).
ENDPOINTS = [
    # experiments
    ("experiments/create", tracking.ExperimentCreate, "experiment-create"),
    ("experiments/get", tracking.ExperimentGet, "experiment-get"),
    ("experiments/get-by-name", tracking.ExperimentGetByName, "experiment-get-by-name"),
    ("experiments/search", tracking.ExperimentSearch, "experiment-search"),
    ("experiments/list", tracking.ExperimentSearch, "experiment-list"),
    ("experiments/update", tracking.ExperimentUpdate, "experiment-update"),
    ("experiments/delete", tracking.ExperimentDelete, "experiment-delete"),
    ("experiments/restore", tracking.ExperimentRestore, "experiment-restore"),
    ("experiments/set-experiment-tag", tracking.ExperimentSetTag, "experiment-set-tag"),
    ("experiments/delete-experiment-tag", tracking.ExperimentDeleteTag, "experiment-delete-tag"),
    # runs
    ("runs/create", tracking.RunCreate, "run-create"),
    ("runs/get", tracking.RunGet, "run-get"),
    ("runs/update", tracking.RunUpdate, "run-update"),
    ("runs/delete", tracking.RunDelete, "run-delete"),
    ("runs/restore", tracking.RunRestore, "run-restore"),
    ("runs/search", tracking.RunSearch, "run-search"),
    ("runs/log-metric", tracking.RunLogMetric, "run-log-metric"),
    ("runs/log-parameter", tracking.RunLogParam, "run-log-param"),
    ("runs/set-tag", tracking.RunSetTag, "run-set-tag"),
    ("runs/delete-tag", tracking.RunDeleteTag, "run-delete-tag"),
    ("runs/log-batch", tracking.RunLogBatch, "run-log-batch"),
    ("runs/log-inputs", tracking.RunLogInputs, "run-log-inputs"),
    ("runs/outputs", tracking.RunLogOutputs, "run-log-outputs"),
    ("metrics/get-history", tracking.MetricHistory, "metric-history"),
    ("artifacts/list", artifacts.RunArtifactList, "artifact-list"),
    # logged models (MLflow 3)
    ("logged-models", logged_models.LoggedModelCreate, "logged-model-create"),
    ("logged-models/search", logged_models.LoggedModelSearch, "logged-model-search"),
    ("logged-models/<str:model_id>", logged_models.LoggedModelDetail, "logged-model"),
    ("logged-models/<str:model_id>/params", logged_models.LoggedModelParams, "logged-model-params"),
    ("logged-models/<str:model_id>/tags", logged_models.LoggedModelTags, "logged-model-tags"),
    ("logged-models/<str:model_id>/tags/<path:tag_key>", logged_models.LoggedModelTagDelete, "logged-model-tag"),
    ("logged-models/<str:model_id>/artifacts/directories", artifacts.LoggedModelArtifactList, "logged-model-artifacts"),
    # model registry
    ("registered-models/create", registry_views.RegisteredModelCreate, "rm-create"),
    ("registered-models/get", registry_views.RegisteredModelGet, "rm-get"),
    ("registered-models/search", registry_views.RegisteredModelSearch, "rm-search"),
    ("registered-models/rename", registry_views.RegisteredModelRename, "rm-rename"),
    ("registered-models/update", registry_views.RegisteredModelUpdate, "rm-update"),
    ("registered-models/delete", registry_views.RegisteredModelDelete, "rm-delete"),
    ("registered-models/set-tag", registry_views.RegisteredModelSetTag, "rm-set-tag"),
    ("registered-models/delete-tag", registry_views.RegisteredModelDeleteTag, "rm-delete-tag"),
    ("registered-models/get-latest-versions", registry_views.LatestVersions, "rm-latest"),
    ("registered-models/alias", registry_views.Alias, "rm-alias"),
    ("model-versions/create", registry_views.ModelVersionCreate, "mv-create"),
    ("model-versions/get", registry_views.ModelVersionGet, "mv-get"),
    ("model-versions/update", registry_views.ModelVersionUpdate, "mv-update"),
    ("model-versions/delete", registry_views.ModelVersionDelete, "mv-delete"),
    ("model-versions/search", registry_views.ModelVersionSearch, "mv-search"),
    ("model-versions/get-download-uri", registry_views.ModelVersionDownloadUri, "mv-download-uri"),
    ("model-versions/set-tag", registry_views.ModelVersionSetTag, "mv-set-tag"),
    ("model-versions/delete-tag", registry_views.ModelVersionDeleteTag, "mv-delete-tag"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    *(path(f"mlflow/{route}", view.as_view(), name=f"mlflow-{name}") for route, view, name in ENDPOINTS),
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
