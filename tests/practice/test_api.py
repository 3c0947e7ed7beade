"""The library in the partner API: scope practice:read, published (and retired) assets only, adoptions of those,
keyset pagination as the other lists, both kinds in the change feed, and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.scopes import COUNCILS_READ, PRACTICE_READ
from practice.models import Adoption, Asset
from tests.api_client import keyed_client as key_client

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db, pytest.mark.serial]


def test_a_key_without_the_scope_is_refused(demo_data, make_key_text):
    client = key_client(make_key_text([COUNCILS_READ]))
    assert client.get("/api/v1/practice-assets/").status_code == 403
    assert client.get("/api/v1/practice-adoptions/").status_code == 403


def test_a_key_reads_published_assets_and_their_adoptions_never_a_draft(demo_data, make_key_text):
    client = key_client(make_key_text([PRACTICE_READ]))
    body = client.get("/api/v1/practice-assets/", {"page_size": 100}).json()
    states = {row["state"] for row in body["results"]}
    titles = {row["title"] for row in body["results"]}
    assert states <= {"published", "needs_update", "retired"}
    assert "Council tax self-service playbook" in titles
    assert "Microsoft 365 collaboration: call-off specification" not in titles  # a draft
    draft = Asset.objects.get(title="Microsoft 365 collaboration: call-off specification")
    assert client.get(f"/api/v1/practice-assets/{draft.pk}/").status_code == 404
    playbook = next(row for row in body["results"] if row["title"] == "Council tax self-service playbook")
    assert playbook["council"] == "S12000049" and playbook["licence"] == "OGL-UK-3.0"
    adoptions = client.get("/api/v1/practice-adoptions/", {"asset": playbook["id"]}).json()["results"]
    assert {(a["council"], a["state"], a["confirmed"]) for a in adoptions} >= {("S12000047", "using", True)}
    assert client.get("/api/v1/practice-adoptions/", {"asset": "x"}).status_code == 400


def test_the_lists_are_keyset_paginated(demo_data, make_key_text):
    client = key_client(make_key_text([PRACTICE_READ]))
    first = client.get("/api/v1/practice-assets/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_assets_and_adoptions_follow_in_the_change_feed(demo_data, make_key_text):
    client = key_client(make_key_text([PRACTICE_READ]))
    start = client.get("/api/v1/changes/latest/").json()["next_after"]
    playbook = Asset.objects.get(title="Council tax self-service playbook")
    playbook.summary = "Changed for the feed."
    playbook.save()
    adoption = Adoption.objects.filter(asset=playbook).first()
    adoption.reason = "Changed"
    adoption.save()
    draft = Asset.objects.get(title="Microsoft 365 collaboration: call-off specification")
    draft.summary = "A draft's change."
    draft.save()
    entries = {(e["type"], e["id"]): e for e in client.get("/api/v1/changes/", {"after": start}).json()["results"]}
    assert entries[("practice-asset", playbook.pk)]["record"]["summary"] == "Changed for the feed."
    assert entries[("practice-adoption", adoption.pk)]["operation"] == "upsert"
    assert entries[("practice-asset", draft.pk)]["record"] is None  # a draft is never served


def test_the_list_costs_the_same_queries_with_more_assets(demo_data, make_key_text):
    client = key_client(make_key_text([PRACTICE_READ]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/practice-assets/", {"page_size": 100}).status_code == 200
        return len(queries)

    count()  # the first call also warms the key's caches
    before = count()
    for n in range(10):
        Asset.objects.create(kind="code", title=f"Extra {n}", summary="x", review_by="2030-01-01", state="published")
    assert count() == before
