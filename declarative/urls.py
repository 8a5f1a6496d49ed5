from django.urls import path

from declarative import apis

ROUTES = [  # (route, view, name)
    ("config/plan", apis.ConfigPlanApi, "config-plan"),
    ("config/apply", apis.ConfigApplyApi, "config-apply"),
    ("projects/<slug:project>/config/export", apis.ConfigExportApi, "config-export"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
