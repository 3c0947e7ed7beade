"""Request rates: per partner key (its own rate, or the default `partner_key` rate), and per signed-in user.

Counts live in the `api` cache: Redis when REDIS_URL is set (shared by every web process), else the
process's memory. Over the rate, the API answers 429 with Retry-After; while Redis is down, 503
(core.api.exceptions), rather than serving partners without a limit.
"""

import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import SimpleRateThrottle

from ..client_address import client_address

API_CACHE = ConnectionProxy(caches, "api")


class PartnerKeyThrottle(SimpleRateThrottle):
    scope = "partner_key"
    cache = API_CACHE

    def allow_request(self, request, view):
        key = getattr(request._request, "api_key", None)
        if key is None:
            return True
        self.rate = key.rate_limit or self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request._request.api_key.prefix}


class PortalUserThrottle(SimpleRateThrottle):
    scope = "portal_user"
    cache = API_CACHE

    def get_cache_key(self, request, view):
        if getattr(request._request, "api_key", None) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


def client_bucket(request) -> str:
    """The client address a throttle counts: an IPv6 client is its /64 network (one home or office)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class UnauthenticatedClientThrottle(SimpleRateThrottle):
    """Requests without a valid key (a bad key, or none where one is needed), per client address: over
    API_UNAUTHENTICATED_RATE they are refused with 429 (core.api.views.ApiViewMixin counts them)."""

    scope = "api_unauthenticated"
    cache = API_CACHE

    def get_rate(self):
        return settings.API_UNAUTHENTICATED_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_bucket(request)}
