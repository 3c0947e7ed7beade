"""The partner API: keys and scopes, who sees what, incremental sync, ETags, CSV, page sizes, throttling, errors."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from core.api.renderers import cell, flatten
from core.models import User
from core.scopes import SCOPES
from councils.models import Contribution, Council
from initiatives import services as portfolio
from initiatives.models import Initiative, Milestone, ProgressUpdate
from partner_access.models import APIRequestLog
from strategy.models import MeasureReading
from tests.api_client import all_pages, body_of, error_of
from tests.conftest import signed_in_with_two_factor

pytestmark = pytest.mark.django_db

# Every read endpoint (list, and a detail of the shipped reference data) with the scope it needs.
ENDPOINTS = [
    ("/api/v1/councils/", "councils:read"),
    ("/api/v1/councils/S12000049/", "councils:read"),
    ("/api/v1/partners/", "councils:read"),
    ("/api/v1/partners/cosla/", "councils:read"),
    ("/api/v1/contributions/", "funding:read"),
    ("/api/v1/themes/", "strategy:read"),
    ("/api/v1/themes/digital-services/", "strategy:read"),
    ("/api/v1/outcomes/", "strategy:read"),
    ("/api/v1/measures/", "strategy:read"),
    ("/api/v1/measure-readings/", "strategy:read"),
    ("/api/v1/initiatives/", "initiatives:read"),
    ("/api/v1/milestones/", "initiatives:read"),
    ("/api/v1/updates/", "initiatives:read"),
    ("/api/v1/risks/", "initiatives:read"),
    ("/api/v1/benefits/", "initiatives:read"),
    ("/api/v1/reports/", "reports:read"),
    ("/api/v1/webhooks/", "webhooks:manage"),
    ("/api/v1/webhook-deliveries/", "webhooks:manage"),
]


# -- keys, scopes and errors ------------------------------------------------------------------


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS)
def test_each_endpoint_needs_a_good_key_with_its_scope(path, scope, make_key, key_client):
    no_key = Client().get(path)
    assert no_key.status_code == 401
    assert no_key["WWW-Authenticate"].startswith("Api-Key")
    assert error_of(no_key)["code"] == "not_authenticated"

    assert error_of(key_client("nosuchkey.secret").get(path))["code"] == "invalid_key"
    assert key_client("not-even-a-key").get(path).status_code == 401

    _expired, expired = make_key([scope])
    from core.models import PartnerAPIKey

    a_second_ago = timezone.now() - datetime.timedelta(seconds=1)
    PartnerAPIKey.objects.filter(prefix=expired.split(".")[0]).update(expiry_date=a_second_ago)
    response = key_client(expired).get(path)
    assert response.status_code == 401 and error_of(response)["code"] == "expired_key"

    revoked_key, revoked = make_key([scope])
    from core import services
    from core.policies import SYSTEM

    services.key_revoke(user=SYSTEM, key=revoked_key)
    response = key_client(revoked).get(path)
    assert response.status_code == 401 and error_of(response)["code"] == "revoked_key"

    _other, other_scopes = make_key([s for s in SCOPES if s != scope])
    response = key_client(other_scopes).get(path)
    assert response.status_code == 403
    assert scope in error_of(response)["message"]

    _good, good = make_key([scope])
    response = key_client(good).get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"


def test_a_key_with_a_wrong_secret_is_refused(make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    prefix = text.split(".")[0]
    assert key_client(f"{prefix}.wrong-secret").get("/api/v1/initiatives/").status_code == 401


def test_unknown_paths_methods_and_formats_answer_in_the_error_shape(make_key, key_client):
    _key, text = make_key()
    client = key_client(text)
    assert error_of(client.get("/api/v1/maturity-assessments/"))["status"] == 404
    assert error_of(client.get("/api/v1/initiatives/DO-9999/"))["status"] == 404
    assert "/api/v1/initiatives/?" in error_of(client.get("/api/v1/initiatives"))["message"]
    response = client.post("/api/v1/initiatives/", {}, content_type="application/json")
    assert response.status_code == 405 and "GET" in response["Allow"]
    error_of(response)
    response = client.get("/api/v1/initiatives/", {"format": "xml"})
    assert response.status_code == 400 and "format" in error_of(response)["fields"]


@pytest.mark.parametrize(("params", "name"), [
    ({"updated_since": "yesterday"}, "updated_since"),
    ({"updated_since": "2026-13-45T00:00:00Z"}, "updated_since"),
    ({"updated_since": ""}, "updated_since"),
    ({"stage": "finished"}, "stage"),
    ({"theme": ""}, "theme"),  # a theme that names nothing is an empty list (test_contract.py)
    ({"stagee": "live"}, "stagee"),
    ({"overdue": "perhaps"}, "overdue"),
    ({"page_size": "lots"}, "page_size"),
    ({"page_size": "0"}, "page_size"),
    ({"ordering": "title"}, "ordering"),
])
def test_a_bad_parameter_is_a_400_that_names_it(params, name, make_key, key_client):
    _key, text = make_key()
    response = key_client(text).get("/api/v1/initiatives/", params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [name]


def test_every_request_with_a_key_is_logged(make_key, key_client):
    """Valid keys: one row per request. Requests without a valid key: counted per client and hour instead."""
    from partner_access.models import APIUnauthenticatedRequests

    key, text = make_key(["initiatives:read"])
    key_client(text).get("/api/v1/initiatives/", {"stage": "alpha"})
    key_client(text).get("/api/v1/contributions/")
    key_client("badprefx.nope").get("/api/v1/initiatives/")
    Client().get("/api/v1/initiatives/")
    entries = list(APIRequestLog.objects.order_by("id"))
    assert [(e.key_prefix, e.path, e.status) for e in entries] == [
        (key.prefix, "/api/v1/initiatives/", 200),
        (key.prefix, "/api/v1/contributions/", 403),
    ]
    assert entries[0].key == key and entries[0].partner == key.partner and entries[0].query == "stage=alpha"
    assert all(e.duration_ms >= 0 and e.method == "GET" for e in entries)
    counted = APIUnauthenticatedRequests.objects.get()
    assert (counted.requests, counted.bad_keys, counted.last_key_prefix) == (2, 1, "badprefx")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_key_over_its_rate_gets_429_with_retry_after(make_key, key_client):
    _key, text = make_key(["councils:read"], rate_limit="3/min")
    client = key_client(text)
    assert [client.get("/api/v1/partners/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/partners/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert error_of(response)["code"] == "throttled"
    _other_key, other = make_key(["councils:read"], rate_limit="3/min")
    assert key_client(other).get("/api/v1/partners/").status_code == 200  # counted per key


# -- who sees what ----------------------------------------------------------------------------


def test_session_users_read_what_their_role_may_see(login_as, client):
    glasgow = Council.objects.get(gss_code="S12000049")
    ours = Contribution.objects.filter(council=glasgow).first()
    theirs = Contribution.objects.exclude(council=glasgow).first()

    login_as("cdo@demo.digitaloffice.scot")
    rows, _token = all_pages(client, "/api/v1/contributions/", page_size=500)
    assert len(rows) == Contribution.objects.count()

    login_as("viewer@glasgow.demo.digitaloffice.scot")
    rows, _token = all_pages(client, "/api/v1/contributions/", page_size=500)
    assert {row["council"] for row in rows} == {"S12000049"}
    assert client.get(f"/api/v1/contributions/{ours.pk}/").status_code == 200
    assert client.get(f"/api/v1/contributions/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/initiatives/").status_code == 200

    login_as("partner@scottish-government.demo.digitaloffice.scot")
    assert client.get("/api/v1/initiatives/").status_code == 200
    assert client.get("/api/v1/contributions/").status_code == 403
    assert client.get("/api/v1/webhooks/").status_code == 403  # webhooks are managed with a key

    nobody = User.objects.create_user(email="nobody@example.org")
    client.force_login(nobody)
    assert client.get("/api/v1/initiatives/").status_code == 403
    client.logout()
    assert client.get("/api/v1/initiatives/").status_code == 401


# -- incremental sync -------------------------------------------------------------------------


def _age_everything(hours=1):
    earlier = timezone.now() - datetime.timedelta(hours=hours)
    for model in (Initiative, Milestone, ProgressUpdate, MeasureReading):
        model.objects.update(updated_at=earlier)


def test_changes_between_two_syncs_all_arrive_in_the_second_and_nothing_twice(demo_data, make_key, key_client):
    _age_everything()
    _key, text = make_key(["initiatives:read"])
    client = key_client(text)
    first, token = all_pages(client, "/api/v1/initiatives/", page_size=5)
    assert len(first) == Initiative.objects.count() == len({row["id"] for row in first})

    cdo = signed_in_with_two_factor(User.objects.get(email="cdo@demo.digitaloffice.scot"))
    editor = User.objects.get(email="editor@fife.demo.digitaloffice.scot")
    a, b, c, d = Initiative.objects.order_by("reference")[:4]
    portfolio.initiative_update(user=cdo, initiative=a, version=a.version, title="Renamed between syncs")
    portfolio.initiative_update(user=cdo, initiative=b, version=b.version, stage="paused")
    joinable = Initiative.objects.exclude(participations__council=editor.council).exclude(pk__in=[a.pk, b.pk]).first()
    request = portfolio.join_request_create(user=editor, initiative=joinable, role="observer")
    portfolio.join_request_decide(user=cdo, join_request=request, accept=True)
    submitted = ProgressUpdate.objects.filter(state="submitted").exclude(initiative__in=[a, b, joinable]).first()
    portfolio.update_approve(user=cdo, update=submitted)

    second, next_token = all_pages(client, "/api/v1/initiatives/", page_size=2, updated_since=token)
    ids = [row["id"] for row in second]
    assert len(ids) == len(set(ids)), "a row came twice in one sync"
    assert set(ids) == {a.pk, b.pk, joinable.pk, submitted.initiative_id}
    renamed = next(row for row in second if row["id"] == a.pk)
    assert renamed["title"] == "Renamed between syncs"
    approved_now = next(row for row in second if row["id"] == submitted.initiative_id)
    assert approved_now["current_status"]["update_id"] == submitted.pk
    assert next_token > token

    # Approved updates sync the same way.
    updates, _token = all_pages(client, "/api/v1/updates/", updated_since=token)
    assert [row["id"] for row in updates] == [submitted.pk]


def test_a_change_made_during_a_sync_is_never_lost(demo_data, make_key, key_client):
    _age_everything()
    _key, text = make_key(["initiatives:read"])
    client = key_client(text)
    cdo = signed_in_with_two_factor(User.objects.get(email="cdo@demo.digitaloffice.scot"))
    page = client.get("/api/v1/milestones/", {"page_size": 10}).json()
    token = page["next_updated_since"]
    seen = [row["id"] for row in page["results"]]
    # Someone edits a milestone already read, and one not read yet, while the client walks the pages.
    read, unread = Milestone.objects.get(pk=seen[0]), Milestone.objects.exclude(pk__in=seen).order_by("pk").first()
    for milestone in (read, unread):
        portfolio.register_item_save(
            user=cdo, initiative=milestone.initiative, kind="milestone", instance=milestone,
            title=f"{milestone.title} (moved)",
        )
    rest, _last_token = all_pages(client, page["next"])
    this_sync = seen + [row["id"] for row in rest]
    assert set(this_sync) == set(Milestone.objects.values_list("pk", flat=True))
    next_sync, _token = all_pages(client, "/api/v1/milestones/", updated_since=token)
    assert {read.pk, unread.pk} <= {row["id"] for row in next_sync}


def test_rows_that_share_an_updated_at_are_each_served_once(demo_data, make_key, key_client):
    same = timezone.now() - datetime.timedelta(minutes=5)
    Milestone.objects.update(updated_at=same)
    _key, text = make_key(["initiatives:read"])
    rows, _token = all_pages(key_client(text), "/api/v1/milestones/", page_size=7)
    ids = [row["id"] for row in rows]
    assert ids == sorted(Milestone.objects.values_list("pk", flat=True))


def test_a_sync_token_is_server_time_less_a_margin(make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    before = timezone.now()
    response = key_client(text).get("/api/v1/initiatives/")
    token = datetime.datetime.fromisoformat(response.json()["next_updated_since"])
    assert response["X-Next-Updated-Since"] == response.json()["next_updated_since"]
    assert before - datetime.timedelta(seconds=10) < token < before


# -- ETags, CSV, page sizes -------------------------------------------------------------------


def test_etag_and_if_none_match_answer_304_until_the_data_changes(demo_data, make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    client = key_client(text)
    first = client.get("/api/v1/initiatives/", {"page_size": 5})
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/api/v1/initiatives/", {"page_size": 5}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert again["X-Next-Updated-Since"]
    strong = etag.removeprefix("W/")
    assert client.get("/api/v1/initiatives/", {"page_size": 5}, HTTP_IF_NONE_MATCH=strong).status_code == 304
    detail = client.get("/api/v1/initiatives/DO-0001/")
    assert client.get("/api/v1/initiatives/DO-0001/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304

    initiative = Initiative.objects.get(reference=first.json()["results"][0]["reference"])
    cdo = signed_in_with_two_factor(User.objects.get(email="cdo@demo.digitaloffice.scot"))
    portfolio.initiative_update(user=cdo, initiative=initiative, version=initiative.version, title="Changed")
    changed = client.get("/api/v1/initiatives/", {"page_size": 5}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize(("path", "scope"), [
    ("/api/v1/initiatives/", "initiatives:read"),
    ("/api/v1/contributions/", "funding:read"),
    ("/api/v1/measures/", "strategy:read"),
    ("/api/v1/councils/", "councils:read"),
])
def test_csv_has_the_same_fields_and_rows_as_json(path, scope, demo_data, make_key, key_client):
    _key, text = make_key([scope])
    client = key_client(text)
    rows, _token = all_pages(client, path, page_size=500)
    response = client.get(path, {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body_of(response).decode())))
    header, lines = table[0], table[1:]
    assert len(lines) == len(rows)
    for row, line in zip(rows, lines, strict=True):
        flat = flatten(row)
        for column in set(flat) - set(header):  # a null nested object: its dotted columns are empty
            assert flat[column] is None and any(h.startswith(f"{column}.") for h in header), column
        csv_row = dict(zip(header, line, strict=True))
        for column in header:
            assert csv_row[column] == str(cell(flat.get(column))), column
        for column, value in flat.items():
            if isinstance(value, str) and value.startswith("["):
                assert json.loads(csv_row[column]) == json.loads(value)


def test_csv_keeps_the_filters_and_order(demo_data, make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    client = key_client(text)
    rows, _token = all_pages(client, "/api/v1/initiatives/", stage="alpha", ordering="-reference")
    lines = list(csv.DictReader(io.StringIO(body_of(client.get(
        "/api/v1/initiatives/", {"stage": "alpha", "ordering": "-reference", "format": "csv"},
    )).decode())))
    assert [line["reference"] for line in lines] == [row["reference"] for row in rows]


def test_page_size_is_capped_at_500_not_refused(demo_data, make_key, key_client):
    initiative = Initiative.objects.first()
    day = datetime.date(2027, 1, 1)
    Milestone.objects.bulk_create(
        Milestone(initiative=initiative, title=f"Bulk {n}", baseline_date=day, forecast_date=day) for n in range(600)
    )
    _key, text = make_key(["initiatives:read"])
    client = key_client(text)
    data = client.get("/api/v1/milestones/", {"page_size": 1000}).json()
    assert len(data["results"]) == 500 and data["next"]
    assert len(client.get("/api/v1/milestones/").json()["results"]) == 100
    rows, _token = all_pages(client, "/api/v1/milestones/", page_size=100000)
    assert len(rows) == Milestone.objects.count()


def test_ordering_by_reference_walks_every_initiative_in_order(demo_data, make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    rows, _token = all_pages(key_client(text), "/api/v1/initiatives/", ordering="-reference", page_size=4)
    references = sorted(Initiative.objects.values_list("reference", flat=True), reverse=True)
    assert [row["reference"] for row in rows] == references


def test_a_tampered_cursor_is_refused(make_key, key_client):
    _key, text = make_key(["councils:read"])
    client = key_client(text)
    for cursor in ("garbage", "eyJvIjoibmFtZSJ9", "eyJvIjoiaWQiLCJ2IjoiMSIsImkiOjF9"):
        response = client.get("/api/v1/councils/", {"cursor": cursor})
        assert response.status_code == 404 and error_of(response)["code"] == "invalid_cursor"


