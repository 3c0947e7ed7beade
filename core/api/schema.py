"""OpenAPI 3 (drf-spectacular): the key scheme, the scope of each operation, the error shape, filter choices and
bounds, response headers, CSV as text, every response field required (each is always sent), and the servers.

The schema describes exactly what is served, so a client generated from it (openapi-python-client: see the tests)
works for JSON, CSV, files and the change feed."""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter, ModelChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from ..filters import WholeNumberFilter
from ..scopes import SCOPES

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
RETRY_AFTER = _header(_("Seconds to wait before the next request."), required=True,
                      schema={"type": "integer", "minimum": 0})
CSV_TEXT = {"schema": {"type": "string", "description": str(_(
    "Every matching row as CSV (UTF-8, a header row of the JSON fields; nested objects as dotted columns), "
    "streamed, not paginated."
))}}


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

    def is_public(self) -> bool:
        return any(permission is AllowAny for permission in getattr(self.view, "permission_classes", []))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.is_public():
            return responses
        ok = responses.get("200", {})
        content = ok.get("content", {})
        if "text/csv" in content and "application/json" in content:
            content["text/csv"] = CSV_TEXT
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
        if headers and ok:
            ok["headers"] = {**ok.get("headers", {}), **headers}
        if self.method == "GET" and "ETag" in headers:
            not_modified = _("Not modified: the If-None-Match header matched the ETag.")
            responses.setdefault("304", {"description": str(not_modified), "headers": {
                name: header for name, header in headers.items() if name != "Link"
            }})
        for code, description in ERROR_RESPONSES.items():
            if code in responses:
                continue
            response = self._get_response_for_code(
                ErrorSerializer, code, media_types=["application/json"], direction=direction,
            )
            response["description"] = str(description)
            if code == "429":
                response["headers"] = {"Retry-After": RETRY_AFTER}
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
    """Choices that come from reference data (themes, outcomes, councils) are listed as the parameter's enum."""

    target_class = "core.api.filters.ApiFilterBackend"
    match_subclasses = True
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if isinstance(filter_field, WholeNumberFilter):
            low, high = filter_field.bounds
            for parameter in parameters:
                parameter["schema"] = {"type": "integer", "minimum": low, "maximum": high}
        to_field = filter_field.extra.get("to_field_name")
        queryset = getattr(filter_field, "queryset", None)
        if isinstance(filter_field, ModelChoiceFilter) and to_field and queryset is not None and not callable(queryset):
            try:
                values = sorted(set(queryset.values_list(to_field, flat=True)))
            except DatabaseError:  # no tables yet (`check --deploy` before `migrate`): the schema has no enum
                return parameters
            for parameter in parameters:
                schema = parameter["schema"]
                schema["type"] = "integer" if values and all(isinstance(v, int) for v in values) else "string"
                schema.pop("format", None)
                schema["enum"] = values
        choices = filter_field.extra.get("choices")
        if isinstance(filter_field, ChoiceFilter) and callable(choices):
            # Choices from a shipped reference list (contracts' CPV codes) are an enum as well, never "".
            values = [value for value, _label in choices() if value != ""]
            for parameter in parameters:
                parameter["schema"] = {"type": "string", "enum": values}
        return parameters


def add_servers(result, generator, request, public):
    """A `servers` entry: the portal that served the schema (paths start with /api/v1/)."""
    url = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    result["servers"] = [{"url": url or "/", "description": str(_("This portal"))}]
    return result
