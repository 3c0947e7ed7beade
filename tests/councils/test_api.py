"""The councils' part of the partner API: contributions behind their own scope, councils found by old GSS codes."""

import pytest

from core.scopes import SCOPES
from councils.models import Contribution
from tests.api_client import all_pages

pytestmark = pytest.mark.django_db


def test_contributions_need_funding_read(demo_data, make_key, key_client):
    contribution = Contribution.objects.first()
    _without, without = make_key([s for s in SCOPES if s != "funding:read"])
    assert key_client(without).get("/api/v1/contributions/").status_code == 403
    assert key_client(without).get(f"/api/v1/contributions/{contribution.pk}/").status_code == 403
    assert key_client(without).get("/api/v1/contributions/", {"format": "csv"}).status_code == 403
    _with, with_scope = make_key(["funding:read"])
    rows, _token = all_pages(key_client(with_scope), "/api/v1/contributions/", page_size=500)
    assert len(rows) == Contribution.objects.count()
    row = next(r for r in rows if r["id"] == contribution.pk)
    assert row["amount_due"] == f"{contribution.amount_due:.2f}"
    assert row["status"] in dict(Contribution.Status.choices)


def test_councils_resolve_old_gss_codes(make_key, key_client):
    _key, text = make_key(["councils:read"])
    response = key_client(text).get("/api/v1/councils/S12000046/")
    assert response.status_code == 200 and response.json()["gss_code"] == "S12000049"
