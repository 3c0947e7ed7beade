"""Writes for partner access: the request log, webhooks and their deliveries. (Keys are core.services.)"""

import datetime
import ipaddress
import secrets
import socket
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policies as core_policies
from core.jobs import enqueue_after_commit

from . import policies, signing
from .models import APIRequestLog, WebhookDelivery, WebhookEndpoint, WebhookEvent

WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_MAX_ATTEMPTS = 6
WEBHOOK_BACKOFF_SECONDS = 30  # then 60, 120, 240, 480


def api_request_log(*, key, key_prefix, method, path, query, status, duration_ms):
    APIRequestLog.objects.create(
        key=key, key_prefix=(key_prefix or "")[:16], partner_id=key.partner_id if key else None,
        method=method[:10], path=path[:500], query=query[:1000], status=status, duration_ms=max(0, int(duration_ms)),
    )


def api_request_log_prune(*, days: int | None = None, now=None) -> int:
    """Delete request-log rows older than the retention period (PARTNER_API_LOG_RETENTION_DAYS, 90)."""
    days = days if days is not None else settings.PARTNER_API_LOG_RETENTION_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _by_model = APIRequestLog.objects.filter(at__lt=cutoff).delete()
    return deleted


# -- webhooks ---------------------------------------------------------------------------------


def _insecure_localhost_allowed():
    return settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def validate_webhook_url(url: str):
    """https:// only (400 otherwise); an address that is not on the public internet is refused (403)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and host in LOCAL_HOSTS and _insecure_localhost_allowed():
        return
    if parts.scheme != "https" or not host:
        raise ValidationError({"url": _("A webhook address must start with https://.")})
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        raise PermissionDenied(_("Webhooks are sent to the public internet only."))
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return
    if not address.is_global:
        raise PermissionDenied(_("Webhooks are sent to the public internet only."))


def _refuse_private_destination(url: str):
    """Deliveries go to the public internet only: a name that resolves to a private address is refused."""
    host = urlsplit(url).hostname or ""
    if host.lower() in LOCAL_HOSTS and _insecure_localhost_allowed():
        return
    for info in socket.getaddrinfo(host, None):
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValueError(f"{host} resolves to a non-public address ({address})")


@transaction.atomic
def webhook_endpoint_create(*, user, partner, url, events, description="") -> tuple[WebhookEndpoint, str]:
    """Register an endpoint and return it with its signing secret, shown this once."""
    if not policies.can_register_webhook(user, partner):
        raise PermissionDenied(_("You may not register webhooks for this partner."))
    validate_webhook_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        partner=partner, url=url, events=sorted(set(events)), description=description or "", secret=secret,
        created_by=user if getattr(user, "_meta", None) is not None else None,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_delete(*, user, endpoint):
    if not policies.can_register_webhook(user, endpoint.partner):
        raise PermissionDenied(_("You may not remove this partner's webhooks."))
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_set_active(*, user, endpoint, active: bool) -> WebhookEndpoint:
    if not policies.can_register_webhook(user, endpoint.partner):
        raise PermissionDenied(_("You may not change this partner's webhooks."))
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    return endpoint


DELIVER_TASK = "partner_api.tasks.deliver_webhook"


def _enqueue(delivery_ids):
    for delivery_id in delivery_ids:
        enqueue_after_commit(DELIVER_TASK, delivery_id)


@transaction.atomic
def webhook_event_dispatch(*, event: str, data: dict) -> list[WebhookDelivery]:
    """One delivery per active endpoint that asked for `event`, each sent by Celery after commit."""
    if event not in WebhookEvent.values:
        raise ValueError(event)
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if event in e.events]
    deliveries = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, event=event, payload={})
        delivery.payload = {
            "id": str(delivery.event_id), "event": event,
            "occurred_at": timezone.now().isoformat().replace("+00:00", "Z"), "data": data,
        }
        delivery.save()
        deliveries.append(delivery)
    _enqueue([d.pk for d in deliveries])
    return deliveries


@transaction.atomic
def webhook_delivery_redeliver(*, user, delivery) -> WebhookDelivery:
    """Send an event again as a new delivery (same event id, so a receiver can tell it is a repeat)."""
    if not core_policies.can_manage_partner_access(user):
        raise PermissionDenied(_("Only Digital Office staff redeliver webhooks."))
    again = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint, event=delivery.event, event_id=delivery.event_id, payload=delivery.payload,
        redelivery_of=delivery,
    )
    _enqueue([again.pk])
    return again


def backoff_seconds(attempts: int) -> int:
    return WEBHOOK_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """POST one delivery and record the outcome. A delivered (or gone) one is left alone, so repeats change nothing.

    Returns the delivery; its status says whether to try again (RETRYING) or not.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
            return delivery
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    endpoint = delivery.endpoint
    body = signing.body_of(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "DigitalOffice-Webhooks/1",
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.pk),
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature(endpoint.secret, timestamp, body),
    }
    code, error = None, ""
    try:
        if not endpoint.is_active:
            raise ValueError("endpoint is no longer active")
        _refuse_private_destination(endpoint.url)
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False,
        )
        code = response.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code}: {response.text[:500]}"
    except (requests.RequestException, OSError, ValueError) as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:1000]
    now = timezone.now()
    update = {"response_code": code, "last_error": error}
    if not error:
        update.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif delivery.attempts >= WEBHOOK_MAX_ATTEMPTS or not endpoint.is_active:
        update.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
    else:
        update.update(
            status=WebhookDelivery.Status.RETRYING,
            next_attempt_at=now + datetime.timedelta(seconds=backoff_seconds(delivery.attempts)),
        )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
    for name, value in update.items():
        setattr(delivery, name, value)
    return delivery
