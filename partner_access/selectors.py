"""Reads for partner access: keys with their use, webhooks, deliveries and the request log."""

from django.db.models import Count, Q

from core import selectors as core_selectors
from councils import selectors as councils_selectors

from .models import DEFAULT_GRANTED_SCOPES, APIRequestLog, ScopeGrant, WebhookDelivery, WebhookEndpoint
from .policies import keys_visible_to, webhook_endpoints_visible_to


def key_list(*, user=None):
    """The keys `user` may see (every key when no user is named: the operator), with the requests logged for each."""
    keys = core_selectors.key_list().annotate(request_count=Count("requests"))
    return keys if user is None else keys_visible_to(user, keys)


def granted_scopes(partner) -> list[str]:
    """The scopes a partner organisation's leads may give its keys (the office's grant, or the defaults)."""
    return granted_scopes_of(partner.pk)


def granted_scopes_of(partner_id) -> list[str]:
    """granted_scopes by the organisation's id: what core.policies asks, on each request, of a key that carries a
    scope that works only while granted (comments:read)."""
    grant = ScopeGrant.objects.filter(partner_id=partner_id).values_list("scopes", flat=True).first()
    return sorted(grant if grant is not None else DEFAULT_GRANTED_SCOPES)


def scope_grant_list():
    """Every partner organisation with its granted scopes, for the office."""
    grants = dict(ScopeGrant.objects.values_list("partner_id", "scopes"))
    return [(partner, sorted(grants.get(partner.pk, DEFAULT_GRANTED_SCOPES)))
            for partner in councils_selectors.partner_list()]


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
