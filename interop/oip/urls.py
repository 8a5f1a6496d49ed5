"""Open Inference Protocol v2 (mounted at /v2/). ``{model}`` is a deployment name, ``{version}`` a model version
number served by one of its live variants."""

from django.urls import URLPattern, URLResolver, path

from interop.oip import apis

_M = "models/<str:model>/"
_V = _M + "versions/<str:version>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", apis.ServerMetadataApi.as_view(), name="oip-server-metadata"),
    path("health/live", apis.ServerLiveApi.as_view(), name="oip-health-live"),
    path("health/ready", apis.ServerReadyApi.as_view(), name="oip-health-ready"),
    path("models/<str:model>", apis.ModelMetadataApi.as_view(), name="oip-model-metadata"),
    path(_M + "ready", apis.ModelReadyApi.as_view(), name="oip-model-ready"),
    path(_M + "infer", apis.ModelInferApi.as_view(), name="oip-model-infer"),
    path(_M + "versions/<str:version>", apis.ModelMetadataApi.as_view(), name="oip-model-version-metadata"),
    path(_V + "ready", apis.ModelReadyApi.as_view(), name="oip-model-version-ready"),
    path(_V + "infer", apis.ModelInferApi.as_view(), name="oip-model-version-infer"),
]
