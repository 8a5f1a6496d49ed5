"""Prediction log administration under /api/v1/projects/{project}/: retention policy, Parquet exports, erasures."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.audit import audit_record
from core.base_views import ListMixin, ProjectAPIView, RetrieveMixin, attachment
from core.pagination import CursorPagination
from core.roles import Action
from core.storage import blob_iter
from serving import selectors
from serving.erasure import erasure_execute
from serving.models import PredictionExport, PredictionLogPolicy
from serving.retention import policy_for
from serving.serializers import (
    ErasureReceiptSerializer,
    ErasureRequestSerializer,
    PredictionExportSerializer,
    PredictionLogPolicySerializer,
)


class PredictionExportListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.READ}
    serializer_class = PredictionExportSerializer
    pagination_class = CursorPagination
    queryset = PredictionExport.objects.none()
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.prediction_export_list(project=self.project)


class PredictionExportDetailApi(RetrieveMixin, ProjectAPIView):
    access = {"GET": Action.READ}
    serializer_class = PredictionExportSerializer

    def get_object(self) -> PredictionExport:
        return selectors.prediction_export_get(project=self.project, export_id=self.kwargs["export"])


class PredictionExportDownloadApi(PredictionExportDetailApi):
    @extend_schema(
        responses={(200, "application/vnd.apache.parquet"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, export: int) -> HttpResponseBase:  # type: ignore[override]
        found = self.get_object()
        content = blob_iter(found.sha256)
        return attachment(
            content,
            "application/vnd.apache.parquet",
            f"{found.partition}.parquet",
            size=found.size,
            sha256=found.sha256,
        )


class ErasureApi(ProjectAPIView):
    access = {"POST": Action.OPERATE}
    serializer_class = ErasureRequestSerializer

    @extend_schema(request=ErasureRequestSerializer, responses={201: ErasureReceiptSerializer})
    def post(self, request: Request, project: str) -> Response:
        """Delete every logged prediction and feedback row of a routing key or subject id in the project, across
        partitions and Parquet exports (rewritten), in one transaction; the receipt is also recorded in the audit
        log. Owners and maintainers only."""
        values = self.validated_body(ErasureRequestSerializer)
        receipt = erasure_execute(project=self.project, user=request.user, **values)  # type: ignore[arg-type]
        return Response(ErasureReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class PredictionLogPolicyApi(ProjectAPIView):
    access = {"GET": Action.READ, "PUT": Action.OPERATE}
    serializer_class = PredictionLogPolicySerializer

    @extend_schema(operation_id="prediction_log_policy_retrieve")
    def get(self, request: Request, project: str) -> Response:
        return Response(PredictionLogPolicySerializer(policy_for(self.project.pk)).data)

    @extend_schema(
        operation_id="prediction_log_policy_update",
        request=PredictionLogPolicySerializer,
    )
    def put(self, request: Request, project: str) -> Response:
        current = policy_for(self.project.pk)
        serializer = PredictionLogPolicySerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy: PredictionLogPolicy = serializer.save(project=self.project)
        audit_record(
            action="prediction_log_policy.update",
            actor=request.user,  # type: ignore[arg-type]
            project=self.project,
            obj=policy,
            data=PredictionLogPolicySerializer(policy).data,
        )
        return Response(PredictionLogPolicySerializer(policy).data)
