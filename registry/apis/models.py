"""Model registry API under /api/v1/projects/{project}/models/."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
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


class _ModelView(ProjectAPIView):
    queryset: Any = ModelVersion.objects.none()  # for schema generation; reads go through selectors

    def model(self) -> RegisteredModel:
        return selectors.registered_model_get(project=self.project, name=self.kwargs["model"])

    def version(self) -> ModelVersion:
        return selectors.model_version_get(model=self.model(), number=self.kwargs["number"])

    def version_out(self, version: ModelVersion) -> Response:
        return Response(ModelVersionSerializer(version).data)

    def model_with_counts(self, name: str) -> RegisteredModel:  # what a model's representation shows
        return selectors.registered_model_get_with_counts(project=self.project, name=name)


class ModelListApi(NamedListMixin, CreateMixin, _ModelView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = RegisteredModelSerializer
    create_serializer_class = RegisteredModelCreateSerializer
    queryset = RegisteredModel.objects.none()

    def get_queryset(self) -> Any:
        return selectors.registered_model_list(project=self.project)

    def create_from(self, values: dict[str, Any]) -> RegisteredModel:
        model = services.registered_model_create(project=self.project, user=self.user, **values)
        return self.model_with_counts(model.name)


class ModelDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, _ModelView):
    access = {"GET": Action.READ, "PATCH": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = RegisteredModelSerializer
    update_serializer_class = RegisteredModelUpdateSerializer
    update_partial = True

    def get_object(self) -> RegisteredModel:
        return self.model_with_counts(self.kwargs["model"])

    def update_from(self, instance: RegisteredModel, values: dict[str, Any]) -> RegisteredModel:
        services.registered_model_update(model=instance, user=self.user, **values)
        return self.get_object()

    def perform_destroy(self, instance: RegisteredModel) -> None:
        services.registered_model_delete(model=instance, user=self.user)


class ModelVersionListApi(ListMixin, _ModelView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ModelVersionSerializer
    queryset = ModelVersion.objects.none()
    filterset_fields = ["approval", "health", "archived", "source"]
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.model_version_list(model=self.model())

    @extend_schema(
        operation_id="model_versions_create_from_run",
        request=ModelVersionFromRunSerializer,
        responses={201: ModelVersionSerializer},
    )
    def post(self, request: Request, project: str, model: str) -> Response:
        """Register a run's model artifact as the next version (the model is created if new)."""
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
        request={"multipart/form-data": ModelVersionUploadSerializer}, responses={201: ModelVersionSerializer}
    )
    def post(self, request: Request, project: str, model: str) -> Response:
        """Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type list and must
        predict on input_example. The server never loads pickle/joblib files (recognised by content, whatever their
        name): convert them on your own machine with `keel models upload model.pkl`."""
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


@extend_schema_view(delete=extend_schema(responses={204: None, 409: None}))
class ModelVersionDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, _ModelView):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.OPERATE}
    serializer_class = ModelVersionSerializer
    update_serializer_class = ModelVersionUpdateSerializer

    def get_object(self) -> ModelVersion:
        return self.version()

    def update_from(self, instance: ModelVersion, values: dict[str, Any]) -> ModelVersion:
        return services.model_version_update(version=instance, user=self.user, **values)

    def perform_destroy(self, instance: ModelVersion) -> None:
        services.model_version_delete(version=instance, user=self.user)


class ModelVersionArchiveApi(_ModelView):
    access = {"POST": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = ModelVersionSerializer

    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        return self.version_out(self.archive(True))

    @extend_schema(operation_id="model_versions_unarchive", responses=ModelVersionSerializer)
    def delete(self, request: Request, project: str, model: str, number: int) -> Response:
        return self.version_out(self.archive(False))

    def archive(self, archived: bool) -> ModelVersion:
        return services.model_version_set_archived(version=self.version(), user=self.user, archived=archived)


class ModelVersionDownloadApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = ModelVersionSerializer

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, model: str, number: int) -> HttpResponseBase:
        version = self.version()
        data = services.model_version_artifact(version)  # hash-checked: a mismatch marks it unhealthy
        filename = f"{version.registered_model.name}-v{version.number}.{version.artifact_format}"
        return attachment(iter([data]), "application/octet-stream", filename, sha256=version.artifact_sha256)


class ModelVersionVerifyApi(_ModelView):
    access = {"POST": Action.OPERATE}
    serializer_class = ModelVersionSerializer

    def post(self, request: Request, project: str, model: str, number: int) -> Response:
        """Re-check the artifact's sha256 now; a mismatch marks the version unhealthy."""
        return self.version_out(services.model_version_verify(version=self.version(), user=self.user))


class ModelVersionChecksApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = CheckSerializer

    @extend_schema(responses=CheckSerializer(many=True))
    def get(self, request: Request, project: str, model: str, number: int) -> Response:
        """Evaluate the required approval checks now (nothing is stored)."""
        return Response(approvals.evaluate_checks(self.version()))


class ApprovalRequestListApi(ListCreateMixin, _ModelView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ApprovalRequestSerializer
    create_serializer_class = ApprovalRequestCreateSerializer
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return selectors.approval_request_list(version=self.version())

    def create_from(self, values: dict[str, Any]) -> Any:
        return approvals.approval_request_create(version=self.version(), user=self.user, **values)


class ApprovalDecisionApi(_ModelView):
    access = {"POST": Action.OPERATE}
    serializer_class = ApprovalRequestSerializer

    @extend_schema(request=ApprovalDecisionSerializer)
    def post(self, request: Request, project: str, model: str, number: int, request_id: int) -> Response:
        """Approve or reject (a maintainer other than the requester). Failing checks need override=true with an
        override_reason, recorded in the audit log."""
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
        request=ModelCardSectionsSerializer,
    )
    def patch(self, request: Request, project: str, model: str, number: int) -> Response:
        data = self.validated_body(ModelCardSectionsSerializer)
        version = cards.model_card_update(version=self.version(), user=self.user, sections=data)
        return Response(cards.model_card(version))


class AliasListApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = AliasSerializer

    @extend_schema(responses=AliasSerializer(many=True))
    def get(self, request: Request, project: str, model: str) -> Response:
        rows = [{"alias": a.name, "version": a.version.number} for a in selectors.alias_list(model=self.model())]
        return Response(rows)


class AliasDetailApi(_ModelView):
    access = {"GET": Action.READ, "PUT": Action.WRITE, "DELETE": Action.WRITE}
    serializer_class = ModelVersionSerializer
    parser_classes = [JSONParser]

    @extend_schema(operation_id="model_aliases_resolve")
    def get(self, request: Request, project: str, model: str, alias: str) -> Response:
        """The version the alias points to."""
        return Response(ModelVersionSerializer(selectors.model_version_by_alias(model=self.model(), alias=alias)).data)

    @extend_schema(operation_id="model_aliases_set", request=AliasSetSerializer)
    def put(self, request: Request, project: str, model: str, alias: str) -> Response:
        """Set or move an alias. Protected aliases (champion by default) need a maintainer and an approved, healthy
        version."""
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

    @extend_schema(responses={204: None})
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


class OnnxDownloadApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = ModelVersionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("force", OpenApiTypes.BOOL, description="Download although the parity check failed.")
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, model: str, number: int) -> HttpResponseBase:
        version = self.version()
        if not version.onnx_sha256:
            raise NotFound(f"{version} has no ONNX export yet; POST .../export/onnx/build/ first.")
        if not version.onnx_parity.get("passed") and request.query_params.get("force") not in ("1", "true"):
            raise Conflict(
                f"The ONNX export of {version} failed its parity check "
                f"({version.onnx_parity.get('detail')}); pass force=true to download anyway."
            )
        content = blob_read_verified(version.onnx_sha256)
        return attachment(content, "application/octet-stream", f"{version.registered_model.name}-v{number}.onnx")


class BundleDownloadApi(_ModelView):
    access = {"GET": Action.READ}
    serializer_class = ModelVersionSerializer

    @extend_schema(responses={(200, "application/gzip"): OpenApiTypes.BINARY})
    def get(self, request: Request, project: str, model: str, number: int) -> HttpResponseBase:
        """A container bundle (tar.gz): the model, pinned requirements, a minimal serving script and a Dockerfile."""
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
        return attachment(bundle, "application/gzip", f"{version.registered_model.name}-v{number}.tar.gz")
