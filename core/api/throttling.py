"""Request rates: per partner key (its own rate, or the default `partner_key` rate), and per signed-in user.

Counts live in the Django cache: Redis when REDIS_URL is set (shared by every web process), else the
process's memory. Over the rate, the API answers 429 with Retry-After.
"""

from rest_framework.throttling import SimpleRateThrottle


class PartnerKeyThrottle(SimpleRateThrottle):
    scope = "partner_key"

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

    def get_cache_key(self, request, view):
        if getattr(request._request, "api_key", None) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
