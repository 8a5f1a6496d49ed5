from django.urls import URLPattern, URLResolver, path

from declarative import apis

urlpatterns: list[URLPattern | URLResolver] = [
    path("config/plan", apis.ConfigPlanApi.as_view(), name="config-plan"),
    path("config/apply", apis.ConfigApplyApi.as_view(), name="config-apply"),
    path("projects/<slug:project>/config/export", apis.ConfigExportApi.as_view(), name="config-export"),
]
