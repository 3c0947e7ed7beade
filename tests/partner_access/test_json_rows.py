"""Lists whose JSON PostgreSQL writes (core.api.json_rows, `rows_in_sql`) answer exactly what the serializer does:
the same bytes for a page of the demo data as DRF's serializer of the same model instances rendered by DRF's
JSONRenderer, and as the Python path (ValueRows), with awkward values planted (quotes, backslashes, control
characters, line separators, non-ASCII text, whole-second and fractional date-times, nulls); and each page costs
one query for its rows and everything they nest."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from core import cache as portal_cache
from core.api import views as api_views
from core.scopes import READ_SCOPES
from initiatives.api.serializers import InitiativeSerializer, ProgressUpdateSerializer
from initiatives.api.views import InitiativeViewSet, ProgressUpdateViewSet
from initiatives.models import Initiative, ProgressUpdate
from practice import policies as practice_policies
from practice.api import views as practice_views
from practice.api.serializers import AdoptionSerializer, AssetSerializer
from practice.api.views import AdoptionViewSet, AssetViewSet
from practice.models import Adoption, Asset
from strategy.models import Theme

pytestmark = pytest.mark.django_db

AWKWARD = 'Quote " back\\slash\nnew line\ttab \x01\x1f \u2028\u2029 Gàidhlig ✓ 😀 </script> & % \' é'
WHOLE_SECOND = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
FRACTION = datetime.datetime(2026, 3, 4, 5, 6, 7, 120, tzinfo=datetime.UTC)
LISTS = [  # (url, serializer, model, query parameters)
    ("/api/v1/initiatives/", InitiativeSerializer, Initiative, {"page_size": 100}),
    ("/api/v1/initiatives/", InitiativeSerializer, Initiative, {"page_size": 37, "ordering": "-reference"}),
    ("/api/v1/initiatives/", InitiativeSerializer, Initiative, {"page_size": 50, "stage": "live"}),
    # Filters through the links the rows nest (a join on participants, on outcomes), and a text search.
    ("/api/v1/initiatives/", InitiativeSerializer, Initiative, {"council": "S12000049", "outcome": 1, "q": "a"}),
    ("/api/v1/updates/", ProgressUpdateSerializer, ProgressUpdate, {"page_size": 100}),
    ("/api/v1/updates/", ProgressUpdateSerializer, ProgressUpdate, {"page_size": 20, "ordering": "-updated_at"}),
    ("/api/v1/practice-adoptions/", AdoptionSerializer, Adoption, {"page_size": 100}),
    ("/api/v1/practice-assets/", AssetSerializer, Asset, {"page_size": 100}),
]
VIEWS = {Initiative: InitiativeViewSet, ProgressUpdate: ProgressUpdateViewSet, Adoption: AdoptionViewSet,
         Asset: AssetViewSet}
# An asset's links text as people type it: Windows and old Mac line ends, blank and white-space lines, a line
# separator, a vertical tab and a no-break space, which Python's splitlines() and strip() treat as they do.
AWKWARD_LINKS = ("https://a.example/x\r\n  https://b.example/y \r\rhttps://c.example/\u2028https://d.example/"
                 "\x0bhttps://e.example/\xa0\n \t\nhttps://f.example/\"q\"\n\n")


@pytest.fixture
def partner(demo_data, make_key, key_client):
    plant_awkward_values()
    _key, text = make_key(READ_SCOPES, rate_limit="1000000/min")
    return key_client(text)


def plant_awkward_values():
    """Values whose JSON is easy to get wrong, on rows of the first pages (the default order is updated_at)."""
    first = list(Initiative.objects.order_by("updated_at", "pk")[:3])
    Initiative.objects.filter(pk=first[0].pk).update(
        title=AWKWARD, summary="", start_date=None, budget=Decimal("-0.50"), current_update=None,
        created_at=WHOLE_SECOND)
    Initiative.objects.filter(pk=first[1].pk).update(summary=AWKWARD * 3, end_date=None, budget=Decimal("0"),
                                                     created_at=FRACTION)
    first[2].partners.clear()
    first[2].outcomes.clear()
    first[2].participations.all().delete()
    # At the start of the default order (clearing the links touched the initiative).
    for position, initiative in enumerate(first):
        moment = datetime.datetime(2001, 1, 1 + position, tzinfo=datetime.UTC)  # before every demo record
        Initiative.objects.filter(pk=initiative.pk).update(updated_at=moment)
    update = ProgressUpdate.objects.filter(state=ProgressUpdate.State.APPROVED).order_by("updated_at", "pk").first()
    ProgressUpdate.objects.filter(pk=update.pk).update(narrative=AWKWARD, next_steps="", reviewed_at=WHOLE_SECOND,
                                                       spend_to_date=Decimal("1234567.05"))
    assets = list(Asset.objects.filter(state__in=practice_policies.READ_STATES).order_by("updated_at", "pk")[:2])
    Asset.objects.filter(pk=assets[0].pk).update(links=AWKWARD_LINKS, body=AWKWARD, council=None, initiative=None)
    Asset.objects.filter(pk=assets[1].pk).update(links="", published_at=FRACTION)
    assets[0].themes.set(Theme.objects.all())
    assets[1].themes.clear()
    adoptions = list(Adoption.objects.order_by("updated_at", "pk")[:2])
    Adoption.objects.filter(pk=adoptions[0].pk).update(reason=AWKWARD, confirmed_at=None, using_since=None,
                                                       declared_at=WHOLE_SECOND)
    Adoption.objects.filter(pk=adoptions[1].pk).update(confirmed_at=FRACTION, declared_at=FRACTION)


def results_bytes(response) -> bytes:
    body = response.content
    return body[body.index(b',"results":') + len(b',"results":'):-1]


def computed(client, url, params):
    portal_cache.renew(portal_cache.PARTNER_DATA)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response


def serializer_bytes(serializer_class, model, ids) -> bytes:
    """DRF's own answer for these rows: the serializer of model instances, in the page's order."""
    by_id = {instance.pk: instance for instance in model.objects.filter(pk__in=ids)}
    return JSONRenderer().render(serializer_class([by_id[pk] for pk in ids], many=True).data)


@pytest.mark.parametrize(("url", "serializer_class", "model", "params"), LISTS)
def test_a_page_written_by_postgresql_is_the_serializers_json_byte_for_byte(
        partner, monkeypatch, url, serializer_class, model, params):
    fast = computed(partner, url, params)
    rows = json.loads(results_bytes(fast))
    assert rows, "the page is not empty"
    assert results_bytes(fast) == serializer_bytes(serializer_class, model, [row["id"] for row in rows])
    view = VIEWS[model]
    assert api_views.json_rows.expression_for(view()) is not None, "every field's JSON is written by PostgreSQL"
    monkeypatch.setattr(view, "rows_in_sql", False)
    slow = computed(partner, url, params)
    assert results_bytes(slow) == results_bytes(fast)
    assert slow["ETag"] == fast["ETag"]
    assert json.loads(slow.content)["next_cursor"] is None or json.loads(fast.content)["next_cursor"]


def test_the_planted_values_come_back_as_they_were_written(partner):
    rows = computed(partner, "/api/v1/initiatives/", {"page_size": 3}).json()["results"]
    assert rows[0]["title"] == AWKWARD and rows[0]["summary"] == "" and rows[0]["start_date"] is None
    assert rows[0]["budget"] == "-0.50" and rows[0]["current_status"] is None
    assert rows[0]["created_at"] == "2026-03-04T05:06:07Z"
    assert rows[1]["created_at"] == "2026-03-04T05:06:07.000120Z" and rows[1]["budget"] == "0.00"
    assert (rows[2]["participants"], rows[2]["outcomes"], rows[2]["partners"]) == ([], [], [])
    body = computed(partner, "/api/v1/initiatives/", {"page_size": 3}).content
    assert "\u2028".encode() not in body and b"\\u2028\\u2029" in body


def test_one_initiative_is_the_serializers_json(partner, monkeypatch):
    reference = Initiative.objects.order_by("updated_at", "pk").values_list("reference", flat=True)[0]
    fast = partner.get(f"/api/v1/initiatives/{reference}/")
    assert fast.status_code == 200
    assert fast.content == JSONRenderer().render(InitiativeSerializer(Initiative.objects.get(reference=reference)).data)
    monkeypatch.setattr(InitiativeViewSet, "rows_in_sql", False)
    slow = partner.get(f"/api/v1/initiatives/{reference}/")
    assert (slow.content, slow["ETag"]) == (fast.content, fast["ETag"])
    assert partner.get("/api/v1/initiatives/DO-NONE/").status_code == 404


def page_queries(client, url, params) -> list[str]:
    portal_cache.renew(portal_cache.PARTNER_DATA)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return [query["sql"] for query in captured if "initiatives_" in query["sql"]]


@pytest.mark.parametrize(("url", "params"), [
    ("/api/v1/initiatives/", {"page_size": 10}),  # full pages: one part of the keyset walk
    ("/api/v1/updates/", {"page_size": 10}),
    ("/api/v1/initiatives/{reference}/", {}),
])
def test_a_computed_page_is_one_query_that_writes_its_json(partner, url, params):
    """Fault guarded: the fast path left unused (the rows formatted in Python) or a nested list read by a query of
    its own."""
    reference = Initiative.objects.values_list("reference", flat=True).first()
    queries = page_queries(partner, url.format(reference=reference), params)
    assert len(queries) == 1, queries
    assert api_views.json_rows.ROW_JSON in queries[0] and "STRING_AGG" in queries[0].upper() or "updates" in url


def test_the_sql_of_asset_links_splits_and_strips_as_python_does():
    """PYTHON_LINE_BREAKS and PYTHON_WHITE_SPACE name exactly the characters str.splitlines() and str.strip() use."""
    every = [chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF]
    assert set(practice_views.PYTHON_WHITE_SPACE) == {c for c in every if c.isspace()}
    breaks = practice_views.PYTHON_LINE_BREAKS.removeprefix("\r\n|[").removesuffix("]")
    assert set(breaks) == {c for c in every if len(f"a{c}b".splitlines()) == 2}
