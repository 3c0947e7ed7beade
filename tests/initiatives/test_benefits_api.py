"""The partner API's benefits (issue 26): the register's fields in the list, the CSV, the schema and the change
feed, on the hand-computed register of tests/initiatives/benefit_world.py."""

import datetime
from decimal import Decimal

import pytest

from initiatives import benefit_services
from tests.api_client import body_of
from tests.initiatives.benefit_world import (
    FIFE,
    GLASGOW,
    benefit_world_fixture,  # noqa: F401  (the fixture `benefit_world`)
)

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db, pytest.mark.serial]


@pytest.fixture
def partner(benefit_world, make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    return key_client(text)


def rows_by_title(partner, query=""):
    response = partner.get(f"/api/v1/benefits/{query}")
    assert response.status_code == 200, response.content
    return {row["title"]: row for row in response.json()["results"]}


def test_the_benefits_list_carries_the_register_fields(benefit_world, partner):
    rows = rows_by_title(partner, "?initiative=DO-B001")
    shared = rows["Contact centre savings"]
    assert shared["category"] == "cash_releasing" and shared["is_cashable"] is True
    assert shared["target_value"] == "1000.00" and shared["potential_all_councils"] == "32000.00"
    assert shared["targets"] == [{"financial_year": "2025/26", "value": "400.00"},
                                 {"financial_year": "2026/27", "value": "600.00"}]
    assert shared["shares"] == [{"council": GLASGOW, "percent": "60.00"}, {"council": FIFE, "percent": "40.00"}]
    assert shared["realised_value"] == "500.00"
    assert [(r["recorded_on"], r["value"], r["grade"], r["council"], r["confirmed"]) for r in shared["realisations"]] \
        == [("2025-06-01", "200.00", "estimated", GLASGOW, False), ("2026-05-01", "300.00", "evidenced", FIFE, False)]
    assert shared["status"] == "tracking" and shared["confirmed_by_council"] is False
    assert rows["Double running"]["category"] == "dis_benefit"
    # a council's benefits: those it keeps and those it holds a share of
    assert set(rows_by_title(partner, f"?council={FIFE}")) == {"Contact centre savings"}
    assert set(rows_by_title(partner, "?category=dis_benefit")) == {"Double running"}
    assert set(rows_by_title(partner, "?grade=audited")) == {"Fewer missed bins"}
    assert set(rows_by_title(partner, "?financial_year=2025/26")) == {"Contact centre savings", "Double running"}
    audited = rows_by_title(partner, "?initiative=DO-B002")["Fewer missed bins"]
    assert audited["realisations"][0]["grade"] == "audited" and audited["confirmed_by_council"] is True
    csv = body_of(partner.get("/api/v1/benefits/?format=csv&initiative=DO-B001")).decode()
    assert "category" in csv.splitlines()[0] and "cash_releasing" in csv


def test_the_schema_describes_the_new_fields(benefit_world, client):
    schema = client.get("/api/v1/schema/?format=json").json()
    properties = schema["components"]["schemas"]["Benefit"]["properties"]
    for name in ("category", "targets", "shares", "realisations", "potential_all_councils", "status",
                 "responsible_officer", "baseline_date", "fully_realised_by"):
        assert name in properties, name
    assert properties["is_cashable"].get("deprecated") is True


def test_a_realisation_re_sends_its_benefit_in_the_feed(benefit_world, partner):
    start = partner.get("/api/v1/changes/latest/").json()["next_after"]
    w = benefit_world
    benefit_services.realisation_record(user=w["people"]["glasgow"], benefit=w["g"], council=w["glasgow"],
                                        recorded_on=datetime.date(2026, 6, 1), value=Decimal("25"))
    entries = partner.get("/api/v1/changes/", {"after": start}).json()["results"]
    sent = [e for e in entries if e["type"] == "benefit" and e["id"] == w["g"].pk]
    assert sent, entries
    record = sent[-1]["record"]
    assert record["realised_value"] == "125.00"
    assert [r["grade"] for r in record["realisations"]] == ["audited", "estimated"]
