"""Bulk exports through the API: what each key gets (the tables its scopes open, contracts only with
contracts:read), the files are the lists' own records and CSV, and the snapshot is one: a change committed
while the export runs is in none of its files, and comes from the feed after the export's position."""

import csv
import gzip
import io
import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from bulk_export import services as export_services
from bulk_export.models import BulkExport
from core import services as core_services
from core.policies import SYSTEM
from core.scopes import CONTRACTS_READ, SCOPES
from councils.models import Council, PartnerOrganisation
from initiatives.models import Milestone
from tests.api_client import body_of

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db, pytest.mark.serial]


def key_client(scopes, partner="scottish-government"):
    organisation = PartnerOrganisation.objects.get(slug=partner)
    _key, text = core_services.key_create(user=SYSTEM, partner=organisation, name="Warehouse", scopes=list(scopes),
                                          rate_limit="1000000/min")
    return Client(HTTP_AUTHORIZATION=f"Api-Key {text}")


def exported(client, capture, body=None):
    with capture(execute=True):
        response = client.post("/api/v1/exports/", body or {}, content_type="application/json")
    assert response.status_code == 202, response.content
    assert response["Location"].endswith(f"/api/v1/exports/{response.json()['id']}/")
    status = client.get(response["Location"])
    assert status.status_code == 200
    return status.json()


def download(client, file):
    response = client.get(file["url"])
    assert response.status_code == 200, response.content
    return gzip.decompress(body_of(response))


def list_walk(client, kind):
    rows, url, params = [], f"/api/v1/{ {'measure-reading': 'measure-readings'}.get(kind, kind + 's')}/", {
        "page_size": 500}
    while url:
        data = client.get(url, params).json()
        rows += data["results"]
        url, params = data["next"], {}
    return rows


def test_an_export_has_each_list_the_key_opens_as_the_list_serves_it(demo_data, django_capture_on_commit_callbacks):
    client = key_client([s for s in SCOPES if s != CONTRACTS_READ])
    export = exported(client, django_capture_on_commit_callbacks)
    assert export["status"] == "ready" and export["position"]
    tables = {file["table"] for file in export["files"]}
    assert "contract" not in tables and {"initiative", "contribution", "council", "measure-reading"} <= tables
    for file in export["files"]:
        if file["format"] != "ndjson" or file["table"] == "report":
            continue
        records = [json.loads(line) for line in download(client, file).splitlines()]
        assert len(records) == file["rows"]
        assert sorted(records, key=lambda r: r["id"]) == sorted(list_walk(client, file["table"]),
                                                               key=lambda r: r["id"]), file["table"]
    csv_file = next(f for f in export["files"] if f["table"] == "initiative" and f["format"] == "csv")
    exported_csv = download(client, csv_file).decode()
    listed_csv = body_of(client.get("/api/v1/initiatives/csv/")).decode()
    assert exported_csv.splitlines()[0] == listed_csv.splitlines()[0]
    assert sorted(exported_csv.splitlines()[1:]) == sorted(listed_csv.splitlines()[1:])
    assert len(list(csv.reader(io.StringIO(exported_csv)))) == csv_file["rows"] + 1


def test_each_table_needs_its_scope(demo_data, django_capture_on_commit_callbacks):
    reader = key_client(["initiatives:read"])
    export = exported(reader, django_capture_on_commit_callbacks)
    assert {file["table"] for file in export["files"]} == {"initiative", "milestone", "update", "risk", "benefit"}
    refused = reader.post("/api/v1/exports/", {"tables": ["contract"]}, content_type="application/json")
    assert refused.status_code == 403 and "contract" in refused.json()["error"]["message"]
    unknown = reader.post("/api/v1/exports/", {"tables": ["nonsense"]}, content_type="application/json")
    assert unknown.status_code == 400
    # contracts only with contracts:read
    everything = key_client(SCOPES)
    full = exported(everything, django_capture_on_commit_callbacks)
    assert "contract" in {file["table"] for file in full["files"]}
    contract_url = next(file["url"] for file in full["files"] if file["table"] == "contract")
    # another key of the same organisation sees the export, not the files its scopes do not open
    seen = reader.get(f"/api/v1/exports/{full['id']}/").json()
    assert {file["table"] for file in seen["files"]} == {"initiative", "milestone", "update", "risk", "benefit"}
    assert reader.get(contract_url).status_code == 403
    assert everything.get(contract_url).status_code == 200
    assert reader.get(f"/api/v1/exports/{full['id']}/file/", {"table": "initiative", "type": "xml"}).status_code == 400
    assert reader.get(f"/api/v1/exports/{full['id']}/file/", {"table": "nonsense", "type": "csv"}).status_code == 404
    # another organisation's key finds nothing
    cosla = key_client(SCOPES, partner="cosla")
    assert cosla.get(f"/api/v1/exports/{full['id']}/").status_code == 404
    assert cosla.get(contract_url).status_code == 404
    # a revoked key's queued export fails, saying why
    queued = BulkExport.objects.create(partner=PartnerOrganisation.objects.get(slug="scottish-government"),
                                       api_key=None, tables=["council"], base_url="http://testserver/")
    export_services.export_make(export_id=queued.pk)
    queued.refresh_from_db()
    assert queued.status == "failed" and "revoked" in queued.error


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="REPEATABLE READ snapshot")
def test_a_change_committed_during_the_export_is_in_no_file_and_comes_from_the_feed(
        transactional_db, reference_data, monkeypatch):
    from tests.conftest import committed_demo_data

    committed_demo_data()
    client = key_client(SCOPES)
    milestone = Milestone.objects.order_by("pk").first()
    council = Council.objects.get(gss_code="S12000049")
    written = export_services._table_files
    done = []

    def table_files_then_a_change(export, table, viewset, request):
        files = written(export, table, viewset, request)
        if not done:  # after the first table, another process commits a change to it and to a later one
            def change():
                try:
                    Milestone.objects.filter(pk=milestone.pk).update(title="Changed during the export")
                    renamed = Council.objects.get(pk=council.pk)
                    renamed.name = "Glasgow (renamed during the export)"
                    renamed.save()
                    Milestone.objects.get(pk=milestone.pk).save()  # the feed hears of the milestone too
                finally:
                    connections.close_all()
            thread = threading.Thread(target=change)
            thread.start()
            thread.join()
            done.append(table)
        return files

    monkeypatch.setattr(export_services, "_table_files", table_files_then_a_change)
    response = client.post("/api/v1/exports/", {}, content_type="application/json")
    assert response.status_code == 202
    export = client.get(response["Location"]).json()
    assert export["status"] == "ready" and done == ["council"]
    files = {(f["table"], f["format"]): f for f in export["files"]}
    councils = [json.loads(line) for line in download(client, files[("council", "ndjson")]).splitlines()]
    milestones = {r["id"]: r for r in map(json.loads, download(client, files[("milestone", "ndjson")]).splitlines())}
    assert "Glasgow City" in {c["name"] for c in councils}
    assert milestones[milestone.pk]["title"] == milestone.title  # the snapshot's, not the change made meanwhile
    feed = client.get("/api/v1/changes/", {"after": export["position"], "page_size": 1000}).json()
    changed = {(e["type"], e["id"]): e["record"] for e in feed["results"]}
    assert changed[("milestone", milestone.pk)]["title"] == "Changed during the export"
    assert changed[("council", council.pk)]["name"] == "Glasgow (renamed during the export)"
