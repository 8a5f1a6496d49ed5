"""Console API under /api/v1/projects/{project}/deployments/{deployment}/: simulate, readiness, load tests."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from console.models import LoadTest
from console.selectors import load_test_list
from console.serializers import (
    LoadTestRequestSerializer,
    LoadTestSerializer,
    ReadinessSerializer,
    SimulateRequestSerializer,
)
from core.base_views import ListMixin
from core.roles import Action
from serving.apis import DeploymentAPIView


class SimulateApi(DeploymentAPIView):
    access = {"POST": Action.OPERATE}
    serializer_class = SimulateRequestSerializer

    @extend_schema(request=SimulateRequestSerializer, responses={202: OpenApiTypes.OBJECT})
    def post(self, request: Request, project: str, deployment: str) -> Response:
        """Replay a dataset version against this deployment (bounded in time and count, in-process only) with a drift
        scenario and delayed feedback; runs on the monitoring queue."""
        from console.services.simulation import simulation_start
        from console.tasks import simulate

        data = self.validated_body(SimulateRequestSerializer)
        body = simulation_start(
            task=simulate, project=self.project, user=self.user, deployment=self.deployment(), **data
        )
        return Response(body, status=status.HTTP_202_ACCEPTED)


class ReadinessApi(DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = ReadinessSerializer

    def get(self, request: Request, project: str, deployment: str) -> Response:
        """The production-readiness checklist: rollback plan, API docs and client library, a load test of the serving
        versions, monitoring and alerting, approval/model card/artifact integrity, and a verified backup newer than
        KEEL_BACKUP_MAX_AGE_HOURS; each item with pass/fail and its evidence."""
        from console.services.readiness import deployment_readiness

        return Response(ReadinessSerializer(deployment_readiness(deployment=self.deployment())).data)


@extend_schema_view(
    get=extend_schema(
        description="Load tests of this deployment, newest first, with their figures (rps, p50/p95/p99 in ms, "
        "error rate) and the revision and model versions they measured."
    )
)
class LoadTestListApi(ListMixin, DeploymentAPIView):
    access = {"GET": Action.READ, "POST": Action.OPERATE}
    serializer_class = LoadTestSerializer
    queryset = LoadTest.objects.none()
    filterset_fields = ["status", "revision_number"]

    def get_queryset(self) -> Any:
        return load_test_list(deployment=self.deployment())

    @extend_schema(request=LoadTestRequestSerializer, responses={202: LoadTestSerializer})
    def post(self, request: Request, project: str, deployment: str) -> Response:
        """Queue a bounded in-process load test of the serving revision (generated inputs from the signature; stops at
        max_requests or max_seconds; no prediction-log rows). Poll the list for figures."""
        from console.services.loadtest import load_test_start

        values = self.validated_body(LoadTestRequestSerializer)
        test = load_test_start(deployment=self.deployment(), user=self.user, **values)
        test.refresh_from_db()  # eager mode (the embedded default) has run it already
        return Response(LoadTestSerializer(test).data, status=status.HTTP_202_ACCEPTED)
