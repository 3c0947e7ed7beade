"""One error shape for the whole API:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"updated_since": ["..."]}}}

`fields` appears for invalid parameters and names each one.
"""

import logging

import redis
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from .. import security_log

MESSAGES = {
    400: gettext_lazy("The request is not valid."),
    401: gettext_lazy("Authentication is needed: send Authorization: Api-Key PREFIX.SECRET."),
    403: gettext_lazy("You do not have permission to do this."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("This method is not allowed here."),
    406: gettext_lazy("This format is not available here."),
    410: gettext_lazy("This is gone."),
    429: gettext_lazy("Too many requests: slow down."),
    503: gettext_lazy("The service is unavailable for a moment: try again in a minute."),
}
# What the API needs besides the database (Redis: request rates) being unreachable is a 503, not a 500.
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 30
logger = logging.getLogger(__name__)


def _flatten_fields(detail, prefix="") -> dict:
    fields = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            fields.update(_flatten_fields(value, f"{prefix}{name}." if prefix or name != "non_field_errors" else ""))
    elif isinstance(detail, list) and detail and all(not isinstance(item, (dict, list)) for item in detail):
        fields[prefix.rstrip(".") or "non_field_errors"] = [str(item) for item in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            fields.update(_flatten_fields(value, f"{prefix}{index}."))
    else:
        fields[prefix.rstrip(".") or "non_field_errors"] = [str(detail)]
    return fields


def _code(exc) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    error = {"status": status, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def api_exception_handler(exc, context):
    if isinstance(exc, UNAVAILABLE):
        logger.warning("API request refused: %s", exc)
        response = Response(
            error_body(503, "service_unavailable", str(MESSAGES[503])),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    if status == 403 and context.get("request") is not None:
        request = context["request"]
        key = getattr(request._request, "api_key", None)
        security_log.event("permission_denied", request._request, key=key, path=request.path, method=request.method)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten_fields(exc.detail)
        message = _("Check these parameters: %(names)s.") % {"names": ", ".join(fields)}
        response.data = error_body(status, "invalid", message, fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        message = str(detail) if isinstance(detail, str) else str(MESSAGES.get(status, _("Error.")))
        response.data = error_body(status, _code(exc), message)
    return response


def not_found_response(hint=None):
    message = str(MESSAGES[404])
    if hint:
        message = _("Not found. Did you mean %(path)s?") % {"path": hint}
    return Response(error_body(404, "not_found", message), status=404)
