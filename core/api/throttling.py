"""Request rates: per partner key (its own rate, or the default `partner_key` rate), and per signed-in user.

Counts live in the `api` cache: Redis when REDIS_URL is set (shared by every web process), else the
process's memory. Over the rate, the API answers 429 with Retry-After; while Redis is down, 503
(core.api.exceptions), rather than serving partners without a limit.
"""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import SimpleRateThrottle

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
