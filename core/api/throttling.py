"""Request rates: per partner key (its own rate, or the default `partner_key` rate), and per signed-in user.

Counts live in the `api` cache: Redis when REDIS_URL is set (shared by every web process), else the
process's memory. Over the rate, the API answers 429 with Retry-After; while Redis is down, 503
(core.api.exceptions), rather than serving partners without a limit.

Each throttle that counted a request keeps its `quota` (limit, remaining, seconds to reset), and every response
of an operation that counts says the tightest one in the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers):
`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (core.api.views.ApiViewMixin).
"""

import ipaddress
import math

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import SimpleRateThrottle

from ..client_address import client_address

RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def rate_limit_headers(quotas) -> dict[str, str]:
    """The headers of the tightest quota (fewest requests left, then the longest wait), or none."""
    quotas = [quota for quota in quotas if quota is not None]
    if not quotas:
        return {}
    limit, remaining, reset = min(quotas, key=lambda quota: (quota[1], -quota[2]))
    return dict(zip(RATE_LIMIT_HEADERS, (str(limit), str(remaining), str(reset)), strict=True))


API_CACHE = ConnectionProxy(caches, "api")


class CountingThrottle(SimpleRateThrottle):
    """On Redis, one round trip a request: a counter for a window that opens with the first request (SET NX EX,
    INCR and TTL in one pipeline), instead of DRF's list of every request's time in the last window, read and then
    written back (two round trips, and up to `rate` pickled timestamps each way). Over the rate until the window
    closes; Retry-After is what is left of it. Other caches (local memory: tests, `make run`) keep DRF's way."""

    quota = None  # (limit, remaining, seconds until the count is reset) once a request was counted

    def allow_request(self, request, view):
        backend = caches["api"]
        if self.rate is None:
            return True
        if not isinstance(backend, RedisCache):
            allowed = super().allow_request(request, view)
            if self.key is not None:
                oldest = self.history[-1] if self.history else self.now
                reset = max(0, math.ceil(self.duration - (self.now - oldest)))
                self.quota = (self.num_requests, max(0, self.num_requests - len(self.history)), reset)
            return allowed
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        key = backend.make_and_validate_key(f"{ident}:n")
        pipeline = backend._cache.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=self.duration, nx=True)
        pipeline.incr(key)
        pipeline.ttl(key)
        _opened, count, left = pipeline.execute()
        self.seconds_left = left if left and left > 0 else self.duration
        self.quota = (self.num_requests, max(0, self.num_requests - count), self.seconds_left)
        return count <= self.num_requests

    def wait(self):
        if getattr(self, "seconds_left", None) is not None:
            return self.seconds_left
        return super().wait()


class PartnerKeyThrottle(CountingThrottle):
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


class PortalUserThrottle(CountingThrottle):
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


class UnauthenticatedClientThrottle(CountingThrottle):
    """Requests without a valid key (a bad key, or none where one is needed), per client address: over
    API_UNAUTHENTICATED_RATE they are refused with 429 (core.api.views.ApiViewMixin counts them)."""

    scope = "api_unauthenticated"
    cache = API_CACHE

    def get_rate(self):
        return settings.API_UNAUTHENTICATED_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_bucket(request)}
