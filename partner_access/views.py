"""The partner access page: keys, webhooks, deliveries and recent API requests (Digital Office staff only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services as core_services
from core.forms import apply_errors
from core.models import PartnerAPIKey
from core.policies import can_manage_partner_access

from . import selectors, services
from .forms import KeyForm, WebhookForm
from .models import WebhookDelivery, WebhookEndpoint


def _require_manager(user):
    if not can_manage_partner_access(user):
        raise PermissionDenied(_("Only Digital Office staff manage partner API keys."))


def _page(request, *, key_form=None, webhook_form=None, created_key=None, created_webhook=None, status=200):
    return render(request, "partner_access/keys.html", {
        "keys": selectors.key_list(),
        "endpoints": selectors.webhook_endpoint_list(),
        "deliveries": selectors.webhook_delivery_list(),
        "requests": selectors.recent_requests(),
        "key_form": key_form or KeyForm(),
        "webhook_form": webhook_form or WebhookForm(),
        "created_key": created_key,
        "created_webhook": created_webhook,
    }, status=status)


def keys(request):
    _require_manager(request.user)
    return _page(request)


@require_POST
def key_create(request):
    _require_manager(request.user)
    form = KeyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            key, text = core_services.key_create(
                user=request.user, partner=data["partner"], name=data["name"], scopes=data["scopes"],
                expires_on=data["expires_on"], rate_limit=data["rate_limit"],
            )
        except ValidationError as error:
            apply_errors(form, error, renamed={"expiry_date": "expires_on"})
        else:
            # Shown in this response only: never stored, never redirected through the session.
            return _page(request, created_key={"key": key, "text": text})
    return _page(request, key_form=form, status=400)


@require_POST
def key_revoke(request, prefix):
    _require_manager(request.user)
    key = get_object_or_404(PartnerAPIKey, prefix=prefix)
    core_services.key_revoke(user=request.user, key=key)
    messages.success(request, _("Key %(prefix)s is revoked: it no longer works.") % {"prefix": key.prefix})
    return redirect("partner_access:keys")


@require_POST
def webhook_create(request):
    _require_manager(request.user)
    form = WebhookForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            endpoint, secret = services.webhook_endpoint_create(
                user=request.user, partner=data["partner"], url=data["url"], events=data["events"],
                description=data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error("url", str(error))
        else:
            return _page(request, created_webhook={"endpoint": endpoint, "secret": secret})
    return _page(request, webhook_form=form, status=400)


@require_POST
def webhook_toggle(request, pk):
    _require_manager(request.user)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.webhook_endpoint_set_active(user=request.user, endpoint=endpoint, active=not endpoint.is_active)
    messages.success(request, _("Webhook %(url)s is now %(state)s.") % {
        "url": endpoint.url, "state": _("active") if endpoint.is_active else _("paused"),
    })
    return redirect("partner_access:keys")


@require_POST
def delivery_redeliver(request, pk):
    _require_manager(request.user)
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    again = services.webhook_delivery_redeliver(user=request.user, delivery=delivery)
    messages.success(request, _("Event %(event)s is queued again (delivery %(id)s).") % {
        "event": delivery.event, "id": again.pk,
    })
    return redirect("partner_access:keys")
