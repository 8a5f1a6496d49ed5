from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView

from core import errors
from core.api_docs import RedocView, SwaggerView
from core.health import LivezApi, ReadyzApi
from core.login import LoginView, LogoutView
from interop.mlflow import links as mlflow_links
from interop.mlflow import urls as mlflow_urls
from interop.oip.apis import oip_error_shape
from monitoring.apis import MetricsView

admin.site.site_header = "Keel administration"
admin.site.site_title = "Keel"


class PublicSchemaView(SpectacularAPIView):
    public = True
    permission_classes: list[type] = []
    authentication_classes: list[type] = []


class PublicSwaggerView(SwaggerView):
    public = True
    permission_classes: list[type] = []
    authentication_classes: list[type] = []


class PublicRedocView(RedocView):
    public = True
    permission_classes: list[type] = []
    authentication_classes: list[type] = []


api_v1 = [
    path("", include("serving.urls")),  # first: the inference route is matched on every prediction
    path("", include("core.urls")),
    path("", include("registry.urls")),
    path("", include("training.urls")),
    path("", include("monitoring.urls")),
    path("", include("declarative.urls")),
    path("", include("console.urls")),
]

urlpatterns = [
    path("livez", LivezApi.as_view(), name="health-live"),
    path("readyz", ReadyzApi.as_view(), name="health-ready"),
    path("metrics", MetricsView.as_view(), name="metrics"),
    path("api/v1/", include(api_v1)),
    path("api/2.0/", include("interop.mlflow.urls")),
    re_path(r"^api/[34]\.0/", include(mlflow_urls.later_urlpatterns)),
    path("v2/", include("interop.oip.urls")),
    path("api/schema/", PublicSchemaView.as_view(), name="schema"),
    path("api/docs/", PublicSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", PublicRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("dashboard/", include("console.dashboard.urls")),
    path("mlflow/", include(mlflow_links.urlpatterns)),
    path("", mlflow_links.LinkPage.as_view(), name="home"),
]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/v2/"))


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return oip_error_shape(request, errors.handler404(request, exception))
    return defaults.page_not_found(request, exception or Exception())


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return oip_error_shape(request, errors.handler500(request))
    return defaults.server_error(request)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return oip_error_shape(request, errors.handler400(request, exception))
    return defaults.bad_request(request, exception or Exception())


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return oip_error_shape(request, errors.handler403(request, exception))
    return defaults.permission_denied(request, exception or Exception())
