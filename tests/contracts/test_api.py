"""The contracts API: scope contracts:read, which no default grants; the change feed serves contracts only to keys
that have it; council staff in the browser read their own council's only; pages cost a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from core.models import PartnerAPIKey
from core.policies import scopes_of
from core.scopes import CONTRACTS_READ, READ_SCOPES
from tests.api_client import keyed_client as key_client

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db, pytest.mark.serial]


def test_no_default_has_contracts_read(demo_data):
    assert CONTRACTS_READ not in READ_SCOPES
    assert not [key for key in PartnerAPIKey.objects.all() if CONTRACTS_READ in key.scopes]


def test_a_key_without_the_scope_is_refused_and_sees_no_contract_in_the_feed(demo_data, make_key_text):
    client = key_client(make_key_text(READ_SCOPES))
    assert client.get("/api/v1/contracts/").status_code == 403
    contract = Contract.objects.first()
    assert client.get(f"/api/v1/contracts/{contract.pk}/").status_code == 403
    contract.title = "Changed for the feed"
    contract.save()
    feed = client.get("/api/v1/changes/", {"page_size": 1000})
    assert feed.status_code == 200
    types = set()
    while True:
        body = feed.json()
        types |= {entry["type"] for entry in body["results"]}
        if not body["has_more"]:
            break
        feed = client.get(body["next"])
    assert "contract" not in types and "council" in types


def test_a_key_with_the_scope_reads_contracts_and_follows_them_in_the_feed(demo_data, make_key_text):
    client = key_client(make_key_text([CONTRACTS_READ]))
    start = client.get("/api/v1/changes/latest/").json()["next_after"]
    listed = client.get("/api/v1/contracts/", {"page_size": 5})
    assert listed.status_code == 200
    first = listed.json()["results"][0]
    assert {"reference", "supplier_name", "cpv_code", "category_name", "current_end_date", "uses"} <= set(first)
    assert listed.json()["next"]
    shared = Contract.objects.get(reference="SHARED-TEL-01")
    detail = client.get(f"/api/v1/contracts/{shared.pk}/").json()
    assert detail["council"] is None and len(detail["uses"]) == 3
    shared.title = "Renamed call-off"
    shared.save()
    feed = client.get("/api/v1/changes/", {"after": start}).json()
    records = {(e["type"], e["id"]): e["record"] for e in feed["results"]}
    assert records[("contract", shared.pk)]["title"] == "Renamed call-off"
    assert {kind for kind, _id in records} == {"contract"}
    assert client.get("/api/v1/contracts/", {"category": "not-a-code"}).status_code == 400


def test_council_staff_read_their_own_councils_contracts_in_the_api(client, login_as, demo_data):
    login_as("viewer@glasgow.demo.digitaloffice.scot")
    references = {row["reference"] for row in client.get("/api/v1/contracts/", {"page_size": 100}).json()["results"]}
    assert references == {"GCC-ICT-0141", "SHARED-TEL-01"}
    fife = Contract.objects.get(reference="FC-DIG-2207")
    assert client.get(f"/api/v1/contracts/{fife.pk}/").status_code == 404
    login_as("partner@scottish-government.demo.digitaloffice.scot")
    assert client.get("/api/v1/contracts/").status_code == 403


def test_partner_users_do_not_get_the_scope_by_role(demo_data):
    from core.models import User

    partner = User.objects.get(email="partner@scottish-government.demo.digitaloffice.scot")
    assert CONTRACTS_READ not in scopes_of(partner)


def test_the_list_costs_the_same_queries_whatever_the_number_of_contracts(demo_data, make_key_text):
    client = key_client(make_key_text([CONTRACTS_READ]))
    client.get("/api/v1/contracts/", {"page_size": 100})  # the key's first use is recorded once
    with CaptureQueriesContext(connection) as before:
        assert client.get("/api/v1/contracts/", {"page_size": 100}).status_code == 200
    glasgow = Contract.objects.get(reference="GCC-ICT-0141")
    for n in range(25):
        Contract.objects.create(council_id=glasgow.council_id, reference=f"API-{n}", title="More",
                                supplier_name="Extra Ltd", cpv_code="72250000-2", value=1,
                                start_date=datetime.date(2024, 1, 1), initial_end_date=datetime.date(2029, 1, 1))
    with CaptureQueriesContext(connection) as after:
        assert len(client.get("/api/v1/contracts/", {"page_size": 100}).json()["results"]) == 34
    assert len(after) == len(before)
