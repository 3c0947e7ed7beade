"""The change feed's horizon is visible: a transaction held open in ANOTHER database of the same PostgreSQL server
(ids are server-wide) holds every feed back; the feed says so in its body with the age, /healthz reports it once
it is older than CHANGE_FEED_HORIZON_WARNING_SECONDS, the log names the backend, and nothing is lost once it ends.

(SQLite serialises its writers: nothing can be held back there, and the horizon says so.)"""

import logging
import time
import uuid

import psycopg2
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from core import services as core_services
from core.models import User, WorkerHeartbeat
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import Council, PartnerOrganisation
from tests.conftest import mark_second_factor_used

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = pytest.mark.serial


CDO = "cdo@demo.digitaloffice.scot"
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no concurrent writers")


def feed(client, after):
    results, response = [], client.get("/api/v1/changes/", {"after": after})
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        results += data["results"]
        if not data["has_more"]:
            return results, data
        response = client.get(data["next"])


@pytest.fixture
def other_database_transaction():
    """A second database on the same server with a data load left idle in transaction: BEGIN, an id taken with
    txid_current(), a row written, and nothing more (as the 310 s load did). Yields a function that ends it."""
    params = connection.get_connection_params()
    server = {key: params[key] for key in ("host", "port", "user", "password") if params.get(key)}
    name = f"other_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    load = psycopg2.connect(dbname=name, application_name="warehouse-load", **server)
    with load.cursor() as cursor:  # psycopg2 opens the transaction (BEGIN) with the first statement
        cursor.execute("CREATE TABLE staging (id int)")
        cursor.execute("SELECT txid_current()")
        cursor.execute("INSERT INTO staging VALUES (1)")
    pid = load.get_backend_pid()

    def end():
        if not load.closed:
            load.commit()
            load.close()

    yield {"end": end, "pid": pid, "database": name}
    end()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def live_workers():
    now = timezone.now()
    for role in ("worker", "beat"):
        WorkerHeartbeat.objects.create(name=f"{role}@horizon", role=role, started_at=now, seen_at=now)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_transaction_open_in_another_database_is_reported_by_the_feed_healthz_and_the_log(
    reference_data, other_database_transaction, settings, caplog,
):
    settings.CHANGE_FEED_HORIZON_WARNING_SECONDS = 1.5
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    _key, text = core_services.key_create(user=SYSTEM, partner=partner, name="Sync", scopes=list(SCOPES))
    partner_client = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    live_workers()

    latest = partner_client.get("/api/v1/changes/latest/").json()
    start = latest["next_after"]
    assert latest["horizon"]["held_back"] is False
    council = Council.objects.get(gss_code="S12000049")
    council.name = "Glasgow (written during the load)"
    council.save()  # committed, but behind the other database's open transaction

    results, page = feed(partner_client, start)
    assert results == [] and page["has_more"] is False
    horizon = page["horizon"]
    assert horizon["held_back"] is True, "a committed change waits: the feed must say it is held back"
    assert horizon["age_seconds"] is not None and horizon["age_seconds"] >= 0
    assert horizon["stalled"] is False  # not yet past the threshold
    health = Client().get("/healthz")
    assert health.status_code == 200, health.json()
    assert health.json()["checks"]["change_feed"].startswith("ok")

    time.sleep(2)
    with caplog.at_level(logging.WARNING, logger="security"):
        results, page = feed(partner_client, start)
        health = Client().get("/healthz")
    assert results == [] and page["horizon"]["held_back"] is True and page["horizon"]["stalled"] is True
    assert page["horizon"]["age_seconds"] >= 2
    assert health.status_code == 503
    check = health.json()["checks"]["change_feed"]
    assert check.startswith("error: held for") and "changes wait behind it" in check
    logged = [record.security for record in caplog.records if getattr(record, "security", {}).get(
        "event") == "change_feed_horizon_held"]
    assert logged, "the log must name the backend holding the horizon"
    assert logged[0]["blocker_pid"] == other_database_transaction["pid"]
    assert logged[0]["blocker_database"] == other_database_transaction["database"]
    assert logged[0]["blocker_state"] == "idle in transaction"
    assert logged[0]["blocker_age_seconds"] >= 2
    assert len(logged) == 1, "once a minute per blocking transaction, not once per request"

    office = Client()
    officer = User.objects.create_user(email="ops@example.test", password="x", is_digital_office_staff=True)
    office.force_login(officer)
    mark_second_factor_used(office, officer)
    status = office.get("/status/")
    assert status.status_code == 200
    page_text = status.content.decode()
    assert other_database_transaction["database"] in page_text and "idle in transaction" in page_text
    assert str(other_database_transaction["pid"]) in page_text

    other_database_transaction["end"]()
    results, page = feed(partner_client, start)
    assert {(entry["type"], entry["id"]) for entry in results} == {("council", council.pk)}
    assert results[0]["record"]["name"] == "Glasgow (written during the load)"
    assert page["horizon"]["held_back"] is False and page["horizon"]["stalled"] is False
    assert Client().get("/healthz").json()["checks"]["change_feed"].startswith("ok")


@pytest.mark.django_db
def test_the_feed_and_its_position_always_say_where_the_horizon_is(reference_data, make_key_text):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {make_key_text(['councils:read'])}")
    for path in ("/api/v1/changes/", "/api/v1/changes/latest/"):
        horizon = client.get(path).json()["horizon"]
        assert set(horizon) == {"age_seconds", "held_back", "stalled"}
        assert horizon["held_back"] is False and horizon["stalled"] is False


@pytest.mark.django_db
def test_the_status_page_is_for_the_office_only(login_as, client):
    assert login_as("editor@glasgow.demo.digitaloffice.scot").get("/status/").status_code == 403
    office = login_as(CDO)
    response = office.get("/status/")
    assert response.status_code == 200
    assert "change feed" in response.content.decode().lower()
