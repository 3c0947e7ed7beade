"""Partner API: the portfolio (scope initiatives:read) and reports (scope reports:read)."""

import functools
import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from core.api import json_rows
from core.api.serializers import ValueRows
from core.api.views import ApiReadOnlyViewSet
from core.scopes import INITIATIVES_READ, REPORTS_READ

from .. import selectors
from ..filtersets import (
    BenefitFilterSet,
    InitiativeFilterSet,
    MilestoneFilterSet,
    ProgressUpdateFilterSet,
    ReportFilterSet,
    RiskFilterSet,
)
from ..models import Initiative, Participation, Report
from .serializers import (
    BenefitSerializer,
    InitiativeSerializer,
    MilestoneSerializer,
    ParticipantSerializer,
    ProgressUpdateSerializer,
    ReportSerializer,
    RiskSerializer,
    all_confirmed,
    realisation_row,
    share_row,
    target_row,
)

# application/octet-stream first: a client generated from the schema reads the file as bytes, whatever it is.
REPORT_FILE_TYPES = [
    "application/octet-stream",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
]


class InitiativeViewSet(ApiReadOnlyViewSet):
    """Initiatives with their participating councils and roles, partners and current status (the latest
    approved progress update). Found by reference, e.g. DO-0042."""

    required_scope = INITIATIVES_READ
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilterSet
    ordering_fields = ["updated_at", "reference", "id"]
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"
    csv_name = "initiatives"
    lean_rows = True
    lean_filled = ("outcomes", "participants", "partners")
    cache_pages = True
    rows_in_sql = True

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema needs the model, not the data (no query)
            return Initiative.objects.none()
        return selectors.api_initiatives()

    def rows_queryset(self, queryset):
        return selectors.with_api_links(super().rows_queryset(queryset))

    def fill_rows(self, rows, values_rows):
        """Participants, outcomes and partners: brought by the page query on PostgreSQL, else three queries."""
        links = selectors.api_initiative_links_of(values_rows)
        participant_rows = participants_rows()
        for row, values in zip(rows, values_rows, strict=True):
            participants, outcomes, partners = links[values["pk"]]
            row["outcomes"] = sorted(outcomes)
            row["participants"] = participant_rows.rows(participants)
            row["partners"] = sorted(partners)


    def json_filled(self):
        """Participants (in the model's order), outcome numbers and partner slugs (sorted as Python sorts them:
        by code point, hence the C collation), each a JSON array built by one subquery per row."""
        return selectors.api_initiative_json_lists(json_rows.template(
            ParticipantSerializer(), Participation, {"": "p", "council": "c"},
        ))


@functools.cache
def participants_rows():
    return ValueRows(ParticipantSerializer())


class MilestoneViewSet(ApiReadOnlyViewSet):
    """Milestones with baseline and forecast dates, so slippage shows."""

    required_scope = INITIATIVES_READ
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    csv_name = "milestones"
    cache_pages = True

    def get_queryset(self):
        return selectors.api_milestones()


class ProgressUpdateViewSet(ApiReadOnlyViewSet):
    """Approved progress updates only: drafts, submitted and returned updates are never served."""

    required_scope = INITIATIVES_READ
    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet
    csv_name = "updates"
    lean_rows = True
    cache_pages = True
    rows_in_sql = True

    def get_queryset(self):
        return selectors.api_updates()


class RiskViewSet(ApiReadOnlyViewSet):
    """Risks of each initiative (likelihood × impact)."""

    required_scope = INITIATIVES_READ
    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet
    csv_name = "risks"
    cache_pages = True

    def get_queryset(self):
        return selectors.api_risks()


class BenefitViewSet(ApiReadOnlyViewSet):
    """Benefits of each initiative, per council where they are a council's."""

    required_scope = INITIATIVES_READ
    serializer_class = BenefitSerializer
    filterset_class = BenefitFilterSet
    csv_name = "benefits"
    lean_rows = True
    lean_filled = ("targets", "shares", "realisations", "is_cashable", "confirmed_by_council")
    cache_pages = True

    def get_queryset(self):
        return selectors.api_benefits()

    def fill_rows(self, rows, values_rows):
        """Yearly targets, councils' shares and realisations: three queries a page."""
        parts = selectors.api_benefit_parts([values["pk"] for values in values_rows])
        for row in rows:
            targets, shares, realisations = parts[row["id"]]
            row["targets"] = [target_row(*t) for t in targets]
            row["shares"] = [share_row(*s) for s in shares]
            row["realisations"] = [realisation_row(*r) for r in realisations]
            row["is_cashable"] = row["category"] == "cash_releasing"
            row["confirmed_by_council"] = all_confirmed(row["realisations"])


class ReportViewSet(ApiReadOnlyViewSet):
    """Reports made by the Digital Office (monthly portfolio report, board pack, council summary): their
    status and, once ready, their file."""

    required_scope = REPORTS_READ
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    ordering_fields = ["updated_at", "created_at", "id"]
    csv_name = "reports"

    def get_queryset(self):
        return selectors.api_reports()

    def perform_content_negotiation(self, request, force=False):
        if self.action == "file":
            # The file is sent as it is; only errors are rendered, as JSON.
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        summary="Download a report's file",
        filters=False,
        responses={
            **{(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The report file.")
               for media_type in REPORT_FILE_TYPES},
        },
    )
    # One renderer (errors are JSON; the file is sent as it is): the schema declares no `format` here, and a
    # `format` asked for is a 400 naming it, as any parameter the schema does not declare.
    @action(detail=True, methods=["get"], url_path="file", url_name="file", pagination_class=None, filter_backends=[],
            renderer_classes=[JSONRenderer])
    def file(self, request, pk=None):
        report = get_object_or_404(self.get_queryset(), pk=pk, status=Report.Status.READY)
        if not report.file or not report.file.storage.exists(report.file.name):
            raise Http404
        name = report.file.name.rsplit("/", 1)[-1]
        content_type = mimetypes.guess_type(name)[0]
        if content_type not in REPORT_FILE_TYPES:
            content_type = "application/octet-stream"
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
