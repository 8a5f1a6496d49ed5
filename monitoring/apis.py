"""Monitoring API under /api/v1/projects/{project}/: drift, performance, alert rules, alerts, channels, retraining;
and GET /metrics for Prometheus."""

from __future__ import annotations

import resource
from datetime import timedelta
from typing import Any

import django_filters
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views import View
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import (
    CreateMixin,
    DestroyMixin,
    ListCreateMixin,
    ListMixin,
    ProjectAPIView,
    ReplaceMixin,
    RetrieveMixin,
)
from core.errors import ValidationFailed
from core.roles import Action
from monitoring import selectors
from monitoring.metrics import refusal, render_metrics
from monitoring.models import (
    Alert,
    AlertRule,
    DriftReport,
    NotificationChannel,
    ReportStatus,
    RetrainingPolicy,
    RetrainingRun,
)
from monitoring.serializers import (
    AlertRuleSerializer,
    AlertRuleWriteSerializer,
    AlertSerializer,
    ChannelCreateSerializer,
    ChannelSerializer,
    DriftConfigSerializer,
    DriftReportRequestSerializer,
    DriftReportSerializer,
    RetrainingPolicySerializer,
    RetrainingPolicyWriteSerializer,
    RetrainingRunSerializer,
)
from monitoring.services import alerts, config, drift, retraining
from serving import runtime
from serving.apis import DeploymentAPIView
from serving.traffic import traffic_windows


class DriftConfigApi(DeploymentAPIView):
    access = {"GET": Action.READ, "PUT": Action.OPERATE}
    serializer_class = DriftConfigSerializer

    @extend_schema(operation_id="drift_config_retrieve")
    def get(self, request: Request, project: str, deployment: str) -> Response:
        """The stored drift config, or (``is_default: true``) the default schedule; reading stores nothing."""
        return Response(DriftConfigSerializer(drift.config_for(self.deployment())).data)

    @extend_schema(operation_id="drift_config_set", request=DriftConfigSerializer)
    def put(self, request: Request, project: str, deployment: str) -> Response:
        """Schedule (window and cadence) and options: per-feature method/threshold overrides {columns: {name: {method,
        threshold}}}, share_threshold, correction (bonferroni|bh), importance_weighted, min_rows, exclude."""
        values = self.validated_body(DriftConfigSerializer)
        saved = config.drift_config_set(deployment=self.deployment(), user=self.user, **values)
        return Response(DriftConfigSerializer(saved).data)


class DriftReportFilter(django_filters.FilterSet):
    variant = django_filters.CharFilter(help_text="Only the reports of this variant.")
    per_variant = django_filters.BooleanFilter(
        method="filter_per_variant",
        help_text="true: only per-variant reports; false: only reports over all live traffic.",
    )

    class Meta:
        model = DriftReport
        fields = ["status", "variant", "dataset_drift"]

    def filter_per_variant(self, queryset: Any, name: str, value: bool) -> Any:
        return selectors.drift_reports_per_variant(queryset, value)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("variant", str, description="Only the reports of this variant."),
            OpenApiParameter(
                "per_variant",
                bool,
                description="true: only per-variant reports; false: only reports over all live traffic.",
            ),
            OpenApiParameter(
                "status",
                str,
                enum=[s.value for s in ReportStatus],
                description="ok, warning (features drifted, the dataset did not), drift (the dataset drifted), "
                "insufficient_data or failed.",
            ),
            OpenApiParameter("dataset_drift", bool),
        ],
    )
)
class DriftReportListApi(ListMixin, DeploymentAPIView):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = DriftReportSerializer
    queryset = DriftReport.objects.none()
    filterset_class = DriftReportFilter
    ordering_fields = ["window_end", "created_at"]

    def get_queryset(self) -> Any:
        return selectors.drift_report_list(deployment=self.deployment())

    @extend_schema(
        request=DriftReportRequestSerializer, responses={201: DriftReportSerializer, 200: DriftReportSerializer}
    )
    def post(self, request: Request, project: str, deployment: str) -> Response:
        """Compute a report now (the same window twice returns the stored report)."""
        data = self.validated_body(DriftReportRequestSerializer)
        target = self.deployment()
        if "window_start" in data:
            start, end = data["window_start"], data["window_end"]
        else:
            minutes = data.get("window_minutes") or drift.config_for(target).window_minutes
            end = timezone.now()
            start = end - timedelta(minutes=minutes)
        report, created = drift.drift_report_create(
            deployment=target,
            window_start=start,
            window_end=end,
            variant=data["variant"],
            trigger="manual",
            user=self.user,
        )
        return Response(DriftReportSerializer(report).data, status=201 if created else 200)


class DriftReportDetailApi(RetrieveMixin, DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = DriftReportSerializer

    def get_object(self) -> DriftReport:
        return selectors.drift_report_get(deployment=self.deployment(), report_id=self.kwargs["report_id"])


def _process_usage() -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    loaded = runtime.models.loaded()
    return {
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "cpu_user_s": round(usage.ru_utime, 2),
        "cpu_system_s": round(usage.ru_stime, 2),
        "loaded_models": len(loaded),
        "loaded_model_bytes_estimate": sum(m.size * 4 for m in loaded.values()),
        "cold_starts_ms": [round(ms, 1) for _, ms in runtime.models.cold_starts[-10:]],
    }


class PerformanceApi(DeploymentAPIView):
    access = {"GET": Action.READ}
    serializer_class = DriftReportSerializer

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("window_minutes", int, description="Default 60.")],
    )
    def get(self, request: Request, project: str, deployment: str) -> Response:
        """Per variant over the window: throughput, error rate, latency p50/p95/p99 and, from joined feedback, accuracy
        (classification) or MAE/RMSE (regression) with the labelled count; plus this process's resource use and
        loaded models."""
        try:
            minutes = int(request.query_params.get("window_minutes", 60))
        except ValueError:
            raise ValidationFailed.field("window_minutes", "an integer") from None
        if not 1 <= minutes <= 30 * 24 * 60:
            raise ValidationFailed.field("window_minutes", "between 1 and 43200")
        target = self.deployment()
        windows = traffic_windows(deployment_id=target.pk, since=timezone.now() - timedelta(minutes=minutes))
        return Response(
            {
                "window_minutes": minutes,
                "variants": {name: _figures(w, self.project.task_type, minutes) for name, w in windows.items()},
                "process": _process_usage(),
            }
        )


def _figures(window: Any, task_type: str, minutes: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "requests": window.requests,
        "throughput_per_min": window.requests / minutes,
        "error_rate": window.error_rate,
        "latency_ms": {"p50": window.p50_ms, "p95": window.p95_ms, "p99": window.p99_ms},
        "labelled": window.labelled,
    }
    if window.labelled and task_type == "classification":
        out["accuracy"] = window.correct / window.labelled
    elif window.labelled:
        out["mae"] = window.abs_error_sum / window.labelled
        out["rmse"] = (
            (sum(e * e for e in window.abs_errors) / len(window.abs_errors)) ** 0.5 if window.abs_errors else None
        )
    return out


class ChannelListApi(CreateMixin, ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.OPERATE}
    serializer_class = ChannelSerializer
    create_serializer_class = ChannelCreateSerializer
    queryset = NotificationChannel.objects.none()

    @extend_schema(responses=ChannelSerializer(many=True))
    def get(self, request: Request, project: str) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.channel_list(project=self.project)))
        subscriptions = selectors.channel_subscriptions(page or [])
        data = ChannelSerializer(page, many=True, context={"subscriptions": subscriptions}).data
        return self.get_paginated_response(data)

    def create_from(self, values: dict[str, Any]) -> NotificationChannel:
        return config.channel_create(project=self.project, user=self.user, **values)


class ChannelDetailApi(RetrieveMixin, DestroyMixin, ProjectAPIView):
    access = {"GET": Action.READ, "DELETE": Action.OPERATE}
    serializer_class = ChannelSerializer

    def get_object(self) -> NotificationChannel:
        return selectors.channel_get(project=self.project, channel_id=self.kwargs["channel_id"])

    def perform_destroy(self, instance: NotificationChannel) -> None:
        config.channel_delete(channel=instance, user=self.user)


class AlertRuleListApi(ListCreateMixin, ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.OPERATE}
    serializer_class = AlertRuleSerializer
    create_serializer_class = AlertRuleWriteSerializer
    queryset = AlertRule.objects.none()

    def get_queryset(self) -> Any:
        return selectors.alert_rule_list(project=self.project)

    def create_from(self, values: dict[str, Any]) -> AlertRule:
        return config.alert_rule_save(project=self.project, user=self.user, **values)


class AlertRuleDetailApi(RetrieveMixin, ReplaceMixin, DestroyMixin, ProjectAPIView):
    access = {"GET": Action.READ, "PUT": Action.OPERATE, "DELETE": Action.OPERATE, "POST": Action.OPERATE}
    serializer_class = AlertRuleSerializer
    update_serializer_class = AlertRuleWriteSerializer

    def get_object(self) -> AlertRule:
        return selectors.alert_rule_get(project=self.project, rule_id=self.kwargs["rule_id"])

    def update_from(self, instance: AlertRule, values: dict[str, Any]) -> AlertRule:
        return config.alert_rule_save(project=self.project, user=self.user, rule=instance, **values)

    @extend_schema(operation_id="alert_rules_evaluate", responses=AlertSerializer)
    def post(self, request: Request, project: str, rule_id: int) -> Response:
        """Evaluate the rule now (as the scheduler does every minute)."""
        alert = alerts.evaluate_rule(rule=self.get_object())
        return Response(AlertSerializer(alert).data if alert else {"status": "ok", "alert": None})

    def perform_destroy(self, instance: AlertRule) -> None:
        config.alert_rule_delete(rule=instance, user=self.user)


class AlertListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.READ}
    serializer_class = AlertSerializer
    queryset = Alert.objects.none()
    filterset_fields = ["status", "severity"]
    ordering_fields = ["started_at"]

    def get_queryset(self) -> Any:
        return selectors.alert_list(project=self.project)


class AlertAcknowledgeApi(ProjectAPIView):
    access = {"POST": Action.OPERATE}
    serializer_class = AlertSerializer

    def post(self, request: Request, project: str, alert_id: int) -> Response:
        alert = selectors.alert_get(project=self.project, alert_id=alert_id)
        return Response(AlertSerializer(alerts.alert_acknowledge(alert=alert, user=self.user)).data)


class RetrainingPolicyListApi(ListCreateMixin, ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.OPERATE}
    serializer_class = RetrainingPolicySerializer
    create_serializer_class = RetrainingPolicyWriteSerializer
    queryset = RetrainingPolicy.objects.none()

    def get_queryset(self) -> Any:
        return selectors.retraining_policy_list(project=self.project)

    def create_from(self, values: dict[str, Any]) -> RetrainingPolicy:
        return config.retraining_policy_save(project=self.project, user=self.user, **values)


class RetrainingPolicyDetailApi(RetrieveMixin, ReplaceMixin, DestroyMixin, ProjectAPIView):
    access = {"GET": Action.READ, "PUT": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = RetrainingPolicySerializer
    update_serializer_class = RetrainingPolicyWriteSerializer

    def get_object(self) -> RetrainingPolicy:
        return selectors.retraining_policy_get(project=self.project, policy_id=self.kwargs["policy_id"])

    def update_from(self, instance: RetrainingPolicy, values: dict[str, Any]) -> RetrainingPolicy:
        return config.retraining_policy_save(project=self.project, user=self.user, policy=instance, **values)

    def perform_destroy(self, instance: RetrainingPolicy) -> None:
        config.retraining_policy_delete(policy=instance, user=self.user)


class RetrainingTriggerApi(ProjectAPIView):
    access = {"POST": Action.OPERATE}
    serializer_class = RetrainingRunSerializer

    @extend_schema(responses={201: RetrainingRunSerializer})
    def post(self, request: Request, project: str, policy_id: int) -> Response:
        """Start a retraining run now."""
        policy = selectors.retraining_policy_get(project=self.project, policy_id=policy_id)
        run = retraining.retraining_start(
            policy=policy, trigger={"kind": "manual", "by": self.user.username}, user=self.user
        )
        return Response(RetrainingRunSerializer(run).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("policy", int, description="Only the runs of this retraining policy (its id)."),
            OpenApiParameter("status", str, enum=[s.value for s in RetrainingRun.Status]),
        ],
    )
)
class RetrainingRunListApi(ListMixin, ProjectAPIView):
    access = {"GET": Action.READ}
    serializer_class = RetrainingRunSerializer
    queryset = RetrainingRun.objects.none()
    filterset_fields = ["status", "policy"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        return selectors.retraining_run_list(project=self.project)


class RetrainingRunDetailApi(RetrieveMixin, ProjectAPIView):
    access = {"GET": Action.READ, "POST": Action.OPERATE}
    serializer_class = RetrainingRunSerializer

    def get_object(self) -> RetrainingRun:
        return selectors.retraining_run_get(project=self.project, run_id=self.kwargs["run_id"])

    @extend_schema(operation_id="retraining_runs_advance")
    def post(self, request: Request, project: str, run_id: int) -> Response:
        """Move the run forward now (the scheduler does this every 30 s)."""
        run = self.get_object()
        retraining.retraining_advance(run_id=run.pk)
        run.refresh_from_db()
        return Response(RetrainingRunSerializer(run).data)


class MetricsView(View):
    """GET /metrics for Prometheus. ``public``: it takes no Keel credentials; its token/address check is inside."""

    public = True
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        refused = refusal(request)
        if refused is not None:
            return refused
        # Every name and label here is a legacy one, so the body is the classic 0.0.4 text format: declare that
        # (prometheus_client's CONTENT_TYPE_LATEST is 1.0.0, which older scrapers do not know).
        response = HttpResponse(render_metrics(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
        response["Cache-Control"] = "no-store"
        return response
