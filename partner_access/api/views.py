"""Partner API: a partner's own webhooks and their deliveries (scope webhooks:manage, keys only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.views import ApiReadOnlyViewSet
from core.scopes import WEBHOOKS_MANAGE

from .. import selectors, services
from ..filtersets import WebhookDeliveryFilterSet, WebhookEndpointFilterSet
from .serializers import WebhookDeliverySerializer, WebhookEndpointCreatedSerializer, WebhookEndpointSerializer


class WebhookEndpointViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ApiReadOnlyViewSet):
    """The calling partner's webhook endpoints. Registering one returns its signing secret, once."""

    required_scope = WEBHOOKS_MANAGE
    serializer_class = WebhookEndpointSerializer
    filterset_class = WebhookEndpointFilterSet
    ordering_fields = ["id"]
    sync_field = None
    in_change_feed = False
    csv_name = "webhooks"

    def get_queryset(self):
        return selectors.api_webhook_endpoints(caller=self.request.user)

    @extend_schema(request=WebhookEndpointSerializer, responses={201: WebhookEndpointCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_create(
            user=request.user, partner=request.user.partner, **serializer.validated_data,
        )
        endpoint.secret = secret
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.webhook_endpoint_delete(user=request.user, endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryViewSet(ApiReadOnlyViewSet):
    """Deliveries to the calling partner's endpoints, newest first: status, attempts, last response code."""

    required_scope = WEBHOOKS_MANAGE
    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilterSet
    ordering_fields = ["id"]
    default_ordering = "-id"
    sync_field = None
    in_change_feed = False
    csv_name = "webhook-deliveries"

    def get_queryset(self):
        return selectors.api_webhook_deliveries(caller=self.request.user)
