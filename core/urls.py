from django.urls import path

from core import apis
from core.webhooks import apis as webhooks

_P = "projects/<slug:project>/"
_SA = _P + "service-accounts/<int:account_id>/"
_W = _P + "webhooks/<int:webhook_id>/"
_DL = _W + "deliveries/<str:delivery_id>/"

ROUTES = [  # (route, view, name)
    ("projects/", apis.ProjectListApi, "project-list"),
    (_P, apis.ProjectDetailApi, "project-detail"),
    (_P + "members/", apis.MemberListApi, "member-list"),
    (_P + "members/<str:username>/", apis.MemberDetailApi, "member-detail"),
    (_P + "service-accounts/", apis.ServiceAccountListApi, "service-account-list"),
    (_SA, apis.ServiceAccountDetailApi, "service-account-detail"),
    (_SA + "tokens/", apis.ServiceAccountTokenApi, "service-account-token"),
    (_P + "audit-events/", apis.AuditEventListApi, "audit-event-list"),
    ("tokens/", apis.TokenListApi, "token-list"),
    ("tokens/<int:token_id>/", apis.TokenDetailApi, "token-detail"),
    (_P + "webhooks/", webhooks.WebhookListApi, "webhook-list"),
    (_W, webhooks.WebhookDetailApi, "webhook-detail"),
    (_W + "ping/", webhooks.WebhookPingApi, "webhook-ping"),
    (_W + "deliveries/", webhooks.WebhookDeliveryListApi, "webhook-delivery-list"),
    (_DL, webhooks.WebhookDeliveryDetailApi, "webhook-delivery-detail"),
    (_DL + "redeliver/", webhooks.WebhookDeliveryRedeliverApi, "webhook-delivery-redeliver"),
]

urlpatterns = [path(route, view.as_view(), name=name) for route, view, name in ROUTES]
