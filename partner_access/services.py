"""Writes for partner access: the request log, webhooks and their deliveries. (Keys are core.services.)"""

import datetime
import secrets
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policies as core_policies
from core import services as core_services
from core.jobs import enqueue_after_commit
from people.models import AccessEvent
from people.services import access_record

from . import policies, selectors, signing, webhook_addresses
from .models import (
    APIRequestLog,
    APIUnauthenticatedRequests,
    ScopeGrant,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_MAX_ATTEMPTS = 6
WEBHOOK_BACKOFF_SECONDS = 30  # then 60, 120, 240, 480


def api_request_log(*, key, key_prefix, method, path, query, status, duration_ms):
    """One row per request. On PostgreSQL its commit does not wait for the write-ahead log to reach the disk
    (synchronous_commit off for this transaction only): a crash could lose the last moment's log rows, never
    anyone's data, and no API response waits for a disk flush."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        APIRequestLog.objects.create(
            key=key, key_prefix=(key_prefix or "")[:16], partner_id=key.partner_id if key else None,
            method=method[:10], path=path[:500], query=query[:1000], status=status,
            duration_ms=max(0, int(duration_ms)),
        )


def api_unauthenticated_record(*, client_address, key_prefix, path, status, at=None):
    """Count a request that came without a valid key in its client's row for the hour (one UPDATE, or one INSERT
    for the first request of the hour)."""
    at = at or timezone.now()
    hour = at.replace(minute=0, second=0, microsecond=0)
    bad_key = 1 if key_prefix else 0
    throttled = 1 if status == 429 else 0
    fields = {"last_path": path[:500], "last_at": at}
    if key_prefix:
        fields["last_key_prefix"] = key_prefix[:16]
    counts = {
        "requests": F("requests") + 1, "throttled": F("throttled") + throttled, "bad_keys": F("bad_keys") + bad_key,
    }
    rows = APIUnauthenticatedRequests.objects.filter(hour=hour, client_address=client_address[:64])
    if rows.update(**counts, **fields):
        return
    try:
        with transaction.atomic():
            APIUnauthenticatedRequests.objects.create(
                hour=hour, client_address=client_address[:64], requests=1, throttled=throttled, bad_keys=bad_key,
                **fields,
            )
    except IntegrityError:  # another process made the hour's row meanwhile
        rows.update(**counts, **fields)


def api_request_log_prune(*, days: int | None = None, now=None) -> int:
    """Delete request-log rows older than the retention period (PARTNER_API_LOG_RETENTION_DAYS, 90)."""
    days = days if days is not None else settings.PARTNER_API_LOG_RETENTION_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _by_model = APIRequestLog.objects.filter(at__lt=cutoff).delete()
    aggregated, _by_model = APIUnauthenticatedRequests.objects.filter(hour__lt=cutoff).delete()
    return deleted + aggregated


# -- webhooks ---------------------------------------------------------------------------------


def validate_webhook_url(url: str):
    """The address rule of webhook_addresses (https, public internet only): a ValidationError on `url` otherwise."""
    webhook_addresses.check_webhook_url(url)


def webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# -- keys: the office for any organisation; a partner's lead for their own, within its granted scopes ----------


def partner_key_create(*, user, partner, name, scopes, expires_on=None, rate_limit=""):
    """core.services.key_create with the organisation's granted scopes (binding on its leads, not on the office)."""
    return core_services.key_create(user=user, partner=partner, name=name, scopes=scopes, expires_on=expires_on,
                                    rate_limit=rate_limit, granted=selectors.granted_scopes(partner))


def partner_key_rotate(*, user, key):
    return core_services.key_rotate(user=user, key=key, granted=selectors.granted_scopes(key.partner))


def partner_key_revoke(*, user, key):
    return core_services.key_revoke(user=user, key=key)


@transaction.atomic
def scope_grant_set(*, user, partner, scopes) -> ScopeGrant:
    """The office sets which scopes a partner organisation's leads may give its keys (keys already made keep
    theirs: revoke them to take a scope back). In the access record."""
    if not policies.can_grant_scopes(user):
        raise PermissionDenied(_("Only Digital Office staff grant API scopes."))
    grant, _created = ScopeGrant.objects.select_for_update().get_or_create(partner=partner)
    grant.scopes = sorted(set(scopes))
    grant.full_clean()
    grant.save()
    access_record(AccessEvent.Kind.SCOPES_GRANTED, actor=user, partner_id=partner.pk,
                  summary=", ".join(grant.scopes) or "-")
    return grant


@transaction.atomic
def webhook_endpoint_create(*, user, partner, url, events, description="") -> tuple[WebhookEndpoint, str]:
    """Register an endpoint and return it with its signing secret, shown this once."""
    if not policies.can_register_webhook(user, partner):
        raise PermissionDenied(_("You may not register webhooks for this partner."))
    validate_webhook_url(url)
    secret = webhook_secret()
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
            raise webhook_addresses.DeliveryFailed(_("The endpoint is no longer active."))
        code, content = webhook_addresses.post(
            endpoint.url, body=body, headers=headers, timeout=WEBHOOK_TIMEOUT_SECONDS,
        )
        if not 200 <= code < 300:
            error = f"HTTP {code}: {content[:500].decode('utf-8', 'replace')}"
    except webhook_addresses.DeliveryFailed as failed:
        # Plain words only: the partner reads this, and it must never name an address inside our network.
        error = str(failed)
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
