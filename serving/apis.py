"""Serving API under /api/v1/projects/{project}/deployments/."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import django_filters
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core import context
from core.base_views import (
    DestroyMixin,
    ListMixin,
    NamedListMixin,
    ProjectAPIView,
    RetrieveMixin,
    UpdateMixin,
    caller_label,
)
from core.errors import NotFound, ValidationFailed
from core.pagination import CursorPagination
from core.parsers import JSONParser
from core.roles import Action
from core.throttling import PredictThrottle
from core.validation import UtcIsoDateTimeFilter, parse_utc
from serving import analysis, inference, runtime, services
from serving.models import Deployment, PredictionLog, Revision
from serving.rollouts import deployment_deploy
from serving.selectors import (
    deployment_detail_get,
    deployment_list,
    prediction_log_list,
    prediction_log_oldest_first,
    revision_list,
)
from serving.serializers import (
    DeploymentCreateSerializer,
    DeploymentSerializer,
    DeploymentUpdateSerializer,
    DeploySerializer,
    FeedbackRequestSerializer,
    FeedbackResultSerializer,
    PredictionLogSerializer,
    PredictRequestSerializer,
    PredictResponseSerializer,
    PromoteSerializer,
    ReadySerializer,
    RevisionSerializer,
    RollbackSerializer,
)


# A view under /projects/{project}/deployments/{deployment}/ (serving's, monitoring's, the console's): ``deployment()``
# is the deployment the URL names, with what its representation reads, or 404; ``out()`` that representation.
# (Comments, not a docstring: drf-spectacular would copy it into every operation's description.)
class DeploymentAPIView(ProjectAPIView):
    def deployment(self) -> Deployment:
        return deployment_detail_get(project=self.project, name=self.kwargs["deployment"])

    def out(self) -> dict[str, Any]:
        return DeploymentSerializer(self.deployment()).data


class DeploymentListApi(NamedListMixin, DeploymentAPIView):
    access = {"GET": Action.READ, "POST": Action.OPERATE}
    serializer_class = DeploymentSerializer
    queryset = Deployment.objects.none()

    def get_queryset(self) -> Any:
        return deployment_list(project=self.project)

    @extend_schema(request=DeploymentCreateSerializer, responses={201: DeploymentSerializer})
    def post(self, request: Request, project: str) -> Response:
        """Create a deployment serving one approved, healthy version (by number or alias)."""
        data = self.validated_body(DeploymentCreateSerializer)
        version, alias = services.resolve_version(
            project=self.project, model=data["model"], version=data["version"], alias=data["alias"]
        )
        services.deployment_create(
            project=self.project,
            user=self.user,
            name=data["name"],
            version=version,
            alias=alias,
            description=data["description"],
            policy=data.get("policy"),
        )
        self.kwargs["deployment"] = data["name"]
        return Response(self.out(), status=status.HTTP_201_CREATED)


class DeploymentDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, DeploymentAPIView):
    access = {"GET": Action.READ, "PATCH": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = DeploymentSerializer
    update_serializer_class = DeploymentUpdateSerializer

    def get_object(self) -> Deployment:
        return self.deployment()

    def update_from(self, instance: Deployment, values: dict[str, Any]) -> Deployment:
        services.deployment_update(deployment=instance, user=self.user, **values)
        return self.deployment()

    def perform_destroy(self, instance: Deployment) -> None:
        services.deployment_delete(deployment=instance, user=self.user)


# POST .../deployments/{deployment}/<action>/: the body, checked by ``body_serializer``, goes to ``act``; the answer
# is the deployment as it then is. The OpenAPI description is the action view's docstring.
class _DeploymentActionApi(DeploymentAPIView):
    access = {"POST": Action.OPERATE}
    serializer_class = DeploymentSerializer
    body_serializer: type[serializers.Serializer]

    def act(self, deployment: Deployment, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, project: str, deployment: str) -> Response:
        values = self.validated_body(self.body_serializer)
        self.act(self.deployment(), values)
        return Response(self.out())


class DeployApi(_DeploymentActionApi):
    """Change traffic with a strategy; each call creates a new immutable revision.

    - single: the version takes all traffic.
    - blue_green: the version is loaded and smoke-tested on its input example, then takes 100% in one switch; the
      old version stays loaded as a standby for instant rollback.
    - canary: the version takes steps[0]% and moves through steps on interval_seconds while guardrails (error rate,
      p95 latency, quality from feedback) hold; a breach rolls back automatically.
    - rolling: like canary with absolute health gates between fixed steps.
    - shadow: fraction% of requests are also predicted by the version off the response path.
    - ab_test: variants with weights and sticky assignment by routing_key; see ab-analysis and promote."""

    body_serializer = DeploySerializer

    def act(self, deployment: Deployment, values: dict[str, Any]) -> None:
        deployment_deploy(deployment=deployment, user=self.user, data=values)


class RollbackApi(_DeploymentActionApi):
    """Return to the previous revision (or a named one) in one call."""

    body_serializer = RollbackSerializer

    def act(self, deployment: Deployment, values: dict[str, Any]) -> None:
        services.deployment_rollback(
            deployment=deployment, user=self.user, to_revision=values["revision"], reason=values["reason"]
        )


class PromoteApi(_DeploymentActionApi):
    """Make one variant the only primary (e.g. the A/B winner)."""

    body_serializer = PromoteSerializer

    def act(self, deployment: Deployment, values: dict[str, Any]) -> None:
        services.deployment_promote(deployment=deployment, user=self.user, **values)


class RevisionListApi(DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = RevisionSerializer
    queryset = Revision.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "at", OpenApiTypes.DATETIME, description="Only the revision that was serving at this time."
            )
        ],
        responses=RevisionSerializer(many=True),
    )
    def get(self, request: Request, project: str, deployment: str) -> Response:
        at = request.query_params.get("at")
        moment = parse_utc(at) if at else None
        if at and moment is None:
            raise ValidationFailed.field("at", "an ISO 8601 date-time")
        revisions = revision_list(deployment=self.deployment(), at=moment)
        return self.listing(revisions, RevisionSerializer, filtered=False)


class PredictApi(ProjectAPIView):
    access = {"POST": Action.PREDICT}
    audit_exempt = True  # every prediction has its own row in the prediction log
    cache_access = True  # the hot path: token and membership from the per-process access cache
    throttle_classes = [PredictThrottle]
    serializer_class = PredictResponseSerializer
    parser_classes = [JSONParser]
    filter_backends: list[type] = []

    @extend_schema(request=PredictRequestSerializer, responses={200: PredictResponseSerializer})
    def post(self, request: Request, project: str, deployment: str) -> Response:
        """Predict with the deployment. Input is validated against the serving version's signature (400 with errors per
        row and field); every prediction gets an id and an audit row."""
        payload = request.data
        if not isinstance(payload, dict):
            raise ValidationFailed.field("body", "must be a JSON object")
        routing_key = payload.get("routing_key") or ""
        if not isinstance(routing_key, str) or len(routing_key) > 200:
            raise ValidationFailed.field("routing_key", "a string of at most 200 characters")
        subject_id = payload.get("subject_id")
        if subject_id is not None and (not isinstance(subject_id, str) or len(subject_id) > 200):
            raise ValidationFailed.field("subject_id", "a string of at most 200 characters")
        table = runtime.routes.resolve(self.project.pk, deployment)
        ctx = context.current()
        call = inference.PredictRequest(
            payload=payload,
            routing_key=routing_key,
            explain=bool(payload.get("explain", False)),
            caller=caller_label(self),
            request_id=ctx.request_id if ctx else "",
            subject_id=subject_id,
        )
        return Response(inference.predict(table, call))


class FeedbackApi(DeploymentAPIView):
    access = {"POST": Action.PREDICT}
    audit_exempt = True
    cache_access = True
    throttle_classes = [PredictThrottle]
    serializer_class = FeedbackResultSerializer
    parser_classes = [JSONParser]

    @extend_schema(request=FeedbackRequestSerializer, responses={201: FeedbackResultSerializer})
    def post(self, request: Request, project: str, deployment: str) -> Response:
        """Ground truth by prediction id, single or batched. A second value for the same id is a 409 unless overwrite is
        set (the history is kept)."""
        data = self.validated_body(FeedbackRequestSerializer)
        items = data.get("items") or [{"prediction_id": data["prediction_id"], "value": data["value"]}]
        rows = services.feedback_record(
            deployment=self.deployment(),
            overwrite=data["overwrite"],
            caller=caller_label(self),
            items=[services.FeedbackItem(str(i["prediction_id"]), i["value"]) for i in items],
        )
        return Response({"recorded": len(rows)}, status=status.HTTP_201_CREATED)


class PredictionFilter(django_filters.FilterSet):
    since = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    variant = django_filters.CharFilter()
    routing_key = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    prediction_id = django_filters.UUIDFilter()
    is_error = django_filters.BooleanFilter()
    shadow = django_filters.BooleanFilter()
    revision = django_filters.NumberFilter(field_name="revision_number")

    class Meta:
        model = PredictionLog
        fields: list[str] = []


class PredictionLogApi(ListMixin, DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = PredictionLogSerializer
    pagination_class = CursorPagination
    filterset_class = PredictionFilter
    queryset = PredictionLog.objects.none()
    ordering_fields: list[str] = []

    def get_queryset(self) -> Any:
        return prediction_log_list(deployment=self.deployment())


class PredictionExportApi(PredictionLogApi):
    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["jsonl", "csv"], description="jsonl (default) or csv")],
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, project: str, deployment: str) -> StreamingHttpResponse:  # type: ignore[override]
        rows = prediction_log_oldest_first(self.filter_queryset(self.get_queryset()))
        as_csv = request.query_params.get("format") == "csv"
        stream = (
            _csv(rows)
            if as_csv
            else (json.dumps(PredictionLogSerializer(r).data) + "\n" for r in rows.iterator(chunk_size=2000))
        )
        response = StreamingHttpResponse(stream, content_type="text/csv" if as_csv else "application/x-ndjson")
        response["Content-Disposition"] = (
            f'attachment; filename="{deployment}-predictions.{"csv" if as_csv else "jsonl"}"'
        )
        return response


def _csv(rows: Any) -> Iterator[str]:
    fields = list(PredictionLogSerializer.Meta.fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for row in rows.iterator(chunk_size=2000):
        data = PredictionLogSerializer(row).data
        writer.writerow([json.dumps(data[f]) if isinstance(data[f], dict | list) else data[f] for f in fields])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


class ReadyApi(DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = ReadySerializer

    @extend_schema(responses={200: ReadySerializer, 503: ReadySerializer})
    def get(self, request: Request, project: str, deployment: str) -> Response:
        """Whether every variant is loaded and smoke-tested in this process."""
        target = self.deployment()
        if target.current_revision is None:
            raise NotFound("The deployment has no revision.")
        variants = []
        for variant in target.current_revision.variants.all():
            version = variant.model_version
            try:
                services.smoke_test(version) if version.can_serve else None
                ready, detail = (
                    version.can_serve,
                    "loaded and smoke-tested"
                    if version.can_serve
                    else f"gets no traffic: {version.health}/{version.approval}",
                )
            except Exception as exc:  # report, never raise: this is a health endpoint
                ready, detail = False, str(getattr(exc, "detail", exc))
            variants.append(
                {
                    "name": variant.name,
                    "role": variant.role,
                    "version": version.number,
                    "ready": ready,
                    "detail": detail,
                }
            )
        body = {
            "ready": all(v["ready"] for v in variants if v["role"] != "standby"),
            "revision": target.current_revision.number,
            "variants": variants,
        }
        return Response(body, status=200 if body["ready"] else 503)


class AbAnalysisApi(DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = DeploymentSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("control", str, description="The control variant (default: the first)."),
            OpenApiParameter("alpha", float),
            OpenApiParameter("mde", float, description="Minimum detectable effect."),
            OpenApiParameter("min_samples", int),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, project: str, deployment: str) -> Response:
        """Per-variant outcomes from feedback, significance (two-proportion z-test or Welch's t-test) with confidence
        intervals, the sample size still needed, and a verdict."""
        params = request.query_params
        try:
            alpha = float(params.get("alpha", 0.05))
            mde = float(params["mde"]) if params.get("mde") else None
            min_samples = int(params.get("min_samples", 100))
        except ValueError:
            raise ValidationFailed.field("alpha", "alpha and mde are numbers, min_samples an integer") from None
        if not 0 < alpha < 0.5:
            raise ValidationFailed.field("alpha", "between 0 and 0.5")
        return Response(
            analysis.ab_analysis(
                deployment=self.deployment(),
                control=params.get("control"),
                alpha=alpha,
                mde=mde,
                min_samples=min_samples,
            )
        )


class ShadowReportApi(DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = DeploymentSerializer

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, project: str, deployment: str) -> Response:
        """Shadow vs live on the same requests: agreement rate, output distribution difference and latency delta."""
        return Response(analysis.shadow_report(deployment=self.deployment()))
