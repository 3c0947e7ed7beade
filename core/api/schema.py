"""OpenAPI 3 (drf-spectacular): the key scheme, the scope of each operation, the error shape, filter choices and
bounds, response headers, CSV as text, every response field required (each is always sent), and the servers.

The schema describes exactly what is served, so a client generated from it (openapi-python-client: see the tests)
works for JSON, CSV, files and the change feed."""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from ..filters import WholeNumberFilter
from ..scopes import SCOPES
from .deprecation import deprecation_of
from .filters import reference_bounds, reference_filter

ERROR_RESPONSES = {
    "400": _("A parameter is not valid: `error.fields` names it."),
    "401": _("No key, or a key that is not valid, has expired or has been revoked."),
    "403": _("The key (or signed-in account) lacks the scope this operation needs."),
    "404": _("Not found, or not yours to see."),
    "406": _("The format asked for (Accept header or `format`) is not available here."),
    "429": _("Over the key's request rate: wait the seconds in the Retry-After header."),
}


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def _header(description, *, required=False, schema=None):
    return {"description": str(description), "required": required, "schema": schema or {"type": "string"}}


ETAG = _header(_("A weak tag of the JSON answer: send it back as If-None-Match, and an unchanged answer is a 304."))
LINK = _header(_('The next page, as <URL>; rel="next" (the same URL as `next`); absent on the last page.'))
SYNC_TOKEN = _header(
    _("The same as `next_updated_since`: pass it as `updated_since` next time (see its limits in the guide)."),
    required=True, schema={"type": "string", "format": "date-time"},
)
FEED_TOKEN = _header(_("The same as `next_after`: pass it as `after` in your next read of the feed."), required=True)
RATE_LIMIT = {
    "RateLimit-Limit": _header(_("Requests allowed in the current window (the key's rate)."),
                               schema={"type": "integer", "minimum": 0}),
    "RateLimit-Remaining": _header(_("Requests left in the current window."), schema={"type": "integer", "minimum": 0}),
    "RateLimit-Reset": _header(_("Seconds until the window's count starts again."),
                               schema={"type": "integer", "minimum": 0}),
}
DEPRECATION_HEADERS = {
    "Deprecation": _header(_("This operation is deprecated: since this moment (RFC 9745, @seconds since 1970)."),
                           required=True),
    "Sunset": _header(_("The day this operation goes (RFC 8594)."), schema={"type": "string"}),
}
RETRY_AFTER = _header(_("Seconds to wait before the next request."), required=True,
                      schema={"type": "integer", "minimum": 0})


class PortalAutoSchema(AutoSchema):
    def required_scope(self):
        scope_for = getattr(self.view, "required_scope_for", None)
        request = getattr(self.view, "request", None)
        return scope_for(request) if scope_for else None

    def is_csv_export(self) -> bool:
        return getattr(self.view, "action", None) == "csv"

    def get_filter_backends(self):
        if self.is_csv_export():  # the list's filters apply to its CSV
            return getattr(self.view, "filter_backends", [])
        return super().get_filter_backends()

    def _get_pagination_parameters(self):
        if self.is_csv_export():  # the list's order applies to its CSV; it has no pages
            paginator = self.view.pagination_class()
            return [p for p in paginator.get_schema_operation_parameters(self.view) if p["name"] == "ordering"]
        return super()._get_pagination_parameters()

    def _get_format_parameters(self):
        """No `format` parameter: every operation has one media type (see _get_response_bodies). The server still
        honours DRF's `format` where an operation has more than one renderer (`?format=csv` on a list)."""
        return []

    def is_public(self) -> bool:
        return any(permission is AllowAny for permission in getattr(self.view, "permission_classes", []))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.is_public():
            return responses
        ok = responses.get("200", {})
        content = ok.get("content", {})
        if "text/csv" in content and "application/json" in content:
            # One media type per operation: a client generated from the schema parses a response by its first one
            # (openapi-python-client), so a list that also answered CSV made `format_=csv` a JSONDecodeError. A
            # list's CSV is its own operation, /<list>/csv/ (text/csv only); `?format=csv` still works (DRF's).
            del content["text/csv"]
        headers = {}
        if "application/json" in content and self.method == "GET":
            headers["ETag"] = ETAG
        if self._is_list_view() and getattr(self.view, "pagination_class", None):
            headers["Link"] = LINK
            if getattr(self.view, "sync_field", None):
                headers["X-Next-Updated-Since"] = SYNC_TOKEN
        if getattr(self.view, "feed_token_header", None):
            headers["Link"] = LINK
            headers[self.view.feed_token_header] = FEED_TOKEN
        if self.is_csv_export() and getattr(self.view, "sync_field", None):
            headers["X-Next-Updated-Since"] = SYNC_TOKEN
        throttled = bool(getattr(self.view, "throttle_classes", None))
        if throttled:
            headers.update(RATE_LIMIT)
        if deprecation_of(self.view) is not None:
            headers.update(DEPRECATION_HEADERS)
        if headers and ok:
            ok["headers"] = {**ok.get("headers", {}), **headers}
        if self.method == "GET" and "ETag" in headers:
            not_modified = _("Not modified: the If-None-Match header matched the ETag.")
            responses.setdefault("304", {"description": str(not_modified), "headers": {
                name: header for name, header in headers.items() if name != "Link" and name not in RATE_LIMIT
            }})
        for code, description in ERROR_RESPONSES.items():
            if code in responses:
                continue
            response = self._get_response_for_code(
                ErrorSerializer, code, media_types=["application/json"], direction=direction,
            )
            response["description"] = str(description)
            if code == "429":
                response["headers"] = {"Retry-After": RETRY_AFTER, **(RATE_LIMIT if throttled else {})}
            responses[code] = response
        return responses

    def _map_basic_serializer(self, serializer, direction):
        component = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(serializer, serializers.ModelSerializer):
            # A record is always sent with every field (null when it has no value), whatever the model's `blank`.
            component["required"] = sorted(component.get("properties", {}))
        return component

    def get_description(self):
        description = super().get_description() or ""
        scope = self.required_scope()
        if scope:
            description = f"{description}\n\n**Scope:** `{scope}`".strip()
        return description

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        deprecation = deprecation_of(self.view)
        if operation is not None and deprecation is not None:  # after extend_schema's own description
            note = _("**Deprecated** on %(day)s.") % {"day": deprecation.deprecated_on.isoformat()}
            if deprecation.sunset_on:
                note += " " + _("It goes on %(day)s (the Sunset header).") % {"day": deprecation.sunset_on.isoformat()}
            if deprecation.link:
                note += f" {deprecation.link}"
            operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
        return operation

    def is_deprecated(self):
        return deprecation_of(self.view) is not None or super().is_deprecated()

    def get_extensions(self):
        extensions = super().get_extensions()
        scope = self.required_scope()
        if scope:
            extensions = {**extensions, "x-required-scope": scope}
        return extensions


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        scopes = "\n".join(f"- `{scope}`: {label}" for scope, label in SCOPES.items())
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A partner key, sent as `Authorization: Api-Key PREFIX.SECRET`. "
                "Each operation names the scope it needs (`x-required-scope`). Scopes:\n\n" + scopes
            ),
        }


class ApiFilterExtension(DjangoFilterExtension):
    """Filters as parameters: whole numbers with their bounds; choices from a shipped reference list that cannot
    change while the portal runs (contracts' CPV codes) as an enum, never ""; choices that come from data (themes,
    outcomes, councils: core.api.filters.reference_filter) as a plain string (or whole number) with today's values
    in the description, so renaming a theme does not change the contract (a value that names nothing: an empty
    list)."""

    target_class = "core.api.filters.ApiFilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if isinstance(filter_field, WholeNumberFilter):
            low, high = filter_field.bounds
            for parameter in parameters:
                parameter["schema"] = {"type": "integer", "minimum": low, "maximum": high}
        reference = reference_filter(filter_field)
        if reference is not None:
            bounds = reference_bounds(reference)
            try:
                values = sorted(set(filter_field.queryset.values_list(reference.name, flat=True)))
            except DatabaseError:  # no tables yet (`check --deploy` before `migrate`): no values to list
                values = None
            for parameter in parameters:
                if bounds is None:  # never "" (a 400: give a value, or leave the parameter out)
                    parameter["schema"] = {"type": "string", "minLength": 1}
                else:
                    low, high = bounds
                    parameter["schema"] = {"type": "integer", "minimum": low, "maximum": high}
                parameter["description"] = reference_description(parameter.get("description"), values)
        choices = filter_field.extra.get("choices")
        if isinstance(filter_field, ChoiceFilter) and callable(choices):
            # Choices from a shipped reference list (contracts' CPV codes) are an enum as well, never "".
            values = [value for value, _label in choices() if value != ""]
            for parameter in parameters:
                parameter["schema"] = {"type": "string", "enum": values}
        return parameters


def reference_description(description, values) -> str:
    text = str(description or "")
    note = str(_("Values come from the portal's data and can change; one that names nothing gives an empty list."))
    if values:
        listed = ", ".join(f"`{value}`" for value in values)
        note = f"{note} {_('Today:')} {listed}."
    return f"{text}\n\n{note}".strip()


def add_servers(result, generator, request, public):
    """A `servers` entry: the portal that served the schema (paths start with /api/v1/)."""
    url = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    result["servers"] = [{"url": url or "/", "description": str(_("This portal"))}]
    return result
