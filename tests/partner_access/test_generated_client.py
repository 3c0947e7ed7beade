"""A partner's data engineer generates a client from the schema (openapi-python-client) and syncs with it: a JSON
list walked page by page by the client itself, a CSV list, a report file and the change feed all work, against the
live test server."""

import csv
import importlib
import inspect
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile

from core import services as core_services
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import Council, PartnerOrganisation
from initiatives.models import Report
from tests.conftest import committed_demo_data

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]
PACKAGE = "digital_office_partner_client"


@pytest.fixture
def generated_client(live_server, reference_data, tmp_path):
    committed_demo_data()
    schema = requests.get(f"{live_server.url}/api/v1/schema/", params={"format": "json"}, timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    tool = Path(sys.executable).with_name("openapi-python-client")
    environment = {**os.environ, "PATH": f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(tool), "generate", "--path", "schema.json", "--output-path", PACKAGE, "--meta", "none"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_reads_json_csv_files_and_the_feed(generated_client, live_server):
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    _key, text = core_services.key_create(user=SYSTEM, partner=partner, name="Warehouse", scopes=list(SCOPES))
    client = generated_client.AuthenticatedClient(base_url=live_server.url, token=text, prefix="Api-Key")
    initiatives_list = importlib.import_module(f"{PACKAGE}.api.initiatives.initiatives_list")
    initiatives_csv = importlib.import_module(f"{PACKAGE}.api.initiatives.initiatives_csv_retrieve")
    report_file = importlib.import_module(f"{PACKAGE}.api.reports.reports_file_retrieve")
    changes_list = importlib.import_module(f"{PACKAGE}.api.changes.changes_list")
    changes_latest = importlib.import_module(f"{PACKAGE}.api.changes.changes_latest")
    stage = importlib.import_module(f"{PACKAGE}.models.initiatives_list_stage_item")
    csv_ordering = importlib.import_module(f"{PACKAGE}.models.initiatives_csv_retrieve_ordering")

    start = changes_latest.sync(client=client).next_after

    page = initiatives_list.sync(client=client, page_size=5, stage=[stage.InitiativesListStageItem.ALPHA,
                                                                     stage.InitiativesListStageItem.BETA])
    assert page.results and {row.stage.value for row in page.results} <= {"alpha", "beta"}
    assert page.results[0].updated_at.tzinfo is not None

    text_csv = initiatives_csv.sync(client=client, ordering=csv_ordering.InitiativesCsvRetrieveOrdering.REFERENCE)
    rows = list(csv.DictReader(io.StringIO(text_csv)))
    assert rows and rows[0]["reference"] == min(row["reference"] for row in rows)
    # A list operation answers JSON only (its CSV is the operation above): no `format_` to make it fail to parse
    assert "format_" not in inspect.signature(initiatives_list.sync).parameters

    # The client follows the pages by itself: each page names the next one's cursor (null on the last)
    walked, cursor, pages = [], None, 0
    while True:
        page = initiatives_list.sync(client=client, page_size=7, **({"cursor": cursor} if cursor else {}))
        walked += page.results
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages > 1
    assert sorted(row.reference for row in walked) == sorted(row["reference"] for row in rows)

    report = Report.objects.create(kind=Report.Kind.PORTFOLIO, status=Report.Status.READY)
    report.file.save("portfolio.pdf", ContentFile(b"%PDF-1.4\n% generated client\n"), save=True)
    downloaded = report_file.sync(client=client, id=report.pk)
    assert downloaded.payload.read() == b"%PDF-1.4\n% generated client\n"

    council = Council.objects.get(gss_code="S12000049")
    council.short_name = "Glasgow (client test)"
    council.save()
    feed = changes_list.sync(client=client, after=start)
    entries = {(entry.type_, entry.id): entry for entry in feed.results}
    assert entries[("council", council.pk)].operation.value == "upsert"
    assert entries[("council", council.pk)].record["short_name"] == "Glasgow (client test)"
    assert ("report", report.pk) in entries
    assert feed.has_more is False and feed.next_after
