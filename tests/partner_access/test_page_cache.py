"""List pages computed once per change (core.api.views.ApiReadOnlyViewSet.cache_pages): the second read of a page
is served from the cache with the same body and ETag and without the page's queries; any write is seen at the next
read; a cached first page's `next` walks on from a walk that starts at that read; keys share pages only when their
scopes are the same."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.scopes import SCOPES
from initiatives.models import Initiative, Risk

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/"


@pytest.fixture
def partner(demo_data, make_key, key_client):
    _key, text = make_key(SCOPES, rate_limit="1000000/min")
    return key_client(text)


def read(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    page_queries = [q for q in captured if "initiatives_initiative" in q["sql"]]
    return response, page_queries


def test_a_second_read_is_served_from_the_cache_with_the_same_body_and_etag(partner):
    first, computed = read(partner, LIST, page_size=5)
    second, cached = read(partner, LIST, page_size=5)
    assert computed and not cached
    assert first.json()["results"] == second.json()["results"] and len(second.json()["results"]) == 5
    assert first["ETag"] == second["ETag"]
    assert partner.get(LIST, {"page_size": 5}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Indented JSON asked for: the cached rows rendered again, the same data.
    indented = partner.get(LIST, {"page_size": 5}, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b"{\n") and indented.json()["results"] == first.json()["results"]


def test_every_write_is_seen_at_the_next_read(partner):
    first, _ = read(partner, LIST, page_size=500, ordering="reference")
    initiative = Initiative.objects.order_by("reference").first()
    initiative.title = "Renamed after the first read"
    initiative.save()
    renamed = partner.get(LIST, {"page_size": 500, "ordering": "reference"}).json()["results"][0]
    assert renamed["title"] == "Renamed after the first read"
    risks = partner.get("/api/v1/risks/", {"page_size": 500}).json()["results"]
    Risk.objects.create(initiative=initiative, title="Added after a read", likelihood=2, impact=2)
    again = partner.get("/api/v1/risks/", {"page_size": 500}).json()["results"]
    assert len(again) == len(risks) + 1 and "Added after a read" in {r["title"] for r in again}


def test_a_cached_first_page_walks_on_from_its_own_read(partner):
    total = Initiative.objects.count()
    partner.get(LIST, {"page_size": 3})  # computed and cached
    response, cached = read(partner, LIST, page_size=3)
    assert not cached
    seen, pages = [row["id"] for row in response.json()["results"]], 1
    cursors = re.findall(r"cursor=([^&]+)", response.json()["next"])
    assert cursors
    while response.json()["next"]:
        response = partner.get(response.json()["next"])
        seen += [row["id"] for row in response.json()["results"]]
        pages += 1
    assert sorted(seen) == sorted(Initiative.objects.values_list("pk", flat=True)) and len(seen) == total


def test_keys_that_may_see_different_rows_never_share_a_cached_page(demo_data, make_key, key_client):
    """Pages are cached per visibility (the key's scopes): a page left in the cache by a key with one set of scopes is
    computed afresh for a key with another, and a key without the scope still gets its 403."""
    _key, first = make_key(SCOPES, rate_limit="1000000/min")
    _key, fewer = make_key(["initiatives:read"], partner="cosla", rate_limit="1000000/min")
    _key, no_scope = make_key(["councils:read"], rate_limit="1000000/min")
    read(key_client(first), LIST, page_size=5)
    _, cached = read(key_client(first), LIST, page_size=5)
    _, computed = read(key_client(fewer), LIST, page_size=5)
    assert not cached and computed
    assert key_client(no_scope).get(LIST, {"page_size": 5}).status_code == 403


def test_keys_with_the_same_scopes_share_a_cached_page(demo_data, make_key, key_client):
    """Every key with the same scopes sees the same rows: N such keys, one computation per change, whichever partner
    organisation they belong to."""
    _key, first = make_key(SCOPES, rate_limit="1000000/min")
    _key, other = make_key(SCOPES, partner="cosla", rate_limit="1000000/min")
    computed_first, _ = read(key_client(first), LIST, page_size=5)
    served_other, cached = read(key_client(other), LIST, page_size=5)
    assert not cached
    assert served_other.json()["results"] == computed_first.json()["results"]


def test_a_write_no_partner_sees_leaves_the_pages_cached_and_renews_the_dashboards_workflow(partner):
    """A draft saved: nothing a partner reads changed, so the API's pages stay cached; of the staff figures, only
    the dashboard's workflow figures (under the WORKFLOW token) are computed again, not those of approved data
    (STAFF_DATA, issue 29)."""
    from core import cache as portal_cache
    from initiatives.models import ProgressUpdate

    read(partner, LIST, page_size=5)
    partner_data = portal_cache.version_in_use(portal_cache.PARTNER_DATA)
    staff_data = portal_cache.version_in_use(portal_cache.STAFF_DATA)
    workflow = portal_cache.version_in_use(portal_cache.WORKFLOW)
    draft = ProgressUpdate.objects.filter(state="draft").first()
    draft.narrative = "Still drafting"
    draft.save()
    _, cached = read(partner, LIST, page_size=5)
    assert not cached
    assert portal_cache.version_in_use(portal_cache.WORKFLOW) != workflow
    assert portal_cache.version_in_use(portal_cache.STAFF_DATA) == staff_data
    assert portal_cache.version_in_use(portal_cache.PARTNER_DATA) == partner_data
