"""What every API view shares: key or session authentication, scopes, throttling, one error shape, ETags,
streamed CSV and incremental-sync tokens. Each app's `api/views.py` builds on these. (The request log is
partner_access's middleware: it reads the key prefix that authentication leaves on the request.)"""

import datetime
import hashlib
import json
import threading

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseNotModified, StreamingHttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .. import cache as portal_cache
from .. import security_log
from ..policies import visibility_of
from . import json_rows
from .authentication import PartnerKeyAuthentication
from .deprecation import add_deprecation_headers
from .exceptions import not_found_response
from .filters import ApiFilterBackend, api_filterset
from .pagination import CHANGED, KeysetPagination
from .permissions import HasScope
from .renderers import CSVRenderer, columns_of, csv_chunks, plain_columns
from .serializers import ValueRows
from .throttling import PartnerKeyThrottle, PortalUserThrottle, UnauthenticatedClientThrottle, rate_limit_headers

SYNC_TOKEN_HEADER = "X-Next-Updated-Since"
FEED_TOKEN_HEADER = "X-Next-After"  # the change feed's position (core.api.changes)
CSV_CHUNK = 500
PAGE_CACHE_SECONDS = 600
_VALUE_ROWS = {}  # view class -> its ValueRows (a serializer's fields do not change)
_ROW_SERIALIZERS = threading.local()  # per thread: view class -> the serializer of its rows (row_serializer)


def sync_margin():
    """How far back a sync token reaches: covers transactions that commit a little after they stamped a row."""
    return datetime.timedelta(seconds=settings.PARTNER_API_SYNC_MARGIN_SECONDS)


def as_token(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def etag_of(content: bytes) -> str:
    return 'W/"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def etag_matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == wanted for tag in parse_etags(header))


class ApiViewMixin:
    """Partner keys first, then the portal session. LoginRequiredMiddleware is skipped: DRF answers 401 itself."""

    authentication_classes = [PartnerKeyAuthentication, SessionAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [PartnerKeyThrottle, PortalUserThrottle]
    renderer_classes = [JSONRenderer]
    required_scope = None
    # The query parameters the schema declares for an operation, and no other (an unknown one is a 400 naming it):
    # `format` where there are formats to choose from, the paginator's, the FilterSet's, and these.
    strict_query_params = True
    extra_query_params: tuple[str, ...] = ()

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def required_scope_for(self, request):
        return self.required_scope

    def check_throttles(self, request):
        """DRF's, keeping each throttle's quota for the RateLimit-* headers (core.api.throttling); once a request."""
        if getattr(self, "throttles_checked", False):
            return
        durations = []
        for throttle in self.get_throttles():
            allowed = throttle.allow_request(request, self)
            self.rate_quotas = [*getattr(self, "rate_quotas", []), getattr(throttle, "quota", None)]
            if not allowed:
                durations.append(throttle.wait())
        if durations:
            self.throttled(request, max((duration for duration in durations if duration is not None), default=None))

    def throttle_unauthenticated(self, request):
        """A request without a valid key counts against its client address; over the rate it is a 429."""
        throttle = UnauthenticatedClientThrottle()
        allowed = throttle.allow_request(request, self)
        self.rate_quotas = [*getattr(self, "rate_quotas", []), throttle.quota]
        if not allowed:
            security_log.event("api_unauthenticated_throttled", request._request, path=request.path)
            self.throttled(request, throttle.wait())

    def perform_authentication(self, request):
        try:
            super().perform_authentication(request)
        except exceptions.AuthenticationFailed:
            self.throttle_unauthenticated(request)
            raise

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            self.throttle_unauthenticated(request)
        super().permission_denied(request, message=message, code=code)

    def perform_content_negotiation(self, request, force=False):
        wanted = request.query_params.get("format")
        if wanted is not None and wanted not in {r.format for r in self.get_renderers()} and not force:
            # Refused once the caller is known and counted (initial), so the 400 carries its RateLimit-* headers.
            self.format_refused = exceptions.ValidationError({"format": [
                _("Choose one of: %(formats)s.") % {"formats": ", ".join(r.format for r in self.get_renderers())},
            ]})
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def check_permissions(self, request):
        """Every request with a key or a session counts against its rate, those refused too (before the permission
        check, which DRF makes first), so every answer can say where the caller stands (RateLimit-*)."""
        self.check_throttles(request)
        self.throttles_checked = True
        super().check_permissions(request)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "format_refused", None) is not None:
            raise self.format_refused
        if any("\x00" in str(value) for value in kwargs.values()):
            raise exceptions.NotFound()
        # A method the operation does not answer gets its 405 first (dispatch raises it after initial()).
        if self.strict_query_params and getattr(self, request.method.lower(), None) is not None:
            self.refuse_unknown_query_params(request)

    def allowed_query_params(self) -> set[str]:
        """What drf-spectacular puts in this operation's schema (core.api.schema.PortalAutoSchema): DRF's `format`
        when the operation has more than one renderer, the paginator's parameters (of a CSV export only
        `ordering`: it has no pages), the FilterSet's filters, and `extra_query_params`."""
        names = set(self.extra_query_params)
        if len(self.renderer_classes) > 1:
            names.add(api_settings.URL_FORMAT_OVERRIDE)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            ordering = getattr(paginator, "ordering_query_param", None)
            if getattr(self, "action", None) == "csv":
                names.add(ordering)
            else:
                names |= {ordering, getattr(paginator, "cursor_query_param", None),
                          getattr(paginator, "page_size_query_param", None)}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and any(issubclass(backend, ApiFilterBackend)
                                               for backend in getattr(self, "filter_backends", ())):
            names |= set(api_filterset(filterset_class).base_filters)
        names.discard(None)
        return names

    def refuse_unknown_query_params(self, request):
        allowed = self.allowed_query_params()
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            takes = ", ".join(sorted(allowed)) or _("no query parameters")
            raise exceptions.ValidationError({name: [
                _("Unknown parameter: this operation takes %(names)s.") % {"names": takes},
            ] for name in unknown})

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON whatever format was asked for.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code == 200 and request.method in ("GET", "HEAD"):
            response = self.conditional(request, response)
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept"))
        for header, value in rate_limit_headers(getattr(self, "rate_quotas", ())).items():
            response[header] = value
        add_deprecation_headers(self, response)
        if response.status_code in (200, 304):
            response.setdefault("Cache-Control", "private, no-cache")
        return response

    def conditional(self, request, response):
        """A weak ETag of the data; If-None-Match → 304. Of a list page: its rows and whether a next page follows
        (the sync token and the next cursor hold the time of the read, so they are left out)."""
        data = response.data
        if isinstance(data, dict) and "next_updated_since" in data:
            etag = self.list_page_etag(request, response, data)
        else:
            response.render()
            etag = etag_of(response.content)
        if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            for header in (SYNC_TOKEN_HEADER, FEED_TOKEN_HEADER):
                if response.has_header(header):
                    not_modified[header] = response[header]
            return not_modified
        response["ETag"] = etag
        return response

    @staticmethod
    def list_page_etag(request, response, data) -> str:
        """The ETag of a list page, the rows rendered once: the page's JSON is put together around them (compact
        JSON is the concatenation of its parts) instead of rendering the rows again for the tag."""
        renderer = JSONRenderer()
        rendered = isinstance(data["results"], RenderedRows)
        results = data["results"].content if rendered else renderer.render(data["results"])
        more = b"true" if data.get("next") else b"false"
        etag = etag_of(b'{"results":' + results + b',"more":' + more + b"}")
        media_type = request.accepted_media_type or ""
        compact = type(request.accepted_renderer) is JSONRenderer and "indent" not in media_type
        if compact and list(data) == ["next", "next_cursor", "next_updated_since", "results"]:
            def part(value):
                return b"null" if value is None else renderer.render(value)  # render(None) is empty

            response.content = (
                b'{"next":' + part(data["next"]) + b',"next_cursor":' + part(data["next_cursor"])
                + b',"next_updated_since":' + part(data["next_updated_since"]) + b',"results":' + results + b"}"
            )
            response["Content-Type"] = renderer.media_type
        elif rendered:  # another rendering asked for (indented JSON): the rows as data again
            response.data["results"] = json.loads(results)
        return etag


class RenderedRows:
    """A list page's rows already rendered as compact JSON (a page from the cache), put into the body as they are."""

    def __init__(self, content: bytes):
        self.content = content


class ApiReadOnlyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A list (keyset-paginated, filtered by the model's FilterSet, JSON or streamed CSV) and a detail view.

    `ordering_fields`: allowed sort fields, the first being the default. `sync_field`: the field that
    `updated_since` filters on, which makes list responses carry a sync token (None: no incremental sync).
    """

    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = KeysetPagination
    filter_backends = [ApiFilterBackend]
    ordering_fields = ["updated_at", "id"]
    sync_field = "updated_at"
    lookup_value_regex = "[0-9]+"
    csv_name = "export"
    in_change_feed = True  # the change feed serves this list's records (core.api.changes)
    lean_rows = False
    lean_filled = ()
    # List pages computed once per change: their rows cached under the PARTNER_DATA token (core.cache), which every
    # change the change feed records renews (core.services.change_record). Only for lists whose records, and
    # everything they embed, reach the feed through model signals at every change (core.changes.track,
    # touch_and_record): writes no partner sees (drafts, returns) leave the cached pages in place.
    cache_pages = False
    # List pages and detail views as JSON written by PostgreSQL (core.api.json_rows) where every field's format is
    # known there; `json_filled()` gives the fields it cannot read from a column. CSV and the feed keep value_rows.
    # Such a view's get_queryset() must not depend on the request (its unfiltered rows' queryset is built once).
    rows_in_sql = False

    def json_filled(self) -> dict:
        """{field name: SQL expression of its JSON text} for the fields `rows_in_sql` cannot read from a column."""
        return {}

    def sql_expression(self, request):
        """The row expression when the answer is JSON (json_rows.expression_for), else None."""
        if type(getattr(request, "accepted_renderer", None)) is not JSONRenderer:
            return None
        return json_rows.expression_for(self)

    def page_rows(self, request, queryset):
        """A list page's rows: their JSON from PostgreSQL (RenderedRows) where the view has it, else formatted here."""
        expression = self.sql_expression(request)
        if expression is None:
            return self.rows_of(self.paginate_queryset(self.rows_queryset(queryset)))
        walked = [*self.ordering_fields, CHANGED]
        if getattr(self, "unfiltered", False):
            queryset = json_rows.prototype(self, queryset, expression, walked)
        else:
            queryset = json_rows.rows_queryset(queryset, expression, walked)
        page = self.paginate_queryset(queryset)
        return RenderedRows(json_rows.page_content(row[json_rows.ROW_JSON] for row in page))

    def sync_token(self, started):
        return as_token(started - sync_margin()) if self.sync_field else None

    def value_rows(self) -> ValueRows | None:
        """With `lean_rows`, list, detail, CSV and the change feed read values() rows and format them with the
        serializer's fields (ValueRows: the same JSON, no model instances); `fill_rows` adds the fields named in
        `lean_filled`. Without it (None), the serializer does the work."""
        if not self.lean_rows:
            return None
        cls = type(self)
        if cls not in _VALUE_ROWS:
            _VALUE_ROWS[cls] = ValueRows(self.serializer_class(), filled=self.lean_filled)
        return _VALUE_ROWS[cls]

    def fill_rows(self, rows: list[dict], values_rows: list[dict]):
        """Fill in, in place, the fields the ValueRows leaves to the view (nested lists, method fields)."""

    def rows_queryset(self, queryset):
        """What the paginator and the CSV walk: values() rows for a lean list, else model instances."""
        value_rows = self.value_rows()
        if value_rows is None:
            return queryset
        paths = value_rows.paths()
        fields = {field.name for field in queryset.model._meta.concrete_fields}
        walked = [name for name in [*self.ordering_fields, CHANGED] if name in fields and name not in paths]
        return queryset.prefetch_related(None).values(*paths, *walked)

    def row_serializer(self):
        """The serializer of one row, given this request's context: one per view class and thread, so its fields
        are built once (DRF builds a ModelSerializer's fields anew at each instantiation: profiled, a millisecond
        or more for each list a change feed page reads)."""
        serializers_of = getattr(_ROW_SERIALIZERS, "by_view", None)
        if serializers_of is None:
            serializers_of = _ROW_SERIALIZERS.by_view = {}
        serializer_class = self.get_serializer_class()
        serializer = serializers_of.get((type(self), serializer_class))
        if serializer is None:
            serializer = serializers_of[(type(self), serializer_class)] = serializer_class()
        serializer._context = self.get_serializer_context()
        return serializer

    def rows_of(self, page) -> list:
        value_rows = self.value_rows()
        if value_rows is None:  # what `get_serializer(page, many=True).data` makes, row by row
            serializer = self.row_serializer()
            return [serializer.to_representation(row) for row in page]
        rows = value_rows.rows(page)
        self.fill_rows(rows, page)
        return rows

    def records_of(self, ids) -> dict:
        """id -> the row's compact JSON text as the list serves it, for those of `ids` the caller may see (the change
        feed's records): one query (and the list's own for what it nests), in no order. Written by PostgreSQL
        where the list's rows are (json_rows), else formatted and rendered here."""
        expression = json_rows.expression_for(self)
        if expression is not None:
            rows = json_rows.rows_queryset(self.get_queryset(), expression).filter(pk__in=ids).order_by()
            return {row["pk"]: row[json_rows.ROW_JSON] for row in rows}
        rows = list(self.rows_queryset(self.get_queryset()).filter(pk__in=ids).order_by())
        renderer = JSONRenderer()
        return {row["pk"] if isinstance(row, dict) else row.pk: renderer.render(data).decode()
                for row, data in zip(rows, self.rows_of(rows), strict=True)}

    def retrieve(self, request, *args, **kwargs):
        if self.value_rows() is None:
            return super().retrieve(request, *args, **kwargs)
        lookup = self.lookup_url_kwarg or self.lookup_field
        expression = self.sql_expression(request)
        queryset = self.filter_queryset(self.get_queryset())
        if expression is None:
            queryset = self.rows_queryset(queryset)
        else:
            queryset = json_rows.rows_queryset(queryset, expression)
        try:
            found = list(queryset.filter(**{self.lookup_field: self.kwargs[lookup]})[:2])
        except (TypeError, ValueError, DjangoValidationError):
            found = []
        if len(found) != 1:
            raise Http404
        if expression is not None:  # one row: read back as data, for the renderer and the ETag
            return Response(json.loads(found[0][json_rows.ROW_JSON]))
        return Response(self.rows_of(found)[0])

    def list(self, request, *args, **kwargs):
        started = timezone.now()
        unfiltered = self.get_queryset()
        queryset = self.filter_queryset(unfiltered)
        self.unfiltered = queryset is unfiltered  # no filter asked for (json_rows.prototype)
        token = self.sync_token(started)
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return self.csv_response(request, queryset, token)
        if self.cache_pages and settings.API_PAGE_CACHE:
            rows = self.cached_rows(request, queryset)
        else:
            rows = self.page_rows(request, queryset)
        response = self.paginator.get_paginated_response(rows, next_updated_since=token)
        if token:
            response[SYNC_TOKEN_HEADER] = token
        return response

    def cached_rows(self, request, queryset) -> "RenderedRows":
        """A list page's rows, computed once per change: cached under the PARTNER_DATA token (core.cache: renewed by
        every change the feed records) with the list, every query parameter, what the caller may see (the key's
        scopes, not the key: keys that see the same rows share the page), the language and the day. Later pages
        (with a cursor) are kept only from their second read on, so a full walk cannot fill the cache."""
        computed = []

        def compute():
            rows = self.page_rows(request, queryset)
            computed.append(True)
            content = rows.content if isinstance(rows, RenderedRows) else JSONRenderer().render(rows)
            return content, self.paginator.next_cursor

        parts = (
            type(self).__name__, request.path, sorted(request.query_params.lists()), visibility_of(request.user),
            get_language(), timezone.localdate().isoformat(),
        )
        # A first page is read by every sync; a later page mostly once, by one walk: kept only when read again.
        first_page = self.paginator.cursor_query_param not in request.query_params
        content, next_cursor = portal_cache.cached(
            "api-page", parts, compute, version=portal_cache.PARTNER_DATA, ttl=PAGE_CACHE_SECONDS,
            keep_first_read=first_page,
        )
        if not computed:
            self.paginator.resume(request, self, next_cursor)
        return RenderedRows(content)

    @extend_schema(
        summary="The whole list as CSV",
        description=(
            "The same rows as the list (its filters and `ordering` apply), as one streamed CSV: the JSON fields as "
            "columns, nested objects as dotted columns, lists as JSON text. The same as the list with `format=csv`."
        ),
        responses={(200, "text/csv"): OpenApiResponse(
            {"type": "string"}, description="UTF-8 CSV with a header row.",
        )},
    )
    @action(detail=False, methods=["get"], url_path="csv", url_name="csv", renderer_classes=[CSVRenderer])
    def csv(self, request, *args, **kwargs):
        started = timezone.now()
        queryset = self.filter_queryset(self.get_queryset())
        return self.csv_response(request, queryset, self.sync_token(started))

    def csv_response(self, request, queryset, token):
        """Every matching row, in the list's order, streamed in chunks: the JSON list's fields as columns."""
        self.paginator.get_page_size(request)  # read strictly, though a CSV has no pages
        ordering = self.paginator.get_ordering(request, self)
        queryset = self.rows_queryset(queryset).order_by(ordering, "-pk" if ordering.startswith("-") else "pk")
        serializer = self.get_serializer()
        columns, plain = columns_of(serializer), plain_columns(serializer)

        def chunks():
            chunk = []
            for item in queryset.iterator(chunk_size=CSV_CHUNK):
                chunk.append(item)
                if len(chunk) == CSV_CHUNK:
                    yield self.rows_of(chunk)
                    chunk = []
            if chunk:
                yield self.rows_of(chunk)

        response = StreamingHttpResponse(csv_chunks(columns, chunks(), plain), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        if token:
            response[SYNC_TOKEN_HEADER] = token
        return response


class ApiNotFoundView(ApiViewMixin, APIView):
    """Anything under /api/v1/ that matches no endpoint: a JSON 404 in the API's error shape."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        response = not_found_response(hint=self.slash_hint(request.path))
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response


    @staticmethod
    def slash_hint(path):
        """API paths end with a slash: say so when that is all that is wrong (no redirect: it would drop the key)."""
        if path.endswith("/"):
            return None
        try:
            match = resolve(path + "/")
        except Resolver404:
            return None
        return None if match.url_name == "not-found" else path + "/"


class SchemaView(ApiViewMixin, SpectacularAPIView):
    strict_query_params = False  # drf-spectacular's own (`lang`, `format`, `script`)
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    renderer_classes = SpectacularAPIView.renderer_classes

    def conditional(self, request, response):
        return response


class DocsView(ApiViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI, its start-up script served as a file of its own (`?script`), so no inline script is needed."""

    strict_query_params = False  # drf-spectacular's own (`lang`, `format`, `script`)
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    renderer_classes = SpectacularSwaggerSplitView.renderer_classes

    def conditional(self, request, response):
        return response


class ApiRootView(ApiViewMixin, APIView):
    """Where the API starts: its lists, schema and docs. `lists` are the router's basenames (the project's urls)."""

    strict_query_params = False  # not an operation of the schema
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None
    lists: list[str] = []

    def get(self, request):
        return Response({
            "lists": {name: reverse(f"api:{name}-list", request=request) for name in self.lists},
            "changes": reverse("api:changes", request=request),
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        })
