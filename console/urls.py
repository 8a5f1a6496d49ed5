from django.urls import path

from console.apis import LoadTestListApi, ReadinessApi, SimulateApi

_D = "projects/<slug:project>/deployments/<str:deployment>/"

urlpatterns = [
    path(_D + "simulate/", SimulateApi.as_view(), name="deployment-simulate"),
    path(_D + "readiness/", ReadinessApi.as_view(), name="deployment-readiness"),
    path(_D + "load-tests/", LoadTestListApi.as_view(), name="load-test-list"),
]
