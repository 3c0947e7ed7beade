"""The change feed, `/api/v1/changes/?after=TOKEN`: every create, update and delete of every record a partner may
see, in the order their transactions finished, each served as the record is when read (docs/api.md).

The entries are written by the apps (core.changes) in the transaction of each change; this view reads them
(core.selectors.change_page) and serves each through the list it belongs to (the project's urls pass the list
viewsets as `kinds`), so the feed's scopes, visibility rules and fields are exactly the lists'.
"""

import json
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..changes import horizon_check
from ..models import Change
from ..policies import can_see_council_owned, can_use_scope, scopes_of
from ..scopes import FEED_SCOPES
from ..selectors import FEED_START, change_head, change_page, feed_state
from . import json_rows
from .pagination import page_size_of, page_size_parameter, query_string_with
from .schema import ErrorSerializer
from .views import FEED_TOKEN_HEADER, ApiViewMixin

FEED_PAGE_SIZE = 500
FEED_MAX_PAGE_SIZE = 1000
TOKEN_PATTERN = r"^([0-9]{1,18})\.([0-9]{1,18})$"  # below 2**63: what the database stores
TOKEN = re.compile(TOKEN_PATTERN)


def token_of(position: tuple[int, int]) -> str:
    return f"{position[0]}.{position[1]}"


def position_of(text: str | None) -> tuple[int, int]:
    if text is None:
        return FEED_START
    match = TOKEN.match(text.strip())
    if not match:
        raise exceptions.ValidationError({"after": [
            _("Give the next_after token of your last read of the feed (or leave it out to start at the beginning)."),
        ]})
    return int(match[1]), int(match[2])


class PositionExpired(exceptions.APIException):
    status_code = 410
    default_detail = _(
        "The feed no longer keeps the changes after this position (it keeps them for a limited time): "
        "take a full copy again, starting from /api/v1/changes/latest/."
    )
    default_code = "position_expired"


class HasAnyReadScope(BasePermission):
    """The feed serves each kind of record to whoever may read its list; a caller who may read none is refused."""

    message = _("The change feed needs at least one of the read scopes.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and scopes_of(user) & set(FEED_SCOPES))


class ChangeEntrySerializer(serializers.Serializer):
    type = serializers.CharField(help_text=_(
        "The list the record belongs to: council, partner, contribution, theme, outcome, measure, measure-reading, "
        "initiative, milestone, update, risk, benefit, report, contract, practice-asset, practice-adoption or "
        "comment."))
    id = serializers.IntegerField(help_text=_("The record's id (its `id` field in the list)."))
    operation = serializers.ChoiceField(choices=Change.Operation.choices, help_text=_(
        "upsert: store `record` under (type, id), replacing what you had. delete: remove (type, id) if you have "
        "it; a delete may name a record you never had."))
    record = serializers.DictField(allow_null=True, help_text=_(
        "For an upsert, the record exactly as its list serves it now; null for a delete."))


class FeedHorizonSerializer(serializers.Serializer):
    age_seconds = serializers.FloatField(allow_null=True, help_text=_(
        "How far the feed's horizon is behind now: the age in seconds of the oldest transaction still open on the "
        "portal's database server (0 when none is). The feed serves an entry only once every transaction that "
        "started before it has finished, so while one stays open, later changes wait behind it. Null when the "
        "server does not let the portal see it."))
    held_back = serializers.BooleanField(help_text=_(
        "Changes have been made and are waiting behind that open transaction: they will come once it finishes. "
        "`has_more: false` then does not mean that nothing changed."))
    stalled = serializers.BooleanField(help_text=_(
        "The horizon has been held longer than the portal's warning threshold: the office is alerted; expect "
        "delays. Keep reading from `next_after`: nothing is lost."))


def horizon_of(kinds, report=None) -> dict:
    horizon = horizon_check(kinds=kinds, report=report)
    return {"age_seconds": horizon["age_seconds"], "held_back": horizon["held_back"], "stalled": horizon["held"]}


class ChangeFeedSerializer(serializers.Serializer):
    next = serializers.URLField(help_text=_("Read this next: the same parameters, after `next_after`."))
    next_after = serializers.CharField(help_text=_(
        "The position after this page: keep it, and pass it as `after` in your next read."))
    has_more = serializers.BooleanField(help_text=_(
        "More entries are ready now: read `next` at once. False: you are up to date; read again later."))
    results = ChangeEntrySerializer(many=True)
    horizon = FeedHorizonSerializer(help_text=_("Whether changes are being held back, and for how long."))


class ChangeFeedPositionSerializer(serializers.Serializer):
    next_after = serializers.CharField(help_text=_(
        "The feed's position now: take it before a full copy, then read the feed from it."))
    horizon = FeedHorizonSerializer(help_text=_("Whether changes are being held back, and for how long."))


FEED_PAGE_SIZE_PARAMETER = page_size_parameter(default=FEED_PAGE_SIZE, most=FEED_MAX_PAGE_SIZE, rows="Entries")


class ChangeFeedView(ApiViewMixin, APIView):
    """The change feed: every upsert and delete a caller may see, after the position `after`, oldest first.

    Entries of a transaction are served once it has finished, and never before an entry of a transaction that
    finished earlier could still appear: a change that commits late is delivered by a later read, not lost.
    Within a page a record appears at most once (its last entry). Read until `has_more` is false, keep
    `next_after`, and read again from it later.
    """

    permission_classes = [HasAnyReadScope]
    feed_token_header = FEED_TOKEN_HEADER
    extra_query_params = ("after", "page_size")
    operation = "changes"  # its URL name (core.api.deprecation)
    kinds: dict = {}  # kind (a list's name) -> its list viewset; set by the project's urls

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter("after", {"type": "string", "pattern": TOKEN_PATTERN}, description=_(
                "The `next_after` of your last read; leave it out to start at the beginning of the feed.")),
            OpenApiParameter("page_size", type=FEED_PAGE_SIZE_PARAMETER["schema"],
                             description=FEED_PAGE_SIZE_PARAMETER["description"]),
        ],
        responses={
            200: OpenApiResponse(ChangeFeedSerializer, description=_("Entries after the position.")),
            410: OpenApiResponse(ErrorSerializer, description=_(
                "The position is older than the feed keeps: take a full copy again (code `position_expired`).")),
        },
        filters=False,
    )
    def get(self, request):
        given = request.query_params.get("after")
        after = position_of(given)
        readable = {kind: viewset for kind, viewset in self.kinds.items()
                    if can_use_scope(request.user, viewset.required_scope)}
        state = feed_state(kinds=readable)  # the floor, the horizon and its report: one query
        if after < state.floor:
            if given is not None:
                raise PositionExpired
            after = state.floor  # the beginning of what the feed keeps
        size = page_size_of(request, default=FEED_PAGE_SIZE, most=FEED_MAX_PAGE_SIZE)
        entries, position, more = change_page(after=after, kinds=readable, limit=size, state=state)
        token = token_of(position)
        latest = {}
        for entry in entries:  # a record once per page, at its last entry
            if entry.owner_council_id is not None and not can_see_council_owned(request.user, entry.owner_council_id):
                continue  # another council's confidential record: not even its deletes are told
            latest.pop((entry.kind, entry.object_id), None)
            latest[(entry.kind, entry.object_id)] = entry
        records = self.records(request, readable, latest)
        next_link = request.build_absolute_uri(request.path) + "?" + query_string_with(request, after=token)
        head = {"next": next_link, "next_after": token, "has_more": more}
        horizon = horizon_of(readable, state.report)
        media_type = request.accepted_media_type or ""
        if type(request.accepted_renderer) is JSONRenderer and "indent" not in media_type:
            response = Response(head)  # its body written here, the records' texts put in as they are
            response.content = feed_content(head, [(kind, object_id, records.get((kind, object_id)))
                                                   for kind, object_id in latest], horizon)
            response["Content-Type"] = JSONRenderer.media_type
        else:  # another rendering asked for (indented JSON): the records as data again
            results = [entry_data(kind, object_id, records.get((kind, object_id))) for kind, object_id in latest]
            response = Response({**head, "results": results, "horizon": horizon})
        response[FEED_TOKEN_HEADER] = token
        if more:
            response["Link"] = f'<{next_link}>; rel="next"'
        return response

    @staticmethod
    def records(request, readable, latest) -> dict:
        """(kind, id) -> the record's JSON text as its list serves it to this caller, for those the caller may see
        now."""
        ids_of = {}
        for kind, object_id in latest:
            ids_of.setdefault(kind, []).append(object_id)
        records = {}
        for kind, ids in ids_of.items():  # each kind in bulk: its list's query for all its ids, its rows formatted
            view = readable[kind]()
            view.request, view.format_kwarg, view.action, view.args, view.kwargs = request, None, "list", (), {}
            records.update(((kind, pk), data) for pk, data in view.records_of(ids).items())
        return records


def entry_data(kind, object_id, record_text) -> dict:
    """One entry of a page as data: an upsert with its record, or a delete (no record the caller may see now)."""
    return {"type": kind, "id": object_id,
            "operation": Change.Operation.DELETE if record_text is None else Change.Operation.UPSERT,
            "record": None if record_text is None else json.loads(record_text)}


def feed_content(head, entries, horizon) -> bytes:
    """A page's compact JSON, as JSONRenderer renders it, put together around the records' texts (compact JSON is
    the concatenation of its parts): no record is parsed or rendered again."""
    renderer = JSONRenderer()
    results = json_rows.escape_line_separators(",".join(
        f'{{"type":{json.dumps(kind, ensure_ascii=False)},"id":{int(object_id)},'
        + (f'"operation":"{Change.Operation.DELETE}","record":null}}' if text is None
           else f'"operation":"{Change.Operation.UPSERT}","record":{text}}}')
        for kind, object_id, text in entries
    ))
    return (b'{"next":' + renderer.render(head["next"]) + b',"next_after":' + renderer.render(head["next_after"])
            + b',"has_more":' + (b"true" if head["has_more"] else b"false") + b',"results":['
            + results.encode() + b'],"horizon":' + renderer.render(horizon) + b"}")


class ChangeFeedHeadView(ApiViewMixin, APIView):
    """The feed's position now. Take it before a full copy of the lists; then read the feed from it, and every
    change made during or after the copy comes to you (some that the copy already had may come again)."""

    permission_classes = [HasAnyReadScope]
    feed_token_header = FEED_TOKEN_HEADER
    operation = "changes-latest"
    kinds: dict = {}  # as the feed's

    @extend_schema(
        operation_id="changes_latest", responses={200: OpenApiResponse(ChangeFeedPositionSerializer)}, filters=False,
    )
    def get(self, request):
        token = token_of(change_head())
        readable = [kind for kind, viewset in self.kinds.items()
                    if can_use_scope(request.user, viewset.required_scope)]
        response = Response({"next_after": token, "horizon": horizon_of(readable)})
        response[FEED_TOKEN_HEADER] = token
        return response
