"""Keyset ("cursor") pagination on (ordering field, id): stable under concurrent changes, no offsets, ties handled.

A page is asked for with `page_size` (default 100; more than 500 is capped at 500, not refused) and the
opaque `cursor` from the previous page's `next` link. Rows that change while a client walks the pages
move to the end of the default ordering (`updated_at` ascending), where the walk still reaches them.
"""

import base64
import binascii
import json
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class InvalidCursor(exceptions.NotFound):
    default_detail = _("The cursor is not valid: start again from the first page.")
    default_code = "invalid_cursor"


def _encode(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(text: str) -> dict:
    padded = text + "=" * (-len(text) % 4)
    try:
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise InvalidCursor from error
    if not isinstance(payload, dict) or not {"o", "v", "i"} <= payload.keys() or not isinstance(payload["i"], int):
        raise InvalidCursor
    return payload


def _as_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class KeysetPagination(BasePagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering_query_param = "ordering"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1 or not raw.strip().isdigit():
            raise exceptions.ValidationError({self.page_size_query_param: [_("Give a whole number of 1 or more.")]})
        return min(size, self.max_page_size)

    @staticmethod
    def orderings(view) -> list[str]:
        """Allowed values of `ordering`: each field of the view's `ordering_fields`, ascending or descending."""
        return [value for field in view.ordering_fields for value in (field, f"-{field}")]

    @staticmethod
    def default_ordering(view) -> str:
        return getattr(view, "default_ordering", None) or view.ordering_fields[0]

    def get_ordering(self, request, view) -> str:
        raw = request.query_params.get(self.ordering_query_param, self.default_ordering(view))
        if raw not in self.orderings(view):
            raise exceptions.ValidationError({self.ordering_query_param: [
                _("Order by one of: %(choices)s.") % {"choices": ", ".join(self.orderings(view))},
            ]})
        return raw

    def field_of(self, model):
        """The model field sorted on, or (for an annotation such as `changed_at`) a date-time field."""
        try:
            return model._meta.get_field(self.field)
        except FieldDoesNotExist:
            return models.DateTimeField()

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size_now = self.get_page_size(request)
        self.ordering = self.get_ordering(request, view)
        descending = self.ordering.startswith("-")
        public = self.ordering.lstrip("-")
        self.field = getattr(view, "ordering_aliases", {}).get(public, public)
        queryset = queryset.order_by(self.ordering, "-pk" if descending else "pk")
        raw_cursor = request.query_params.get(self.cursor_query_param)
        if raw_cursor:
            cursor = _decode(raw_cursor)
            if cursor["o"] != self.ordering:
                raise InvalidCursor
            try:
                value = self.field_of(queryset.model).to_python(cursor["v"])
                if value is None:
                    raise InvalidCursor
            except (DjangoValidationError, TypeError, ValueError) as error:
                raise InvalidCursor from error
            after = "lt" if descending else "gt"
            queryset = queryset.filter(
                Q(**{f"{self.field}__{after}": value}) | Q(**{self.field: value, f"pk__{after}": cursor["i"]})
            )
        rows = list(queryset[: self.page_size_now + 1])
        self.has_next = len(rows) > self.page_size_now
        rows = rows[: self.page_size_now]
        self.next_cursor = None
        if self.has_next:
            last = rows[-1]
            self.next_cursor = _encode({"o": self.ordering, "v": _as_text(getattr(last, self.field)), "i": last.pk})
        return rows

    def get_next_link(self):
        if not self.next_cursor:
            return None
        params = self.request.query_params.copy()
        params[self.cursor_query_param] = self.next_cursor
        return self.request.build_absolute_uri(self.request.path) + "?" + urlencode(params, doseq=True)

    def get_paginated_response(self, data, *, next_updated_since=None):
        next_link = self.get_next_link()
        response = Response({"next": next_link, "next_updated_since": next_updated_since, "results": data})
        if next_link:
            response["Link"] = f'<{next_link}>; rel="next"'
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "next_updated_since", "results"],
            "properties": {
                "next": {
                    "type": "string", "format": "uri", "nullable": True,
                    "description": "The next page, or null on the last page.",
                },
                "next_updated_since": {
                    "type": "string", "format": "date-time", "nullable": True,
                    "description": (
                        "Pass this as `updated_since` in your next sync (null where the list has no `updated_since`). "
                        "Server time when this page was read, less a safety margin."
                    ),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param, "required": False, "in": "query",
                "description": "Opaque position from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param, "required": False, "in": "query",
                "description": (
                    f"Rows per page: default {DEFAULT_PAGE_SIZE}; "
                    f"more than {MAX_PAGE_SIZE} is capped at {MAX_PAGE_SIZE}."
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.ordering_query_param, "required": False, "in": "query",
                "description": f"Sort order (ties broken by id). Default `{self.default_ordering(view)}`.",
                "schema": {"type": "string", "enum": self.orderings(view)},
            },
        ]
