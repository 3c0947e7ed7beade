"""Keyset ("cursor") pagination on (ordering column, id): no offsets, ties broken by id, and exact while rows change.

A page is asked for with `page_size` (default 100; more than 500 is capped at 500, not refused) and the
opaque `cursor` from the previous page's `next` link. The cursor orders and filters on the same column and id.

Lists of records that change (`updated_at`) are walked in two parts, so that a row changed mid-walk is never
skipped whatever the `ordering`: the first page fixes the walk's start `s` (the time it was read); the
walk first serves, in the order asked for, the rows last changed at or before `s`, then every row changed after
`s`, oldest change first. A row that changes during the walk leaves the first part and joins the second, where
the walk reaches it with its new values; a row that changes again moves to the end of the second part.
With `ordering=updated_at` the two parts are simply the one order. (A change stamped before `s` but committed
after the walk passed its place is the one a walk cannot see: the change feed, read from a position taken before
the walk, delivers it.)
"""

import base64
import binascii
import datetime
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# The largest `page_size` read at all (and capped); above it the parameter is refused, as the schema says.
PAGE_SIZE_LIMIT = 2_147_483_647
CHANGED = "updated_at"


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


def page_size_of(request, *, name="page_size", default=DEFAULT_PAGE_SIZE, most=MAX_PAGE_SIZE) -> int:
    """The page size asked for: a whole number from 1 to PAGE_SIZE_LIMIT (400 otherwise), capped at `most`."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= PAGE_SIZE_LIMIT:
        raise exceptions.ValidationError({name: [
            _("Give a whole number from 1 to %(limit)s.") % {"limit": PAGE_SIZE_LIMIT},
        ]})
    return min(int(text), most)


def page_size_parameter(*, name="page_size", default=DEFAULT_PAGE_SIZE, most=MAX_PAGE_SIZE, rows="Rows") -> dict:
    return {
        "name": name, "required": False, "in": "query",
        "description": f"{rows} per page: default {default}; more than {most} is capped at {most}.",
        "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_LIMIT, "default": default},
    }


def query_string_with(request, **changes) -> str:
    """The request's query string with some parameters set: every other parameter kept, with all its values."""
    params = request.query_params.copy()
    for name, value in changes.items():
        params[name] = value
    return params.urlencode()


class KeysetPagination(BasePagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering_query_param = "ordering"

    def get_page_size(self, request) -> int:
        return page_size_of(request, name=self.page_size_query_param, default=self.page_size, most=self.max_page_size)

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

    @staticmethod
    def _value(model, field_name, text):
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist as error:
            raise InvalidCursor from error
        try:
            value = field.to_python(text)
        except (DjangoValidationError, TypeError, ValueError) as error:
            raise InvalidCursor from error
        if value is None:
            raise InvalidCursor
        return value

    @staticmethod
    def _after(queryset, field, value, pk, descending=False):
        """The rows after (value, pk) in the order (field, pk). The bound on `field` alone is redundant but is what
        an index on the field can seek to: without it PostgreSQL read the index from the start and filtered out
        every earlier row, so the later a page, the slower (docs/benchmarks.md, "Deep pages")."""
        after = "lt" if descending else "gt"
        if field in ("pk", queryset.model._meta.pk.name):
            return queryset.filter(**{f"pk__{after}": pk})
        return queryset.filter(
            Q(**{f"{field}__{after}e": value}),
            Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"pk__{after}": pk}),
        )

    def _read_parameters(self, request, view) -> dict | None:
        """Page size, ordering and cursor, each checked (400 or 404 with what to fix); returns the cursor."""
        self.request = request
        self.page_size_now = self.get_page_size(request)
        self.ordering = self.get_ordering(request, view)
        raw_cursor = request.query_params.get(self.cursor_query_param)
        cursor = _decode(raw_cursor) if raw_cursor else None
        if cursor is not None and cursor["o"] != self.ordering:
            raise InvalidCursor
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        cursor = self._read_parameters(request, view)
        size = self.page_size_now
        descending = self.ordering.startswith("-")
        field = self.ordering.lstrip("-")
        model = queryset.model
        two_parts = any(f.name == CHANGED for f in model._meta.concrete_fields)

        if not two_parts:
            ordered = queryset.order_by(self.ordering, "-pk" if descending else "pk")
            if cursor is not None:
                ordered = self._after(ordered, field, self._value(model, field, cursor["v"]), cursor["i"], descending)
            rows = list(ordered[: size + 1])
            self.next_cursor = self._cursor_after(rows, size, {"o": self.ordering}, field)
            return rows[:size]

        start = self._walk_start(cursor)
        base = {"o": self.ordering, "s": start.isoformat()}
        changed_during = queryset.filter(**{f"{CHANGED}__gt": start}).order_by(CHANGED, "pk")
        rows = []
        if cursor is None or cursor.get("p") != 2:
            first_part = queryset.filter(**{f"{CHANGED}__lte": start}).order_by(
                self.ordering, "-pk" if descending else "pk"
            )
            if cursor is not None:
                value = self._value(model, field, cursor["v"])
                first_part = self._after(first_part, field, value, cursor["i"], descending)
            rows = list(first_part[: size + 1])
            if len(rows) > size:
                self.next_cursor = self._cursor_after(rows, size, base, field)
                return rows[:size]
        else:
            changed_during = self._after(
                changed_during, CHANGED, self._value(model, CHANGED, cursor["v"]), cursor["i"],
            )
        rows += list(changed_during[: size + 1 - len(rows)])
        self.next_cursor = self._cursor_after(rows, size, {**base, "p": 2}, CHANGED)
        return rows[:size]

    def resume(self, request, view, next_cursor: str | None):
        """A page whose rows were served from the cache (core.api.views.ApiReadOnlyViewSet.cache_pages): the same
        checks of the parameters as paginate_queryset, and the next cursor kept with the rows; a first page's walk
        starts now, as it would if its rows had been read now (they are the same until the data changes)."""
        cursor = self._read_parameters(request, view)
        self.next_cursor = next_cursor
        if next_cursor and cursor is None:
            payload = _decode(next_cursor)
            if "s" in payload:
                self.next_cursor = _encode({**payload, "s": self._walk_start(None).isoformat()})

    @staticmethod
    def _cursor_after(rows, size, payload, field):
        if len(rows) <= size:
            return None
        last = rows[size - 1]
        if isinstance(last, dict):  # values() rows (a lean list, core.api.views.ApiReadOnlyViewSet.value_rows)
            return _encode({**payload, "v": _as_text(last[field]), "i": last["pk"]})
        return _encode({**payload, "v": _as_text(getattr(last, field)), "i": last.pk})

    @staticmethod
    def _walk_start(cursor) -> datetime.datetime:
        if cursor is None:
            return timezone.now()
        start = parse_datetime(cursor["s"]) if isinstance(cursor.get("s"), str) else None
        if start is None or timezone.is_naive(start):
            raise InvalidCursor
        return start

    def get_next_link(self):
        if not self.next_cursor:
            return None
        return self.request.build_absolute_uri(self.request.path) + "?" + query_string_with(
            self.request, **{self.cursor_query_param: self.next_cursor}
        )

    def get_paginated_response(self, data, *, next_updated_since=None):
        next_link = self.get_next_link()
        response = Response({"next": next_link, "next_cursor": self.next_cursor or None,
                             "next_updated_since": next_updated_since, "results": data})
        if next_link:
            response["Link"] = f'<{next_link}>; rel="next"'
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "next_cursor", "next_updated_since", "results"],
            "properties": {
                "next": {
                    "type": "string", "format": "uri", "nullable": True,
                    "description": "The next page (every query parameter kept), or null on the last page.",
                },
                "next_cursor": {
                    "type": "string", "nullable": True,
                    "description": (
                        "The next page's `cursor` (the one in `next`), or null on the last page: call the list again "
                        "with the same parameters and `cursor` set to it (what a generated client does)."
                    ),
                },
                "next_updated_since": {
                    "type": "string", "format": "date-time", "nullable": True,
                    "description": (
                        "Pass this as `updated_since` in your next sync (null where the list has no `updated_since`). "
                        "Server time when this page was read, less a safety margin: see the limits in the guide."
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
            page_size_parameter(name=self.page_size_query_param, default=self.page_size, most=self.max_page_size),
            {
                "name": self.ordering_query_param, "required": False, "in": "query",
                "description": f"Sort order (ties broken by id). Default `{self.default_ordering(view)}`.",
                "schema": {"type": "string", "enum": self.orderings(view)},
            },
        ]
