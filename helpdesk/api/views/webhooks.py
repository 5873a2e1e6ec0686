"""``webhooks``: subscriptions, their delivery log, a test ping and manual redelivery (admins)."""

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk import selectors
from helpdesk.api.viewsets import OrganizationScopedViewSet
from helpdesk.api.webhook_serializers import (
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
    WebhookWriteSerializer,
)
from helpdesk.models import Role
from helpdesk.models.webhook import DeliveryStatus
from helpdesk.services import webhooks as webhook_services

DELIVERY_ID = OpenApiParameter("delivery_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema(tags=["Webhooks"])
class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationScopedViewSet):
    """Webhooks POST signed JSON (``X-Signature: sha256=<HMAC of the raw body>``) to their URL for
    each subscribed event. The secret is returned in full on create only."""

    serializer_class = WebhookSerializer
    required_role = Role.ADMIN
    filterset_fields = ["is_active"]
    ordering_fields = ["created_at", "updated_at", "url"]

    def scoped_queryset(self, organization):
        return selectors.webhook_list(organization=organization)

    def _delivery(self, webhook, delivery_id):
        try:
            delivery_id = uuid.UUID(str(delivery_id))
        except ValueError:
            raise Http404
        delivery = (
            selectors.webhook_delivery_list(organization=self.organization, webhook=webhook)
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            raise Http404
        return delivery

    @extend_schema(request=WebhookWriteSerializer, responses={201: WebhookCreatedSerializer})
    def create(self, request):
        data = WebhookWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        webhook = webhook_services.webhook_create(organization=self.organization, **data.validated_data)
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookWriteSerializer, responses=WebhookSerializer)
    def update(self, request, pk=None):
        webhook = self.get_object()
        data = WebhookWriteSerializer(data=request.data, partial=self.action == "partial_update")
        data.is_valid(raise_exception=True)
        webhook = webhook_services.webhook_update(webhook=webhook, **data.validated_data)
        return Response(WebhookSerializer(webhook).data)

    @extend_schema(request=WebhookWriteSerializer, responses=WebhookSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    def destroy(self, request, pk=None):
        webhook_services.webhook_delete(webhook=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=DeliveryStatus.values, description="Only deliveries in this state."
            )
        ],
        responses=WebhookDeliverySerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        """The delivery log of this webhook, newest first (paginated)."""
        queryset = selectors.webhook_delivery_list(organization=self.organization, webhook=self.get_object())
        wanted = request.query_params.get("status")
        if wanted:
            queryset = queryset.filter(status=wanted)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(parameters=[DELIVERY_ID], responses=WebhookDeliverySerializer)
    @action(detail=True, methods=["get"], url_path=r"deliveries/(?P<delivery_id>[^/.]+)", filter_backends=[])
    def delivery(self, request, pk=None, delivery_id=None):
        """One delivery: what was sent, the receiver's answer and the last error."""
        delivery = self._delivery(self.get_object(), delivery_id)
        return Response(WebhookDeliverySerializer(delivery).data)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def test(self, request, pk=None):
        """Queue a ``webhook.test`` delivery to this webhook (whatever events it subscribes to)."""
        delivery = webhook_services.webhook_send_test(webhook=self.get_object())
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[DELIVERY_ID], request=None, responses={202: WebhookDeliverySerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[^/.]+)/redeliver",
        filter_backends=[],
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send a failed delivery again, with a fresh round of attempts (409 unless it failed)."""
        delivery = self._delivery(self.get_object(), delivery_id)
        delivery = webhook_services.webhook_delivery_redeliver(delivery=delivery)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
