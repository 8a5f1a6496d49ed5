"""Datasets API under /api/v1/projects/{project}/datasets/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import (
    CreateMixin,
    DestroyMixin,
    ListCreateMixin,
    ListMixin,
    NamedListMixin,
    ProjectAPIView,
    RetrieveMixin,
    UpdateMixin,
    attachment,
)
from core.errors import PayloadTooLarge, ValidationFailed
from core.roles import Action
from core.storage import blob_iter
from core.validation import checked_name
from registry import tabular
from registry.models import Dataset, DatasetVersion, ValidationReport, ValidationRule
from registry.selectors import datasets as selectors
from registry.serializers.datasets import (
    DatasetCreateSerializer,
    DatasetDiffSerializer,
    DatasetSerializer,
    DatasetUpdateSerializer,
    DatasetUploadSerializer,
    DatasetVersionSerializer,
    PreviewSerializer,
    ProfileSerializer,
    RolesUpdateSerializer,
    RulesGenerateSerializer,
    SchemaColumnSerializer,
    ValidationReportSerializer,
    ValidationRuleCreateSerializer,
    ValidationRuleSerializer,
    ValidationRuleUpdateSerializer,
)
from registry.services import datasets as services


class _DatasetView(ProjectAPIView):
    queryset: Any = DatasetVersion.objects.none()  # for schema generation; reads go through selectors

    def dataset(self) -> Dataset:
        return selectors.dataset_get(project=self.project, name=self.kwargs["dataset"])

    def version(self) -> DatasetVersion:
        return selectors.dataset_version_get(dataset=self.dataset(), number=self.kwargs["number"])


class DatasetListApi(NamedListMixin, CreateMixin, _DatasetView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = DatasetSerializer
    create_serializer_class = DatasetCreateSerializer
    queryset = Dataset.objects.none()

    def get_queryset(self) -> Any:
        return selectors.dataset_list_with_counts(project=self.project)

    def create_from(self, values: dict[str, Any]) -> Dataset:
        return services.dataset_create(project=self.project, user=self.user, **values)


class DatasetDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, _DatasetView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.OPERATE}
    serializer_class = DatasetSerializer
    update_serializer_class = DatasetUpdateSerializer

    def get_object(self) -> Dataset:  # with the version counts its representation shows
        return selectors.dataset_get_with_counts(project=self.project, name=self.kwargs["dataset"])

    def update_from(self, instance: Dataset, values: dict[str, Any]) -> Dataset:
        services.dataset_update(dataset=instance, user=self.user, **values)
        return self.get_object()

    def perform_destroy(self, instance: Dataset) -> None:
        services.dataset_delete(dataset=instance, user=self.user)


class DatasetVersionListApi(ListMixin, _DatasetView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = DatasetVersionSerializer
    queryset = DatasetVersion.objects.none()
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["status", "format"]
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.dataset_version_list(dataset=self.dataset())

    @extend_schema(
        operation_id="dataset_versions_upload",
        request={"multipart/form-data": DatasetUploadSerializer},
        responses={
            201: DatasetVersionSerializer,
            200: OpenApiResponse(DatasetVersionSerializer, description="Identical bytes: the existing version."),
            413: OpenApiResponse(description="The file is over KEEL_MAX_UPLOAD_BYTES."),
        },
    )
    def post(self, request: Request, project: str, dataset: str) -> Response:
        """Upload a CSV or Parquet file as the next version (the dataset is created on first upload). Identical bytes
        return the existing version with 200."""
        _refuse_oversized(request)
        data = self.validated_body(DatasetUploadSerializer)
        upload = data["file"]
        result = services.dataset_version_upload(
            project=self.project,
            user=self.user,
            dataset_name=checked_name("dataset", dataset),
            fileobj=upload,
            filename=upload.name or "",
            fmt=data["format"],
            message=data["message"],
            parent_number=data["parent"],
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(DatasetVersionSerializer(result.version).data, status=code)


def _refuse_oversized(request: Request) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.KEEL_MAX_UPLOAD_BYTES
    if length > limit + 64 * 1024:  # allow for multipart framing around the file
        raise PayloadTooLarge(
            f"file: the request ({length} bytes) is over the limit of {limit} bytes.",
            errors=[{"field": "file", "message": "too large", "code": "too_large"}],
        )


class DatasetVersionDetailApi(RetrieveMixin, _DatasetView):
    access = {"GET": Action.READ}
    serializer_class = DatasetVersionSerializer

    def get_object(self) -> DatasetVersion:
        return self.version()


class DatasetVersionSchemaApi(_DatasetView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE}
    serializer_class = SchemaColumnSerializer

    @extend_schema(responses=SchemaColumnSerializer(many=True))
    def get(self, request: Request, project: str, dataset: str, number: int) -> Response:
        return Response(SchemaColumnSerializer(self.version().schema, many=True).data)

    @extend_schema(
        operation_id="dataset_versions_set_roles",
        request=RolesUpdateSerializer,
        responses=SchemaColumnSerializer(many=True),
    )
    def patch(self, request: Request, project: str, dataset: str, number: int) -> Response:
        values = self.validated_body(RolesUpdateSerializer)
        version = services.dataset_version_set_roles(version=self.version(), user=self.user, roles=values["roles"])
        return Response(SchemaColumnSerializer(version.schema, many=True).data)


class DatasetVersionProfileApi(_DatasetView):
    access = {"GET": Action.READ}
    serializer_class = ProfileSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("include_sample", OpenApiTypes.BOOL, description="Include the seeded reference samples."),
        ]
    )
    def get(self, request: Request, project: str, dataset: str, number: int) -> Response:
        """Per-column statistics. Computed in the background after the upload: a 409 while the version's profile_status
        is pending (retry shortly) or failed."""
        version = self.version()
        if request.query_params.get("include_sample", "").lower() in ("1", "true", "yes"):
            return Response(selectors.dataset_version_full_profile(version=version))
        return Response(selectors.dataset_version_ready_profile(version=version))


class DatasetVersionPreviewApi(_DatasetView):
    access = {"GET": Action.READ}
    serializer_class = PreviewSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("offset", int, description="First row (0-based)."),
            OpenApiParameter("limit", int, description="Rows to return (1-500, default 50)."),
        ],
    )
    def get(self, request: Request, project: str, dataset: str, number: int) -> Response:
        offset = _int_param(request, "offset", 0, 0, 10**12)
        limit = _int_param(request, "limit", 50, 1, 500)
        version = self.version()
        frame = selectors.dataset_version_frame(version=version)
        rows = tabular.preview_rows(frame, offset, limit)
        return Response(
            {
                "count": len(frame),
                "offset": offset,
                "limit": limit,
                "columns": [str(c) for c in frame.columns],
                "rows": rows,
            }
        )


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailed.field(name, "must be an integer") from None
    if not low <= value <= high:
        raise ValidationFailed.field(name, f"must be between {low} and {high}")
    return value


class DatasetVersionDownloadApi(_DatasetView):
    access = {"GET": Action.READ}
    serializer_class = DatasetVersionSerializer

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, dataset: str, number: int) -> HttpResponseBase:
        version = self.version()
        filename = f"{version.dataset.name}-v{version.number}.{version.format}"
        content = blob_iter(version.sha256)
        return attachment(content, "application/octet-stream", filename, size=version.size, sha256=version.sha256)


class ValidationReportListApi(ListMixin, _DatasetView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ValidationReportSerializer
    queryset = ValidationReport.objects.none()
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.validation_report_list(version=self.version())

    @extend_schema(operation_id="dataset_versions_validate", responses={201: ValidationReportSerializer})
    def post(self, request: Request, project: str, dataset: str, number: int) -> Response:
        """Run the dataset's enabled rules on this version now."""
        report = services.dataset_version_validate(version=self.version(), user=self.user)
        return Response(ValidationReportSerializer(report).data, status=status.HTTP_201_CREATED)


class DatasetDiffApi(_DatasetView):
    access = {"GET": Action.READ}
    serializer_class = DatasetDiffSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="Base version number."),
            OpenApiParameter("to", int, required=True, description="Compared version number."),
        ],
    )
    def get(self, request: Request, project: str, dataset: str) -> Response:
        ds = self.dataset()
        before = selectors.dataset_version_get(dataset=ds, number=_int_param(request, "from", 0, 1, 10**9))
        after = selectors.dataset_version_get(dataset=ds, number=_int_param(request, "to", 0, 1, 10**9))
        return Response(selectors.dataset_version_diff(before=before, after=after))


class ValidationRuleListApi(ListCreateMixin, _DatasetView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ValidationRuleSerializer
    create_serializer_class = ValidationRuleCreateSerializer
    queryset = ValidationRule.objects.none()
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.validation_rule_list(dataset=self.dataset())

    def create_from(self, values: dict[str, Any]) -> ValidationRule:
        return services.validation_rule_create(dataset=self.dataset(), user=self.user, **values)


class ValidationRuleDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, _DatasetView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.WRITE}
    serializer_class = ValidationRuleSerializer
    update_serializer_class = ValidationRuleUpdateSerializer

    def get_object(self) -> ValidationRule:
        return selectors.validation_rule_get(dataset=self.dataset(), rule_id=self.kwargs["rule_id"])

    def update_from(self, instance: ValidationRule, values: dict[str, Any]) -> ValidationRule:
        return services.validation_rule_update(rule=instance, user=self.user, **values)

    def perform_destroy(self, instance: ValidationRule) -> None:
        services.validation_rule_delete(rule=instance, user=self.user)


class ValidationRulesGenerateApi(_DatasetView):
    access = {"POST": Action.WRITE}
    serializer_class = ValidationRuleSerializer

    @extend_schema(request=RulesGenerateSerializer, responses={201: ValidationRuleSerializer(many=True)})
    def post(self, request: Request, project: str, dataset: str) -> Response:
        """Generate rules from a reference version: each statistic within a tolerance."""
        data = self.validated_body(RulesGenerateSerializer)
        ds = self.dataset()
        reference = selectors.dataset_version_get(dataset=ds, number=data["reference_version"])
        rules = services.validation_rules_generate(
            dataset=ds, user=self.user, reference=reference, tolerance=data["tolerance"], replace=data["replace"]
        )
        return Response(ValidationRuleSerializer(rules, many=True).data, status=status.HTTP_201_CREATED)
