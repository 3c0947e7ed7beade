"""The log of requests made to the partner API, and partners' webhooks with their deliveries."""

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scopes import SCOPES


class APIRequestLog(models.Model):
    """One row per API request made with a valid key: kept cheap, a single INSERT. (Requests without a valid key
    are counted in APIUnauthenticatedRequests.)"""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    key = models.ForeignKey(
        "core.PartnerAPIKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    key_prefix = models.CharField(_("key prefix"), max_length=16, db_index=True)
    partner = models.ForeignKey(
        "councils.PartnerOrganisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    query = models.CharField(_("query string"), max_length=1000, blank=True)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.key_prefix} {self.method} {self.path} {self.status}"


class APIUnauthenticatedRequests(models.Model):
    """Requests to the API without a valid key, counted per client address and hour: one row, however many."""

    hour = models.DateTimeField(_("hour"), db_index=True)
    client_address = models.CharField(_("client address"), max_length=64)
    requests = models.PositiveIntegerField(_("requests"), default=0)
    throttled = models.PositiveIntegerField(_("refused for too many requests"), default=0)
    bad_keys = models.PositiveIntegerField(_("with a key that is not valid"), default=0)
    last_key_prefix = models.CharField(_("last key prefix tried"), max_length=16, blank=True)
    last_path = models.CharField(_("last path"), max_length=500, blank=True)
    last_at = models.DateTimeField(_("last request"))

    class Meta:
        ordering = ["-hour", "-requests"]
        verbose_name = _("API requests without a valid key (per hour)")
        verbose_name_plural = _("API requests without a valid key (per hour)")
        constraints = [
            models.UniqueConstraint(fields=["hour", "client_address"], name="one_row_per_client_per_hour"),
        ]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H:00} {self.client_address}: {self.requests}"


class WebhookEvent(models.TextChoices):
    UPDATE_APPROVED = "update.approved", _("Progress update approved")
    INITIATIVE_STAGE_CHANGED = "initiative.stage_changed", _("Initiative stage changed")
    REPORT_READY = "report.ready", _("Report ready")


def validate_events(value):
    known = set(WebhookEvent.values)
    if not isinstance(value, list) or not value or any(event not in known for event in value):
        raise ValidationError(_("Choose one or more of: %(events)s.") % {"events": ", ".join(WebhookEvent.values)})


# The shape of an address; services.validate_webhook_url adds the rules (https only, public internet only).
WEBHOOK_URL_PATTERN = (
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$"
)


def validate_webhook_url_shape(value):
    if not re.match(WEBHOOK_URL_PATTERN, value or ""):
        raise ValidationError(_("Give an address such as https://hooks.example.org/digital-office."))


class WebhookEndpoint(models.Model):
    """A partner's HTTPS address that receives signed event notifications."""

    partner = models.ForeignKey(
        "councils.PartnerOrganisation", verbose_name=_("partner organisation"),
        on_delete=models.CASCADE, related_name="webhook_endpoints",
    )
    url = models.CharField(_("URL"), max_length=500, validators=[validate_webhook_url_shape])
    # Kept in clear: signing needs it. Shown once when made.
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list, validators=[validate_events])
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["partner__name", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return f"{self.partner}: {self.url}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    # The same across redeliveries of one event, so receivers can ignore a repeat.
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, db_index=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event} → {self.endpoint.url} ({self.get_status_display()})"


# What a partner organisation may give its own keys until the office says otherwise: the lists a partner user reads
# in the portal. Never funding:read, webhooks:manage or contracts:read (commercial terms) by default.
DEFAULT_GRANTED_SCOPES = ["councils:read", "initiatives:read", "reports:read", "strategy:read"]


def default_granted_scopes():
    return list(DEFAULT_GRANTED_SCOPES)


def validate_granted_scopes(value):
    if not isinstance(value, list) or any(scope not in SCOPES for scope in value):
        raise ValidationError(_("Choose scopes from the list."))


class ScopeGrant(models.Model):
    """The scopes the Digital Office granted a partner organisation: its leads make, rotate and revoke its API keys
    themselves, within these (core.services.key_create). An organisation without a row has DEFAULT_GRANTED_SCOPES."""

    partner = models.OneToOneField(
        "councils.PartnerOrganisation", on_delete=models.CASCADE, related_name="scope_grant",
        verbose_name=_("partner organisation"),
    )
    scopes = models.JSONField(_("granted scopes"), default=default_granted_scopes,
                              validators=[validate_granted_scopes])
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("granted API scopes")
        verbose_name_plural = _("granted API scopes")

    def __str__(self):
        return f"{self.partner}: {', '.join(self.scopes)}"
