"""Monitoring routes, under /api/v1/ (GET /metrics is routed in config/urls.py)."""

from django.urls import path

from monitoring.apis import (
    AlertAcknowledgeApi,
    AlertListApi,
    AlertRuleDetailApi,
    AlertRuleListApi,
    ChannelDetailApi,
    ChannelListApi,
    DriftConfigApi,
    DriftReportDetailApi,
    DriftReportListApi,
    PerformanceApi,
    RetrainingPolicyDetailApi,
    RetrainingPolicyListApi,
    RetrainingRunDetailApi,
    RetrainingRunListApi,
    RetrainingTriggerApi,
)

_P = "projects/<slug:project>/"
_D = _P + "deployments/<str:deployment>/"

urlpatterns = [
    path(_D + "drift-config/", DriftConfigApi.as_view(), name="drift-config"),
    path(_D + "drift-reports/", DriftReportListApi.as_view(), name="drift-report-list"),
    path(_D + "drift-reports/<int:report_id>/", DriftReportDetailApi.as_view(), name="drift-report-detail"),
    path(_D + "performance/", PerformanceApi.as_view(), name="deployment-performance"),
    path(_P + "channels/", ChannelListApi.as_view(), name="channel-list"),
    path(_P + "channels/<int:channel_id>/", ChannelDetailApi.as_view(), name="channel-detail"),
    path(_P + "alert-rules/", AlertRuleListApi.as_view(), name="alert-rule-list"),
    path(_P + "alert-rules/<int:rule_id>/", AlertRuleDetailApi.as_view(), name="alert-rule-detail"),
    path(_P + "alerts/", AlertListApi.as_view(), name="alert-list"),
    path(_P + "alerts/<int:alert_id>/acknowledge/", AlertAcknowledgeApi.as_view(), name="alert-acknowledge"),
    path(_P + "retraining-policies/", RetrainingPolicyListApi.as_view(), name="retraining-policy-list"),
    path(
        _P + "retraining-policies/<int:policy_id>/",
        RetrainingPolicyDetailApi.as_view(),
        name="retraining-policy-detail",
    ),
    path(
        _P + "retraining-policies/<int:policy_id>/trigger/",
        RetrainingTriggerApi.as_view(),
        name="retraining-policy-trigger",
    ),
    path(_P + "retraining-runs/", RetrainingRunListApi.as_view(), name="retraining-run-list"),
    path(_P + "retraining-runs/<int:run_id>/", RetrainingRunDetailApi.as_view(), name="retraining-run-detail"),
]
