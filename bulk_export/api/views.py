"""Bulk export: `POST /api/v1/exports/` asks for one, `GET /api/v1/exports/{id}/` says how it is going and lists
its files, `GET /api/v1/exports/{id}/file/?table=...&type=ndjson|csv` downloads one (docs/api.md)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.api.schema import ErrorSerializer
from core.api.views import ApiViewMixin

from .. import policies, registry, services
from ..models import BulkExport
from .serializers import BulkExportSerializer, ExportRequestSerializer


class CanExport(BasePermission):
    message = _("Bulk exports are made for partner API keys with at least one read scope.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and policies.can_request_export(user))


SCOPES_NOTE = _(
    "Needs a partner API key with at least one read scope; each table is exported and served only to a key whose "
    "scopes open its list (contracts only with contracts:read).")


class BulkExportViewSet(ApiViewMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One file per list, gzip NDJSON and CSV, from one consistent snapshot, with the change feed position it is
    consistent with."""

    permission_classes = [CanExport]
    serializer_class = BulkExportSerializer
    lookup_value_regex = "[0-9]+"
    in_change_feed = False

    def allowed_query_params(self) -> set[str]:
        # The download names its file (as its schema says); the other operations take no query parameters.
        return super().allowed_query_params() | ({"table", "type"} if self.action == "file" else set())

    def get_queryset(self):
        return policies.exports_visible_to(self.request.user, BulkExport.objects.all())

    @extend_schema(
        operation_id="exports_create", request=ExportRequestSerializer,
        description=f"Ask for a bulk export; it is made in the background. {SCOPES_NOTE}",
        responses={202: OpenApiResponse(BulkExportSerializer, description=_("Queued: poll its `Location`.")),
                   403: OpenApiResponse(ErrorSerializer, description=_("A table the key's scopes do not open."))},
    )
    def create(self, request, *args, **kwargs):
        asked = ExportRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            export = services.export_request(caller=request.user, tables=asked.validated_data.get("tables"),
                                             base_url=request.build_absolute_uri("/"))
        except DjangoPermissionDenied as refusal:
            raise exceptions.PermissionDenied(str(refusal)) from refusal
        data = self.get_serializer(export).data
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{export.pk}/")
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(operation_id="exports_retrieve",
                   description=f"The export's status and, once ready, its position and files. {SCOPES_NOTE}")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        operation_id="exports_file",
        description=f"One file of a ready export (gzip). {SCOPES_NOTE}",
        parameters=[
            OpenApiParameter("table", str, required=True, description=_(
                "The list, by the change feed's name (one of the export's `files`).")),
            OpenApiParameter("type", str, required=True, enum=list(services.FORMATS),
                             description=_("ndjson or csv.")),
        ],
        responses={(200, "application/octet-stream"): OpenApiResponse(
                       {"type": "string", "format": "binary"}, description=_("The gzip file (NDJSON or CSV in it).")),
                   400: OpenApiResponse(ErrorSerializer, description=_("`type` is not ndjson or csv.")),
                   403: OpenApiResponse(ErrorSerializer, description=_("The key's scopes do not open the table.")),
                   404: OpenApiResponse(ErrorSerializer, description=_("Not ready, or no such file."))},
    )
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request, pk=None):
        table, kind = request.query_params.get("table"), request.query_params.get("type")
        kinds = registry.kinds()
        if kind not in services.FORMATS:
            raise exceptions.ValidationError(
                {"type": [_("Choose one of: %(types)s.") % {"types": ", ".join(services.FORMATS)}]})
        if table not in kinds:
            raise Http404  # no such file in any export
        if not policies.can_read_table(request.user, kinds[table]):
            raise exceptions.PermissionDenied(_("This key's scopes do not open %(table)s.") % {"table": table})
        export = get_object_or_404(self.get_queryset(), pk=pk, status=BulkExport.Status.READY)
        found = export.file_for(table, kind)
        if found is None or not default_storage.exists(found["name"]):
            raise Http404
        name = f"export-{export.pk}-{table}.{services.FORMATS[kind][0]}"
        return FileResponse(default_storage.open(found["name"], "rb"), as_attachment=True, filename=name,
                            content_type="application/octet-stream")
