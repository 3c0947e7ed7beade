"""Reads for partner access: keys with their use, webhooks, deliveries and the request log."""

from django.db.models import Count, Q

from core import selectors as core_selectors

from .models import APIRequestLog, WebhookDelivery, WebhookEndpoint
from .policies import webhook_endpoints_visible_to


def key_list():
    """Every key with the number of requests logged for it."""
    return core_selectors.key_list().annotate(request_count=Count("requests"))


def webhook_endpoint_list():
    return WebhookEndpoint.objects.select_related("partner").annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
    ).order_by("partner__name", "url")


def webhook_delivery_list(*, limit=50):
    deliveries = WebhookDelivery.objects.select_related("endpoint", "endpoint__partner")
    return deliveries.order_by("-created_at", "-id")[:limit]


def recent_requests(*, limit=50):
    return APIRequestLog.objects.select_related("partner").order_by("-at", "-id")[:limit]


def api_webhook_endpoints(*, caller):
    return webhook_endpoints_visible_to(caller, WebhookEndpoint.objects.select_related("partner"))


def api_webhook_deliveries(*, caller):
    return WebhookDelivery.objects.filter(endpoint__in=api_webhook_endpoints(caller=caller))
