"""The webhooks API under /api/v1/projects/{project}/webhooks/.

Every route needs OPERATE (maintainer or owner): webhook URLs can carry credentials of their own and deliveries
show payloads. Subscriptions and deliveries of other projects answer 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import DestroyMixin, ListMixin, ProjectAPIView, RetrieveMixin, UpdateMixin
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


class WebhookListApi(ListMixin, _Api):
    access = {"GET": Action.OPERATE, "POST": Action.OPERATE}
    serializer_class = WebhookSerializer

    def get_queryset(self) -> Any:
        return selectors.webhook_subscription_list(project=self.project)

    @extend_schema(request=WebhookCreateSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request: Request, project: str) -> Response:
        """Subscribe a URL to events. The response shows the signing secret once."""
        data = self.valid(WebhookCreateSerializer, request.data)
        subscription = services.webhook_subscription_create(project=self.project, actor=self.user, **data)
        return Response(WebhookCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


@extend_schema_view(delete=extend_schema(description="Also deletes its deliveries."))
class WebhookDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, _Api):
    access = {"GET": Action.OPERATE, "PATCH": Action.OPERATE, "DELETE": Action.OPERATE}
    serializer_class = WebhookSerializer
    update_serializer_class = WebhookUpdateSerializer

    def get_object(self) -> WebhookSubscription:
        return self.subscription(self.kwargs["webhook_id"])

    def update_from(self, instance: WebhookSubscription, values: dict[str, Any]) -> WebhookSubscription:
        return services.webhook_subscription_update(subscription=instance, actor=self.user, **values)

    def perform_destroy(self, instance: WebhookSubscription) -> None:
        services.webhook_subscription_delete(subscription=instance, actor=self.user)


class WebhookPingApi(_Api):
    access = {"POST": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer

    @extend_schema(responses={202: WebhookDeliverySerializer})
    def post(self, request: Request, project: str, webhook_id: int) -> Response:
        """Send a `webhook.ping` delivery now, whatever the subscription's event types."""
        delivery = services.webhook_ping(subscription=self.subscription(webhook_id), actor=self.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(_Api):
    access = {"GET": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer
    pagination_class = CursorPagination

    @extend_schema(parameters=[WebhookDeliveryListQuerySerializer], responses=WebhookDeliverySerializer(many=True))
    def get(self, request: Request, project: str, webhook_id: int) -> Response:
        """The subscription's delivery log, newest first."""
        query = self.valid(WebhookDeliveryListQuerySerializer, request.query_params)
        deliveries = selectors.webhook_delivery_list(subscription=self.subscription(webhook_id), **query)
        return self.listing(deliveries, WebhookDeliverySerializer, filtered=False)


class WebhookDeliveryDetailApi(RetrieveMixin, _Api):
    access = {"GET": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer

    def get_object(self) -> WebhookDelivery:
        return self.delivery(self.kwargs["webhook_id"], self.kwargs["delivery_id"])


class WebhookDeliveryRedeliverApi(_Api):
    access = {"POST": Action.OPERATE}
    serializer_class = WebhookDeliverySerializer

    @extend_schema(
        responses={202: WebhookDeliverySerializer, 409: OpenApiResponse(description="Still being attempted.")},
    )
    def post(self, request: Request, project: str, webhook_id: int, delivery_id: str) -> Response:
        """Send a delivered or failed delivery again, as a new delivery (new id, fresh attempts)."""
        redelivery = services.webhook_redeliver(delivery=self.delivery(webhook_id, delivery_id), actor=self.user)
        return Response(WebhookDeliverySerializer(redelivery).data, status=status.HTTP_202_ACCEPTED)
