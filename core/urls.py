from django.urls import path

from core import apis
from core.webhooks import apis as webhooks

_P = "projects/<slug:project>/"
_SA = _P + "service-accounts/<int:account_id>/"
_W = _P + "webhooks/<int:webhook_id>/"
_DL = _W + "deliveries/<str:delivery_id>/"

urlpatterns = [
    path("projects/", apis.ProjectListApi.as_view(), name="project-list"),
    path(_P, apis.ProjectDetailApi.as_view(), name="project-detail"),
    path(_P + "members/", apis.MemberListApi.as_view(), name="member-list"),
    path(_P + "members/<str:username>/", apis.MemberDetailApi.as_view(), name="member-detail"),
    path(_P + "service-accounts/", apis.ServiceAccountListApi.as_view(), name="service-account-list"),
    path(_SA, apis.ServiceAccountDetailApi.as_view(), name="service-account-detail"),
    path(_SA + "tokens/", apis.ServiceAccountTokenApi.as_view(), name="service-account-token"),
    path(_P + "audit-events/", apis.AuditEventListApi.as_view(), name="audit-event-list"),
    path("tokens/", apis.TokenListApi.as_view(), name="token-list"),
    path("tokens/<int:token_id>/", apis.TokenDetailApi.as_view(), name="token-detail"),
    path(_P + "webhooks/", webhooks.WebhookListApi.as_view(), name="webhook-list"),
    path(_W, webhooks.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(_W + "ping/", webhooks.WebhookPingApi.as_view(), name="webhook-ping"),
    path(_W + "deliveries/", webhooks.WebhookDeliveryListApi.as_view(), name="webhook-delivery-list"),
    path(_DL, webhooks.WebhookDeliveryDetailApi.as_view(), name="webhook-delivery-detail"),
    path(_DL + "redeliver/", webhooks.WebhookDeliveryRedeliverApi.as_view(), name="webhook-delivery-redeliver"),
]
