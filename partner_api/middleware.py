"""The partner API request log: one row per request that carried a key, good or bad.

core.api.authentication leaves the key's prefix (and the key, when it is valid) on the request; this
middleware times the request and writes the row once the response is made.
"""

import time

from . import services


class ApiRequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        prefix = getattr(request, "api_key_prefix", None)
        if prefix is not None:
            services.api_request_log(
                key=getattr(request, "api_key", None), key_prefix=prefix, method=request.method, path=request.path,
                query=request.META.get("QUERY_STRING", ""), status=response.status_code,
                duration_ms=(time.monotonic() - started) * 1000,
            )
        return response
