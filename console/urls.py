from django.urls import path

from console.apis import LoadTestListApi, ReadinessApi, SimulateApi

_D = "projects/<slug:project>/deployments/<str:deployment>/"

ROUTES = [  # (route, view, name)
    (_D + "simulate/", SimulateApi, "deployment-simulate"),
    (_D + "readiness/", ReadinessApi, "deployment-readiness"),
    (_D + "load-tests/", LoadTestListApi, "load-test-list"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
