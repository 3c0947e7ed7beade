"""OpenAPI 3 (drf-spectacular): the key scheme, the scope of each operation, the error shape, filter choices."""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from django_filters import ModelChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

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


class PortalAutoSchema(AutoSchema):
    def required_scope(self):
        scope_for = getattr(self.view, "required_scope_for", None)
        request = getattr(self.view, "request", None)
        return scope_for(request) if scope_for else None

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.required_scope() is None:
            return responses
        if self.method == "GET":
            not_modified = _("Not modified: the If-None-Match header matched the ETag.")
            responses.setdefault("304", {"description": str(not_modified)})
        for code, description in ERROR_RESPONSES.items():
            if code in responses:
                continue
            response = self._get_response_for_code(
                ErrorSerializer, code, media_types=["application/json"], direction=direction,
            )
            response["description"] = str(description)
            responses[code] = response
        return responses

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
        return parameters
