"""Model registry API under /api/v1/projects/{project}/models/."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import ProjectAPIView
from core.errors import Conflict, NotFound, ValidationFailed
from core.parsers import JSONParser
from core.roles import Action
from core.storage import blob_read_verified
from core.validation import checked_name, parse_utc
from registry.exports.bundle import BundleError, build_bundle, current_requirements
from registry.models import ModelVersion, RegisteredModel
from registry.selectors import experiments as run_selectors
from registry.selectors import models as selectors
from registry.serializers.models import (
    AliasEventSerializer,
    AliasSerializer,
    AliasSetSerializer,
    ApprovalDecisionSerializer,
    ApprovalRequestCreateSerializer,
    ApprovalRequestSerializer,
    CheckSerializer,
    ModelCardSectionsSerializer,
    ModelCardSerializer,
    ModelVersionFromRunSerializer,
    ModelVersionSerializer,
    ModelVersionUpdateSerializer,
    ModelVersionUploadSerializer,
    RegisteredModelCreateSerializer,
    RegisteredModelSerializer,
    RegisteredModelUpdateSerializer,
    alias_at_payload,
)
from registry.services import approvals, cards, uploads
from registry.services import models as services

TAG = ["models"]


class _ModelView(ProjectAPIView):
    queryset: Any = ModelVersion.objects.none()  # for schema generation; reads go through selectors

    def model(self) -> RegisteredModel:
        return selectors.registered_model_get(project=self.project, name=self.kwargs["model"])

    def version(self) -> ModelVersion:
        return selectors.model_version_get(model=self.model(), number=self.kwargs["number"])

    def model_out(self) -> dict[str, Any]:
        return RegisteredModelSerializer(
            selectors.registered_model_get_with_counts(project=self.project, name=self.kwargs["model"])
        ).data


class ModelListApi(_ModelView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = RegisteredModelSerializer
    queryset = RegisteredModel.objects.none()
    filterset_fields = {"name": ["exact", "icontains"]}
    ordering_fields = ["name", "created_at", "updated_at"]

    def get_queryset(self) -> Any:
        return selectors.registered_model_list(project=self.project)

    @extend_schema(operation_id="models_list", tags=TAG, responses=RegisteredModelSerializer(many=True))
    def get(self, request: Request, project: str) -> Response:
        return self.listing(self.get_queryset(), RegisteredModelSerializer)

    @extend_schema(
        operation_id="models_create",
        tags=TAG,
        request=RegisteredModelCreateSerializer,
        responses={201: RegisteredModelSerializer},
    )
    def post(self, request: Request, project: str) -> Response:
        data = self.validated_body(RegisteredModelCreateSerializer)
        model = services.registered_model_create(project=self.project, user=self.user, **data)
        self.kwargs["model"] = model.name
        return Response(self.model_out(), status=status.HTTP_201_CREATED)


class ModelDetailApi(_ModelView):
    access = {"GET": Action.READ, "PATCH": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = RegisteredModelSerializer

    @extend_schema(operation_id="models_retrieve", tags=TAG)
    def get(self, request: Request, project: str, model: str) -> Response:
        self.model()
        return Response(self.model_out())

    @extend_schema(
        operation_id="models_update",
        tags=TAG,
        request=RegisteredModelUpdateSerializer,
        responses=RegisteredModelSerializer,
    )
    def patch(self, request: Request, project: str, model: str) -> Response:
        serializer = RegisteredModelUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.registered_model_update(model=self.model(), user=self.user, **serializer.validated_data)
        return Response(self.model_out())

    @extend_schema(operation_id="models_delete", tags=TAG, responses={204: None})
    def delete(self, request: Request, project: str, model: str) -> Response:
        services.registered_model_delete(model=self.model(), user=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelVersionListApi(_ModelView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ModelVersionSerializer
    queryset = ModelVersion.objects.none()
    filterset_fields = ["approval", "health", "archived", "source"]
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.model_version_list(model=self.model())

    @extend_schema(operation_id="model_versions_list", tags=TAG, responses=ModelVersionSerializer(many=True))
    def get(self, request: Request, project: str, model: str) -> Response:
        return self.listing(self.get_queryset(), ModelVersionSerializer)

    @extend_schema(
        operation_id="model_versions_create_from_run",
        tags=TAG,
        request=ModelVersionFromRunSerializer,
        responses={201: ModelVersionSerializer},
        description="Register a run's model artifact as the next version (the model is created if new).",
    )
    def post(self, request: Request, project: str, model: str) -> Response:
        data = self.validated_body(ModelVersionFromRunSerializer)
        run = run_selectors.run_find(project=self.project, run_id=data["run_id"])
        if run is None:
            raise ValidationFailed.field("run_id", f"no run {data['run_id']!r} in this project")
        version = services.model_version_create_from_run(
            project=self.project,
            user=self.user,
            model_name=checked_name("model", model),
            run=run,
            artifact_path=data["artifact_path"],
            description=data["description"],
        )
        return Response(ModelVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ModelVersionUploadApi(_ModelView):
    access = {"POST": Action.OPERATE}
    serializer_class = ModelVersionSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="model_versions_upload",
        tags=TAG,
        request={"multipart/form-data": ModelVersionUploadSerializer},
        responses={201: ModelVersionSerializer},
        description="Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type "
        "list and must predict on input_example. The server never loads pickle/joblib files (recognised by content, "
        "whatever their name): convert them on your own machine with `keel models upload model.pkl`.",
    )
    def post(self, request: Request, project: str, model: str) -> Response:
        data = self.validated_body(ModelVersionUploadSerializer)
        version = uploads.model_version_upload(
            project=self.project,
            user=self.user,
            model_name=checked_name("model", model),
            fileobj=data["file"],
            input_example=data["input_example"],
            signature=data["signature"],
            description=data["description"],
        )
        return Response(ModelVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ModelVersionDetailApi(_ModelView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.OPERATE}
    serializer_class = ModelVersionSerializer

    @extend_schema(operation_id="model_versions_retrieve", tags=TAG)
    def get(self, request: Request, project: str, model: str, number: int) -> Response:
        return Response(ModelVersionSerializer(self.version()).data)

    @extend_schema(
        operation_id="model_versions_update",
        tags=TAG,
        request=ModelVersionUpdateSerializer,
        responses=ModelVersionSerializer,
    )
    def patch(self, request: Request, project: str, model: str, number: int) -> Response:
        values = self.validated_body(ModelVersionUpdateSerializer)
        version = services.model_version_update(version=self.version(), user=self.user, **values)
        return Response(ModelVersionSerializer(version).data)

    @extend_schema(operation_id="model_versions_delete", tags=TAG, responses={204: None, 409: None})
    def delete(self, request: Request, project: str, model: str, number: int) -> Response:
        services.model_version_delete(version=self.version(), user=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelVersionArchiveApi(_ModelView):
    access = {"POST": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = ModelVersionSerializer

    @extend_schema(operation_id="model_versions_archive", tags=TAG, request=None, responses=ModelVersionSerializer)
    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        version = services.model_version_set_archived(version=self.version(), user=self.user, archived=True)
        return Response(ModelVersionSerializer(version).data)

    @extend_schema(operation_id="model_versions_unarchive", tags=TAG, responses=ModelVersionSerializer)
    def delete(self, request: Request, project: str, model: str, number: int) -> Response:
        version = services.model_version_set_archived(version=self.version(), user=self.user, archived=False)
        return Response(ModelVersionSerializer(version).data)


class ModelVersionDownloadApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = ModelVersionSerializer

    @extend_schema(
        operation_id="model_versions_download",
        tags=TAG,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, model: str, number: int) -> StreamingHttpResponse:
        version = self.version()
        data = services.model_version_artifact(version)  # hash-checked: a mismatch marks it unhealthy
        response = StreamingHttpResponse(iter([data]), content_type="application/octet-stream")
        response["Content-Disposition"] = (
            f'attachment; filename="{version.registered_model.name}-v{version.number}.{version.artifact_format}"'
        )
        response["ETag"] = f'"{version.artifact_sha256}"'
        return response


class ModelVersionVerifyApi(_ModelView):
    access = {"POST": Action.OPERATE}
    serializer_class = ModelVersionSerializer

    @extend_schema(
        operation_id="model_versions_verify",
        tags=TAG,
        request=None,
        responses=ModelVersionSerializer,
        description="Re-check the artifact's sha256 now; a mismatch marks the version unhealthy.",
    )
    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        version = services.model_version_verify(version=self.version(), user=self.user)
        return Response(ModelVersionSerializer(version).data)


class ModelVersionChecksApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = CheckSerializer

    @extend_schema(
        operation_id="model_versions_checks",
        tags=TAG,
        responses=CheckSerializer(many=True),
        description="Evaluate the required approval checks now (nothing is stored).",
    )
    def get(self, request: Request, project: str, model: str, number: int) -> Response:
        return Response(approvals.evaluate_checks(self.version()))


class ApprovalRequestListApi(_ModelView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ApprovalRequestSerializer

    @extend_schema(operation_id="approval_requests_list", tags=TAG, responses=ApprovalRequestSerializer(many=True))
    def get(self, request: Request, project: str, model: str, number: int) -> Response:
        return self.listing(
            selectors.approval_request_list(version=self.version()), ApprovalRequestSerializer, filtered=False
        )

    @extend_schema(
        operation_id="approval_requests_create",
        tags=TAG,
        request=ApprovalRequestCreateSerializer,
        responses={201: ApprovalRequestSerializer},
    )
    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        values = self.validated_body(ApprovalRequestCreateSerializer)
        created = approvals.approval_request_create(version=self.version(), user=self.user, **values)
        return Response(ApprovalRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class ApprovalDecisionApi(_ModelView):
    access = {"POST": Action.OPERATE}
    serializer_class = ApprovalRequestSerializer

    @extend_schema(
        operation_id="approval_requests_decide",
        tags=TAG,
        request=ApprovalDecisionSerializer,
        responses=ApprovalRequestSerializer,
        description="Approve or reject (a maintainer other than the requester). Failing checks need "
        "override=true with an override_reason, recorded in the audit log.",
    )
    def post(self, request: Request, project: str, model: str, number: int, request_id: int) -> Response:
        data = self.validated_body(ApprovalDecisionSerializer)
        target = selectors.approval_request_get(version=self.version(), request_id=request_id)
        decided = approvals.approval_decide(
            request=target,
            user=self.user,
            approve=data["decision"] == "approve",
            comment=data["comment"],
            override=data["override"],
            override_reason=data["override_reason"],
        )
        return Response(ApprovalRequestSerializer(decided).data)


class ModelCardApi(_ModelView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE}
    serializer_class = ModelCardSerializer

    @extend_schema(
        operation_id="model_versions_card",
        tags=TAG,
        parameters=[
            OpenApiParameter("format", str, enum=["json", "markdown"], description="json (default) or markdown")
        ],
        responses={200: ModelCardSerializer, (200, "text/markdown"): OpenApiTypes.STR},
    )
    def get(self, request: Request, project: str, model: str, number: int) -> Response | HttpResponse:
        card = cards.model_card(self.version())
        if request.query_params.get("format") == "markdown":
            return HttpResponse(cards.model_card_markdown(card), content_type="text/markdown; charset=utf-8")
        return Response(card)

    @extend_schema(
        operation_id="model_versions_card_update",
        tags=TAG,
        request=ModelCardSectionsSerializer,
        responses=ModelCardSerializer,
    )
    def patch(self, request: Request, project: str, model: str, number: int) -> Response:
        data = self.validated_body(ModelCardSectionsSerializer)
        version = cards.model_card_update(version=self.version(), user=self.user, sections=data)
        return Response(cards.model_card(version))


class AliasListApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = AliasSerializer

    @extend_schema(operation_id="model_aliases_list", tags=TAG, responses=AliasSerializer(many=True))
    def get(self, request: Request, project: str, model: str) -> Response:
        rows = [{"alias": a.name, "version": a.version.number} for a in selectors.alias_list(model=self.model())]
        return Response(rows)


class AliasDetailApi(_ModelView):
    access = {"GET": Action.READ, "PUT": Action.WRITE, "DELETE": Action.WRITE}
    serializer_class = ModelVersionSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="model_aliases_resolve",
        tags=TAG,
        responses=ModelVersionSerializer,
        description="The version the alias points to.",
    )
    def get(self, request: Request, project: str, model: str, alias: str) -> Response:
        return Response(ModelVersionSerializer(selectors.model_version_by_alias(model=self.model(), alias=alias)).data)

    @extend_schema(
        operation_id="model_aliases_set",
        tags=TAG,
        request=AliasSetSerializer,
        responses=ModelVersionSerializer,
        description="Set or move an alias. Protected aliases (champion by default) need a maintainer "
        "and an approved, healthy version.",
    )
    def put(self, request: Request, project: str, model: str, alias: str) -> Response:
        values = self.validated_body(AliasSetSerializer)
        registered = self.model()
        version = selectors.model_version_get(model=registered, number=values["version"])
        services.model_alias_set(
            model=registered,
            user=self.user,
            role=self.role,
            alias=_alias_name(alias),
            version=version,
            reason=values["reason"],
        )
        return Response(ModelVersionSerializer(selectors.model_version_by_alias(model=registered, alias=alias)).data)

    @extend_schema(operation_id="model_aliases_delete", tags=TAG, responses={204: None})
    def delete(self, request: Request, project: str, model: str, alias: str) -> Response:
        services.model_alias_delete(
            model=self.model(),
            user=self.user,
            role=self.role,
            alias=alias,
            reason=request.query_params.get("reason", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _alias_name(alias: str) -> str:
    checked_name("alias", alias)
    if alias.isdigit():
        raise ValidationFailed.field("alias", "an alias cannot be a number (it would shadow a version)")
    return alias


class AliasHistoryApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = AliasEventSerializer

    @extend_schema(
        operation_id="model_alias_history",
        tags=TAG,
        parameters=[
            OpenApiParameter("alias", str, description="Only this alias."),
            OpenApiParameter(
                "at",
                OpenApiTypes.DATETIME,
                description="With alias: the version in force at this time ({version, since}) instead of the ledger.",
            ),
        ],
        responses={200: AliasEventSerializer(many=True)},
    )
    def get(self, request: Request, project: str, model: str) -> Response:
        registered = self.model()
        alias = request.query_params.get("alias") or None
        at = request.query_params.get("at")
        if at:
            moment = parse_utc(at)
            if alias is None or moment is None:
                raise ValidationFailed.field(
                    "at" if alias else "alias", "an ISO 8601 time" if alias else "required with at"
                )
            return Response(
                {
                    "alias": alias,
                    "at": moment,
                    **alias_at_payload(selectors.alias_at(model=registered, alias=alias, at=moment)),
                }
            )
        return self.listing(
            selectors.alias_history(model=registered, alias=alias), AliasEventSerializer, filtered=False
        )


_M = "projects/<slug:project>/models/<str:model>/"
_V = _M + "versions/<int:number>/"

urlpatterns = [
    path("projects/<slug:project>/models/", ModelListApi.as_view(), name="model-list"),
    path(_M, ModelDetailApi.as_view(), name="model-detail"),
    path(_M + "versions/", ModelVersionListApi.as_view(), name="model-version-list"),
    path(_M + "versions/upload/", ModelVersionUploadApi.as_view(), name="model-version-upload"),
    path(_V, ModelVersionDetailApi.as_view(), name="model-version-detail"),
    path(_V + "archive/", ModelVersionArchiveApi.as_view(), name="model-version-archive"),
    path(_V + "download/", ModelVersionDownloadApi.as_view(), name="model-version-download"),
    path(_V + "verify/", ModelVersionVerifyApi.as_view(), name="model-version-verify"),
    path(_V + "checks/", ModelVersionChecksApi.as_view(), name="model-version-checks"),
    path(_V + "card/", ModelCardApi.as_view(), name="model-version-card"),
    path(_V + "approval-requests/", ApprovalRequestListApi.as_view(), name="approval-request-list"),
    path(
        _V + "approval-requests/<int:request_id>/decide/", ApprovalDecisionApi.as_view(), name="approval-request-decide"
    ),
    path(_M + "aliases/", AliasListApi.as_view(), name="model-alias-list"),
    path(_M + "aliases/<str:alias>/", AliasDetailApi.as_view(), name="model-alias-detail"),
    path(_M + "alias-history/", AliasHistoryApi.as_view(), name="model-alias-history"),
]


class OnnxDownloadApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = ModelVersionSerializer

    @extend_schema(
        operation_id="model_versions_onnx_download",
        tags=TAG,
        parameters=[
            OpenApiParameter("force", OpenApiTypes.BOOL, description="Download although the parity check failed.")
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, model: str, number: int) -> HttpResponse:
        version = self.version()
        if not version.onnx_sha256:
            raise NotFound(f"{version} has no ONNX export yet; POST .../export/onnx/build/ first.")
        if not version.onnx_parity.get("passed") and request.query_params.get("force") not in ("1", "true"):
            raise Conflict(
                f"The ONNX export of {version} failed its parity check "
                f"({version.onnx_parity.get('detail')}); pass force=true to download anyway."
            )
        response = HttpResponse(blob_read_verified(version.onnx_sha256), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{version.registered_model.name}-v{number}.onnx"'
        return response


class BundleDownloadApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = ModelVersionSerializer

    @extend_schema(
        operation_id="model_versions_bundle_download",
        tags=TAG,
        responses={(200, "application/gzip"): OpenApiTypes.BINARY},
        description="A container bundle (tar.gz): the model, pinned requirements, a minimal serving "
        "script and a Dockerfile.",
    )
    def get(self, request: Request, project: str, model: str, number: int) -> HttpResponse:
        version = self.version()
        if version.artifact_format != "skops":
            raise Conflict(f"{version} is a {version.artifact_format} model; bundles hold skops models only.")
        data = services.model_version_artifact(version)
        metadata = {
            "model": version.registered_model.name,
            "version": version.number,
            "project": project,
            "artifact_sha256": version.artifact_sha256,
            "created_at": version.created_at.isoformat(),
            "metrics": version.metrics,
        }
        try:
            bundle = build_bundle(
                model_bytes=data,
                model_format="skops",
                signature=version.signature,
                input_example=version.input_example,
                metadata=metadata,
                requirements=current_requirements(),
            )
        except BundleError as exc:
            raise Conflict(f"Cannot bundle {version}: {exc}") from None
        response = HttpResponse(bundle, content_type="application/gzip")
        response["Content-Disposition"] = f'attachment; filename="{version.registered_model.name}-v{number}.tar.gz"'
        return response


urlpatterns += [
    path(_V + "export/onnx/", OnnxDownloadApi.as_view(), name="model-version-onnx"),
    path(_V + "export/bundle/", BundleDownloadApi.as_view(), name="model-version-bundle"),
]
