"""What the API says about a bulk export."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import UTCDateTimeField

from .. import policies, registry
from ..models import BulkExport
from ..services import FORMATS


class ExportRequestSerializer(serializers.Serializer):
    tables = serializers.ListField(
        child=serializers.ChoiceField(choices=[]), required=False, allow_empty=False, min_length=1, help_text=_(
            "The lists to export, by the change feed's names (initiative, milestone, council, ...). Leave it out "
            "for every list the key's scopes open; a list they do not open is refused (403)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tables"].child.choices = list(registry.kinds())  # the feed's lists, once the urls gave them

    def validate_tables(self, value):
        return list(dict.fromkeys(value))


class ExportFileSerializer(serializers.Serializer):
    table = serializers.CharField(help_text=_("The list, by the change feed's name."))
    format = serializers.ChoiceField(choices=list(FORMATS), help_text=_(
        "ndjson: one JSON record a line, exactly as the list serves it. csv: the list's CSV columns. Both gzip."))
    rows = serializers.IntegerField()
    bytes = serializers.IntegerField(help_text=_("The compressed file's size."))
    sha256 = serializers.CharField(help_text=_("The SHA-256 of the compressed file, in hex."))
    url = serializers.URLField(help_text=_("Download it with the same key (GET)."))


class BulkExportSerializer(serializers.ModelSerializer):
    position = serializers.CharField(help_text=_(
        "The change feed position the files are consistent with (empty until ready): load the files, then read "
        "/api/v1/changes/?after=POSITION, and on, as after a copy from the lists."))
    files = serializers.SerializerMethodField()
    requested_at = UTCDateTimeField()
    started_at = UTCDateTimeField(allow_null=True)
    finished_at = UTCDateTimeField(allow_null=True)

    class Meta:
        model = BulkExport
        fields = ["id", "status", "tables", "position", "files", "error", "requested_at", "started_at",
                  "finished_at"]

    @extend_schema_field(ExportFileSerializer(many=True))
    def get_files(self, export):
        request = self.context["request"]
        kinds = registry.kinds()
        files = []
        for item in export.files:
            viewset = kinds.get(item["table"])
            if viewset is None or not policies.can_read_table(request.user, viewset):
                continue  # another key of the organisation asked for it: its scopes, not this key's
            path = reverse("api:export-file", kwargs={"pk": export.pk})
            query = urlencode({"table": item["table"], "type": item["format"]})
            files.append({**{name: item[name] for name in ("table", "format", "rows", "bytes", "sha256")},
                          "url": request.build_absolute_uri(f"{path}?{query}")})
        return files
