"""The partner API request log: one row per request made with a real key (a valid one, or one that was revoked or
has expired: its partner is known); requests without one (a made-up key, or none where one is needed) are counted
per client address and hour instead, so they cannot fill the log.

core.api.authentication leaves the key's prefix (and the key, when it is valid) on the request; this
middleware times the request and writes the row once the response is made.
"""

import time

from core.client_address import client_address

from . import services

API_PREFIX = "/api/"


class ApiRequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        prefix = getattr(request, "api_key_prefix", None)
        key = getattr(request, "api_key", None) or getattr(request, "api_key_known", None)
        if key is not None:
            services.api_request_log(
                key=key, key_prefix=prefix, method=request.method, path=request.path,
                query=request.META.get("QUERY_STRING", ""), status=response.status_code,
                duration_ms=(time.monotonic() - started) * 1000,
            )
        elif request.path.startswith(API_PREFIX) and (prefix is not None or response.status_code in (401, 429)):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                services.api_unauthenticated_record(
                    client_address=client_address(request), key_prefix=prefix or "", path=request.path,
                    status=response.status_code,
                )
        return response
