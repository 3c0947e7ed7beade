"""Bulk exports (docs/api.md, "Bulk export"): asked for through the API, made by a Celery job.

The job takes the change feed's position, then reads every table in one REPEATABLE READ, READ ONLY transaction
(one snapshot of the whole database, so the files agree with each other and with that position), and writes,
per table, the rows exactly as its list serves them to the key that asked (the same viewset, visibility and
fields as the list and the feed): one gzip NDJSON file and one gzip CSV file, through Django's storage API
(core/storage.py). A read-only transaction takes no transaction id, so it does not hold the feed's horizon
(core.selectors.feed_horizon) however long it reads.

A warehouse loads the files, then follows the feed from the export's position: every change the snapshot
missed is after it (some it had may come again, which an upsert absorbs).
"""

import csv
import datetime
import gzip
import hashlib
import json
import logging
import tempfile
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from core.api.authentication import KeyPrincipal
from core.api.changes import token_of
from core.api.renderers import cell, columns_of, flatten
from core.jobs import TRANSIENT_ERRORS, enqueue_after_commit
from core.models import PartnerAPIKey
from core.policies import api_key_of
from core.selectors import change_head

from . import policies, registry
from .models import BulkExport

FORMATS = {"ndjson": ("ndjson.gz", "application/x-ndjson"), "csv": ("csv.gz", "text/csv")}
CHUNK = 1000
STALE_AFTER = datetime.timedelta(hours=2)  # a job still "running" after this died: a redelivery runs it again
TASK = "bulk_export.tasks.make_bulk_export"
logger = logging.getLogger(__name__)


def tables_for(caller) -> list[str]:
    """The lists this caller's scopes open, in the API's order."""
    return [kind for kind, viewset in registry.kinds().items() if policies.can_read_table(caller, viewset)]


def export_request(*, caller, tables=None, base_url: str) -> BulkExport:
    """Queue a bulk export of `tables` (default: every list the caller's scopes open) for the caller's key."""
    if not policies.can_request_export(caller):
        raise PermissionDenied(_("Bulk exports are made for partner API keys with a read scope."))
    readable = tables_for(caller)
    if tables is None:
        tables = readable
    refused = [table for table in tables if table not in readable]
    if refused:
        raise PermissionDenied(_("This key's scopes do not open: %(tables)s.") % {"tables": ", ".join(refused)})
    key = api_key_of(caller)
    with transaction.atomic():
        export = BulkExport.objects.create(partner_id=key.partner_id, api_key=key, base_url=base_url,
                                           tables=[t for t in readable if t in tables])
        enqueue_after_commit(TASK, export.pk)
    return export


def _claim(export_id) -> BulkExport | None:
    with transaction.atomic():
        export = BulkExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status in (BulkExport.Status.READY, BulkExport.Status.FAILED):
            return None
        if export.status == BulkExport.Status.RUNNING and export.started_at > timezone.now() - STALE_AFTER:
            return None  # another delivery of the job is making it
        export.status, export.started_at = BulkExport.Status.RUNNING, timezone.now()
        export.save(update_fields=["status", "started_at"])
        return export


def export_make(*, export_id: int) -> BulkExport | None:
    """Make the export's files (idempotent: a ready or failed export is left as it is)."""
    export = _claim(export_id)
    if export is None:
        return None
    key = PartnerAPIKey.objects.select_related("partner").filter(pk=export.api_key_id).first()
    if key is None or not key.is_usable:
        return _fail(export, _("The key that asked for the export was revoked or has expired."))
    try:
        position, files = _snapshot_files(export, KeyPrincipal(key))
    except TRANSIENT_ERRORS:
        BulkExport.objects.filter(pk=export.pk).update(status=BulkExport.Status.QUEUED)  # the retry makes it
        raise
    except Exception as exc:
        logger.exception("Bulk export %s failed", export.pk)
        return _fail(export, f"{exc.__class__.__name__}: {exc}")
    with transaction.atomic():
        export.status, export.position, export.files = BulkExport.Status.READY, position, files
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "position", "files", "finished_at"])
    return export


def _fail(export, reason):
    export.status, export.error, export.finished_at = BulkExport.Status.FAILED, reason[:500], timezone.now()
    export.save(update_fields=["status", "error", "finished_at"])
    return export


def _snapshot_files(export, principal) -> tuple[str, list[dict]]:
    """The feed's position, then every table read in one snapshot; (position token, files)."""
    position = token_of(change_head())  # before the snapshot: whatever it misses is after this position
    request = _request_for(export.base_url, principal)
    kinds = registry.kinds()
    files = []
    outermost = not connection.in_atomic_block  # inside a transaction (a test's) its snapshot is the one read
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table in export.tables:
            files += _table_files(export, table, kinds[table], request)
    return position, files


class _ExportRequest(HttpRequest):
    def __init__(self, base_url):
        super().__init__()
        parts = urlsplit(base_url)
        self._scheme = parts.scheme or "http"
        self.META = {"HTTP_HOST": parts.netloc, "SERVER_NAME": parts.hostname or "localhost",
                     "SERVER_PORT": str(parts.port or (443 if self._scheme == "https" else 80))}
        self.method, self.path = "GET", "/api/v1/exports/"

    def _get_scheme(self):
        return self._scheme


def _request_for(base_url, principal) -> Request:
    request = Request(_ExportRequest(base_url))
    request.user, request.auth = principal, principal.api_key
    return request


def _table_files(export, table, viewset, request) -> list[dict]:
    view = viewset()
    view.request, view.format_kwarg, view.action, view.args, view.kwargs = request, None, "list", (), {}
    queryset = view.rows_queryset(view.get_queryset()).order_by("pk")
    columns = columns_of(view.get_serializer())
    writer = csv.writer(_Echo())
    rows = 0
    with tempfile.TemporaryFile() as ndjson_raw, tempfile.TemporaryFile() as csv_raw:
        with gzip.GzipFile(fileobj=ndjson_raw, mode="wb", mtime=0) as ndjson, \
                gzip.GzipFile(fileobj=csv_raw, mode="wb", mtime=0) as csv_out:
            csv_out.write(writer.writerow(columns).encode())
            for chunk in _chunks(queryset.iterator(chunk_size=CHUNK)):
                records = view.rows_of(chunk)
                rows += len(records)
                ndjson.write("".join(json.dumps(record, cls=JSONEncoder, ensure_ascii=False,
                                                separators=(",", ":")) + "\n" for record in records).encode())
                csv_out.write("".join(writer.writerow([cell(flat.get(column)) for column in columns])
                                      for flat in map(flatten, records)).encode())
        return [_store(export, table, "ndjson", ndjson_raw, rows), _store(export, table, "csv", csv_raw, rows)]


def _store(export, table, fmt, raw, rows) -> dict:
    raw.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: raw.read(1 << 20), b""):
        digest.update(block)
    size = raw.tell()
    raw.seek(0)
    name = default_storage.save(f"bulk-exports/{export.pk}/{table}.{FORMATS[fmt][0]}", File(raw))
    return {"table": table, "format": fmt, "name": name, "rows": rows, "bytes": size, "sha256": digest.hexdigest()}


def _chunks(items):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Echo:
    def write(self, value):
        return value
