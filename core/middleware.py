"""Middleware of the portal as a whole: trusted proxies, session timeouts and the two-factor requirement."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import security_log
from .api.exceptions import error_body
from .client_address import FORWARDED_HEADERS, client_address, is_trusted_proxy
from .second_factor import has_totp, needs_second_factor, session_used_second_factor


class TrustedProxyMiddleware:
    """Forwarded headers (X-Forwarded-For, X-Forwarded-Proto...) count only when a trusted proxy sent them.

    From anyone else they are removed before Django reads them (SECURE_PROXY_SSL_HEADER, the client address of
    rate limits and logs), so a client cannot claim https or another address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        client_address(request)
        return self.get_response(request)


SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN_AT = "portal_last_seen_at"
# The last-seen time is written at most this often, so a page view does not always save the session.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(request):
    """Called at sign-in (core.receivers): both timeouts count from now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """A session ends after SESSION_IDLE_TIMEOUT_SECONDS without a request, and SESSION_ABSOLUTE_TIMEOUT_SECONDS
    after signing in, whatever happens: the person is signed out and asked to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN_AT, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            expired = now - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or expired:
                security_log.event("session_timeout", request, user=user, reason="idle" if idle else "absolute")
                logout(request)
            elif now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN_AT not in session:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


# Pages a person who still owes a second factor may use: signing in and out, setting up two-factor, the public pages.
SECOND_FACTOR_OPEN_PREFIXES = ("/accounts/", "/accessibility/", "/healthz", "/i18n/", "/static/", "/public/",
                               "/robots.txt",
                               # the secret-address calendar feed and the unsubscribe link, used without signing in
                               "/collaboration/calendar/", "/collaboration/unsubscribe/")


class SecondFactorMiddleware:
    """Marks request.user.second_factor_verified, and stops Digital Office staff and superusers whose session has
    not used a second factor: pages send them to set up an authenticator (none yet) or to enter a code; the API
    answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        user.second_factor_verified = session_used_second_factor(request, user)
        if user.second_factor_verified or not needs_second_factor(user):
            return self.get_response(request)
        if request.path.startswith(SECOND_FACTOR_OPEN_PREFIXES):
            return self.get_response(request)
        security_log.event("second_factor_required", request, user=user, path=request.path)
        if request.path.startswith("/api/"):
            message = _("Digital Office staff must sign in with two-factor authentication to use this.")
            return JsonResponse(error_body(403, "second_factor_required", message), status=403)
        target = reverse("mfa_reauthenticate") if has_totp(user) else reverse("mfa_activate_totp")
        next_url = request.get_full_path()
        if request.method == "GET" and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            target += "?next=" + next_url
        return redirect(target)
