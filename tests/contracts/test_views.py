"""The register's pages as each role meets them (hand-made requests): a council's contracts are its own and the
office's (another council's: 404 to read, 403 to write when seen), the radar is the office's, the sector view
shows counts without values, the import names each problem by row and column, the export has the import's columns."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from contracts.models import Contract
from contracts.services import IMPORT_COLUMNS

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"


@pytest.fixture
def glasgow_crm(demo_data):
    return Contract.objects.get(reference="GCC-ICT-0141")


@pytest.mark.parametrize("email, read, write", [
    (CDO, 200, 200), (GLASGOW_EDITOR, 200, 200), (GLASGOW_VIEWER, 200, 403), (FIFE_EDITOR, 404, 404),
    (PARTNER, 404, 404),
])
def test_a_councils_contract_is_read_and_written_by_that_council_and_the_office_only(
        client, login_as, glasgow_crm, email, read, write):
    login_as(email)
    assert client.get(reverse("contracts:detail", args=[glasgow_crm.pk])).status_code == read
    assert client.get(reverse("contracts:edit", args=[glasgow_crm.pk])).status_code == write
    response = client.post(reverse("contracts:decide", args=[glasgow_crm.pk]),
                           {"decision": "exit", "decided_on": "2027-01-01"})
    assert response.status_code == (302 if write == 200 else write)
    glasgow_crm.refresh_from_db()
    assert (glasgow_crm.decision == "exit") == (write == 200)


def test_the_list_shows_only_what_the_person_may_read(client, login_as, demo_data):
    login_as(FIFE_EDITOR)
    page = client.get(reverse("contracts:list")).content.decode()
    assert "FC-DIG-2207" in page and "GCC-ICT-0141" not in page and "CEC-ERP-0099" not in page
    login_as(GLASGOW_VIEWER)
    page = client.get(reverse("contracts:list")).content.decode()
    assert "GCC-ICT-0141" in page and "SHARED-TEL-01" in page  # the office's call-off Glasgow uses
    assert "FC-DIG-2207" not in page


def test_the_radar_is_the_offices(client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    assert client.get(reverse("contracts:radar")).status_code == 403
    assert client.post(reverse("contracts:draft"), {"keys": "1-1,2-2"}).status_code == 403
    login_as(CDO)
    response = client.get(reverse("contracts:radar"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Customer Relationship Management software package: 3 councils" in page
    assert "Draft an initiative for Customer Relationship Management software package" in page
    filtered = client.get(reverse("contracts:radar"), {"supplier": "Demo Ledger"}).content.decode()
    assert "CEC-ERP-0099" in filtered and "GCC-ICT-0141" not in filtered


def test_the_radar_exports_its_expiries(client, login_as, demo_data):
    login_as(CDO)
    response = client.get(reverse("contracts:radar"), {"export": "csv", "category": "48445000-9"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Council", "GSS code", "Reference"]
    assert sorted(row[0] for row in rows[1:]) == ["Fife", "Glasgow City", "Highland"]
    xlsx = client.get(reverse("contracts:radar"), {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_drafting_from_the_radar_button(client, login_as, demo_data):
    login_as(CDO)
    page = client.get(reverse("contracts:radar"), {"category": "48445000-9"}).content.decode()
    keys = page.split('name="keys" value="')[1].split('"')[0]
    response = client.post(reverse("contracts:draft"), {"keys": keys})
    assert response.status_code == 302 and "/initiatives/DO-" in response["Location"]
    detail = client.get(response["Location"]).content.decode()
    assert "GCC-ICT-0141" in detail and "Fife" in detail and "Highland" in detail


def test_the_sector_view_counts_councils_without_values(client, login_as, demo_data):
    login_as(FIFE_EDITOR)
    page = client.get(reverse("contracts:sector")).content.decode()
    assert "Demo CRM Systems Ltd" in page and "Demo Telecoms plc" in page
    assert "1,450,000" not in page and "Glasgow City" not in page


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in IMPORT_COLUMNS])
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def _row(**cells):
    keys = [c.key for c in IMPORT_COLUMNS]
    base = {"council": "S12000047", "reference": "FC-NEW-1", "title": "Web platform", "supplier_name": "Acme Ltd",
            "cpv_code": "48000000-8", "value": "25000", "start_date": "2025-04-01", "initial_end_date": "2028-03-31"}
    base.update(cells)
    return [base.get(key, "") for key in keys]


def test_an_import_with_problems_names_each_row_and_column_and_saves_nothing(client, login_as, demo_data):
    login_as(FIFE_EDITOR)
    content = _csv([
        _row(),
        _row(reference="FC-NEW-2", cpv_code="99999999", value="lots"),
        _row(reference="FC-NEW-3", council="Glasgow City", initial_end_date="2020-01-01"),
    ])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("contracts:import"), {"file": SimpleUploadedFile("register.csv", content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Row 3, CPV code" in page and "Row 3, Value (£)" in page
    assert "Row 4, Council: you may only import contracts of your own council." in page
    assert not Contract.objects.filter(reference__startswith="FC-NEW").exists()


def test_an_import_previews_then_applies_all_rows_and_the_export_reads_back(client, login_as, demo_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login_as(FIFE_EDITOR)
    content = _csv([_row(), _row(reference="FC-DIG-2207", council="", title="Customer service CRM and web forms",
                                 supplier_name="Demo CRM Systems Ltd", cpv_code="48445000", value="700000")])
    response = client.post(reverse("contracts:import"), {"file": SimpleUploadedFile("register.csv", content)})
    assert response.status_code == 302
    preview = client.get(reverse("contracts:import_preview"))
    page = preview.content.decode()
    assert 'data-action="create"' in page and 'data-action="update"' in page
    assert not Contract.objects.filter(reference="FC-NEW-1").exists()
    token = page.split('name="token" value="')[1].split('"')[0]
    plan = page.split('name="plan" value="')[1].split('"')[0]
    assert client.post(reverse("contracts:import_preview"), {"token": token, "plan": plan}).status_code == 302
    assert Contract.objects.get(reference="FC-NEW-1").council.name == "Fife"
    assert Contract.objects.get(reference="FC-DIG-2207").value == 700000
    export = client.get(reverse("contracts:list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [str(c.label) for c in IMPORT_COLUMNS]
    template = client.get(reverse("contracts:import_template"), {"export": "csv"})
    assert b"".join(template.streaming_content).decode("utf-8-sig").splitlines()[0].split(",")[:2] == [
        "Council", "Reference"]


def test_a_viewer_may_not_import_or_record(client, login_as, demo_data):
    login_as(GLASGOW_VIEWER)
    assert client.get(reverse("contracts:import")).status_code == 403
    assert client.get(reverse("contracts:create")).status_code == 403


def test_the_radar_costs_the_same_queries_whatever_the_number_of_contracts(client, login_as, demo_data,
                                                                         django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_as(CDO)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("contracts:radar"))
    glasgow = Contract.objects.get(reference="GCC-ICT-0141")
    for n in range(30):
        Contract.objects.create(council_id=glasgow.council_id, reference=f"MORE-{n}", title="More",
                                supplier_name="Extra Ltd", cpv_code="72250000-2", value=1,
                                start_date=datetime.date(2024, 1, 1),
                                initial_end_date=datetime.date.today() + datetime.timedelta(days=40 + n * 9))
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("contracts:radar"))
    assert "MORE-29" in page.content.decode()
    assert len(after) == len(before)
    with CaptureQueriesContext(connection) as listed:
        client.get(reverse("contracts:list"))
    assert len(listed) <= len(before) + 2
