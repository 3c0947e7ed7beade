"""The partner access page: keys, webhooks, deliveries and recent API requests (Digital Office staff), and a
partner organisation's own keys (its leads, within the scopes the office granted it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.policies import can_manage_partner_access

from . import policies, selectors, services
from .forms import GrantForm, KeyForm, WebhookForm
from .models import WebhookDelivery, WebhookEndpoint


def _require_manager(user):
    if not can_manage_partner_access(user):
        raise PermissionDenied(_("Only Digital Office staff manage webhooks."))


def _require_keys_page(user):
    if not policies.can_use_keys_page(user):
        raise PermissionDenied(_("Only Digital Office staff and partner organisations' leads manage API keys."))


def _own_partner(user):
    """The organisation whose keys a partner's lead manages; None for the office (every organisation)."""
    return None if can_manage_partner_access(user) else user.partner


def _key_form(user, data=None):
    partner = _own_partner(user)
    granted = selectors.granted_scopes(partner) if partner is not None else None
    return KeyForm(data, partner=partner, granted=granted)


def _page(request, *, key_form=None, webhook_form=None, grant_form=None, created_key=None, created_webhook=None,
          status=200):
    user = request.user
    office = can_manage_partner_access(user)
    partner = _own_partner(user)
    context = {
        "is_office": office,
        "partner": partner,
        "granted": selectors.granted_scopes(partner) if partner is not None else None,
        "keys": selectors.key_list(user=user),
        "key_form": key_form or _key_form(user),
        "created_key": created_key,
    }
    if office:
        context.update({
            "endpoints": selectors.webhook_endpoint_list(),
            "deliveries": selectors.webhook_delivery_list(),
            "requests": selectors.recent_requests(),
            "grants": selectors.scope_grant_list(),
            "webhook_form": webhook_form or WebhookForm(),
            "grant_form": grant_form or GrantForm(),
            "created_webhook": created_webhook,
        })
    return render(request, "partner_access/keys.html", context, status=status)


def keys(request):
    _require_keys_page(request.user)
    return _page(request)


@require_POST
def key_create(request):
    _require_keys_page(request.user)
    form = _key_form(request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        partner = _own_partner(request.user) or data["partner"]
        try:
            key, text = services.partner_key_create(
                user=request.user, partner=partner, name=data["name"], scopes=data["scopes"],
                expires_on=data["expires_on"], rate_limit=data.get("rate_limit", ""),
            )
        except ValidationError as error:
            apply_errors(form, error, renamed={"expiry_date": "expires_on"})
        else:
            # Shown in this response only: never stored, never redirected through the session.
            return _page(request, created_key={"key": key, "text": text})
    return _page(request, key_form=form, status=400)


def _visible_key(request, prefix):
    """Another organisation's key is not found (404) for a partner's lead."""
    return get_object_or_404(selectors.key_list(user=request.user).select_related("partner"), prefix=prefix)


@require_POST
def key_rotate(request, prefix):
    _require_keys_page(request.user)
    key = _visible_key(request, prefix)
    try:
        new, text = services.partner_key_rotate(user=request.user, key=key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partner_access:keys")
    return _page(request, created_key={"key": new, "text": text, "replaces": key.prefix})


@require_POST
def key_revoke(request, prefix):
    _require_keys_page(request.user)
    key = _visible_key(request, prefix)
    services.partner_key_revoke(user=request.user, key=key)
    messages.success(request, _("Key %(prefix)s is revoked: it no longer works.") % {"prefix": key.prefix})
    return redirect("partner_access:keys")


@require_POST
def scopes_grant(request):
    if not policies.can_grant_scopes(request.user):
        raise PermissionDenied(_("Only Digital Office staff grant API scopes."))
    form = GrantForm(request.POST)
    if form.is_valid():
        partner = form.cleaned_data["partner"]
        try:
            services.scope_grant_set(user=request.user, partner=partner, scopes=form.cleaned_data["scopes"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(partner)s's leads may now give their keys: %(scopes)s.") % {
                "partner": partner.name, "scopes": ", ".join(selectors.granted_scopes(partner)) or _("no scope"),
            })
            return redirect("partner_access:keys")
    return _page(request, grant_form=form, status=400)


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
