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

ROUTES = [  # (route, view, name)
    (_D + "drift-config/", DriftConfigApi, "drift-config"),
    (_D + "drift-reports/", DriftReportListApi, "drift-report-list"),
    (_D + "drift-reports/<int:report_id>/", DriftReportDetailApi, "drift-report-detail"),
    (_D + "performance/", PerformanceApi, "deployment-performance"),
    (_P + "channels/", ChannelListApi, "channel-list"),
    (_P + "channels/<int:channel_id>/", ChannelDetailApi, "channel-detail"),
    (_P + "alert-rules/", AlertRuleListApi, "alert-rule-list"),
    (_P + "alert-rules/<int:rule_id>/", AlertRuleDetailApi, "alert-rule-detail"),
    (_P + "alerts/", AlertListApi, "alert-list"),
    (_P + "alerts/<int:alert_id>/acknowledge/", AlertAcknowledgeApi, "alert-acknowledge"),
    (_P + "retraining-policies/", RetrainingPolicyListApi, "retraining-policy-list"),
    (_P + "retraining-policies/<int:policy_id>/", RetrainingPolicyDetailApi, "retraining-policy-detail"),
    (_P + "retraining-policies/<int:policy_id>/trigger/", RetrainingTriggerApi, "retraining-policy-trigger"),
    (_P + "retraining-runs/", RetrainingRunListApi, "retraining-run-list"),
    (_P + "retraining-runs/<int:run_id>/", RetrainingRunDetailApi, "retraining-run-detail"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
