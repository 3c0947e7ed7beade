"""Request ids (docs/operations.md "Monitoring"): every request has one, taken from a sane incoming X-Request-ID
(the proxy's) or made here, sent back in the response's X-Request-ID, and put on every log record written while
the request runs (`RequestIdFilter`, on the console handler), so one request's lines can be found across logs.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, 8 to 128 characters: anything else (or nothing) gets an id made here.
SANE = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")
NO_REQUEST = "-"

_current = contextvars.ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if SANE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: Celery tasks, commands)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
