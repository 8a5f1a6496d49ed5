"""The webhooks API under /api/v1/projects/{project}/webhooks/.

Every route needs OPERATE (maintainer or owner): webhook URLs can carry credentials of their own and deliveries
show payloads. Subscriptions and deliveries of other projects answer 404.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import ProjectAPIView
from core.pagination import CursorPagination
from core.roles import Action
from core.webhooks import selectors, services
from core.webhooks.models import WebhookDelivery, WebhookSubscription
from core.webhooks.serializers import (
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookDeliveryListQuerySerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
)


class _Api(ProjectAPIView):
    filter_backends: list[type] = []

    def subscription(self, webhook_id: int) -> WebhookSubscription:
        return selectors.webhook_subscription_get(project=self.project, subscription_id=webhook_id)

    def delivery(self, webhook_id: int, delivery_id: str) -> WebhookDelivery:
        subscription = self.subscription(webhook_id)
        return selectors.webhook_delivery_get(subscription=subscription, delivery_id=delivery_id)


class WebhookListApi(_Api):
    access = {"GET": Action.OPERATE, "POST": Action.OPERATE}
    serializer_class = WebhookSerializer

    @extend_schema(operation_id="webhooks_list", responses=WebhookSerializer(many=True))
    def get(self, request: Request, project: str) -> Response:
        return self.listing(
            selectors.webhook_subscription_list(project=self.project), WebhookSerializer, filtered=False
        )

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer},
        description="Subscribe a URL to events. The response shows the signing secret once.",
    )
    def post(self, request: Request, project: str) -> Response:
        data = self.valid(WebhookCreateSerializer, request.data)
        subscription = services.webhook_subscription_create(project=self.project, actor=self.user, **data)
        return Response(WebhookCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(_Api):
    access = {"GET": Action.OPERATE, "PATCH": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = WebhookSerializer

    @extend_schema(operation_id="webhooks_retrieve", responses=WebhookSerializer)
    def get(self, request: Request, project: str, webhook_id: int) -> Response:
        return Response(WebhookSerializer(self.subscription(webhook_id)).data)

    @extend_schema(operation_id="webhooks_update", request=WebhookUpdateSerializer, responses=WebhookSerializer)
    def patch(self, request: Request, project: str, webhook_id: int) -> Response:
        data = self.valid(WebhookUpdateSerializer, request.data)
        subscription = self.subscription(webhook_id)
        updated = services.webhook_subscription_update(subscription=subscription, actor=self.user, **data)
        return Response(WebhookSerializer(updated).data)

    @extend_schema(operation_id="webhooks_delete", responses={204: None}, description="Also deletes its deliveries.")
    def delete(self, request: Request, project: str, webhook_id: int) -> Response:
        services.webhook_subscription_delete(subscription=self.subscription(webhook_id), actor=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookPingApi(_Api):
    access = {"POST": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="webhooks_ping",
        request=None,
        responses={202: WebhookDeliverySerializer},
        description="Send a `webhook.ping` delivery now, whatever the subscription's event types.",
    )
    def post(self, request: Request, project: str, webhook_id: int) -> Response:
        delivery = services.webhook_ping(subscription=self.subscription(webhook_id), actor=self.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(_Api):
    access = {"GET": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="webhook_deliveries_list",
        parameters=[WebhookDeliveryListQuerySerializer],
        responses=WebhookDeliverySerializer(many=True),
        description="The subscription's delivery log, newest first.",
    )
    def get(self, request: Request, project: str, webhook_id: int) -> Response:
        query = self.valid(WebhookDeliveryListQuerySerializer, request.query_params)
        deliveries = selectors.webhook_delivery_list(subscription=self.subscription(webhook_id), **query)
        return self.listing(deliveries, WebhookDeliverySerializer, filtered=False)


class WebhookDeliveryDetailApi(_Api):
    access = {"GET": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer

    @extend_schema(operation_id="webhook_deliveries_retrieve", responses=WebhookDeliverySerializer)
    def get(self, request: Request, project: str, webhook_id: int, delivery_id: str) -> Response:
        return Response(WebhookDeliverySerializer(self.delivery(webhook_id, delivery_id)).data)


class WebhookDeliveryRedeliverApi(_Api):
    access = {"POST": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        operation_id="webhook_deliveries_redeliver",
        request=None,
        responses={202: WebhookDeliverySerializer, 409: OpenApiResponse(description="Still being attempted.")},
        description="Send a delivered or failed delivery again, as a new delivery (new id, fresh attempts).",
    )
    def post(self, request: Request, project: str, webhook_id: int, delivery_id: str) -> Response:
        redelivery = services.webhook_redeliver(delivery=self.delivery(webhook_id, delivery_id), actor=self.user)
        return Response(WebhookDeliverySerializer(redelivery).data, status=status.HTTP_202_ACCEPTED)


_W = "projects/<slug:project>/webhooks/<int:webhook_id>/"
_DL = _W + "deliveries/<str:delivery_id>/"

urlpatterns = [
    path("projects/<slug:project>/webhooks/", WebhookListApi.as_view(), name="webhook-list"),
    path(_W, WebhookDetailApi.as_view(), name="webhook-detail"),
    path(_W + "ping/", WebhookPingApi.as_view(), name="webhook-ping"),
    path(_W + "deliveries/", WebhookDeliveryListApi.as_view(), name="webhook-delivery-list"),
    path(_DL, WebhookDeliveryDetailApi.as_view(), name="webhook-delivery-detail"),
    path(_DL + "redeliver/", WebhookDeliveryRedeliverApi.as_view(), name="webhook-delivery-redeliver"),
]
