"""The change feed's token is safe against late commits: on PostgreSQL, a transaction held open across a feed read
and committed afterwards is delivered by the next read, and so is everything that committed while it was open.

(SQLite serialises its writers, so no transaction can commit behind another there: the test needs PostgreSQL, which
CI runs.) With `updated_since` the same change is lost for good once it commits later than the sync margin."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from core import services as core_services
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import Council, PartnerOrganisation

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [
    pytest.mark.serial,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no late commit exists"),
]


def feed(client, after):
    results, response = [], client.get("/api/v1/changes/", {"after": after})
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        results += data["results"]
        if not data["has_more"]:
            return results, data["next_after"]
        response = client.get(data["next"])


def test_a_transaction_committed_after_a_feed_read_is_delivered_by_the_next_read(reference_data):
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    _key, text = core_services.key_create(user=SYSTEM, partner=partner, name="Sync", scopes=list(SCOPES))
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    start = client.get("/api/v1/changes/latest/").json()["next_after"]
    started_sync = timezone.now()

    written, release, failed = threading.Event(), threading.Event(), []

    def slow_rename():
        """A long transaction: it renames a council, then stays open (as a 14 s import did) until released."""
        try:
            with transaction.atomic():
                council = Council.objects.get(gss_code="S12000049")
                council.name = "Glasgow (slow transaction)"
                council.save()
                written.set()
                assert release.wait(30)
        except Exception as error:  # reported by the main thread
            failed.append(error)
            written.set()
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_rename)
    slow.start()
    assert written.wait(30) and not failed
    # A quick change made and committed while the slow transaction is still open (it started later).
    quick = Council.objects.get(gss_code="S12000017")
    quick.short_name = "Highland (quick)"
    quick.save()

    results, after = feed(client, start)
    assert results == [], "nothing may be served past an open transaction that started earlier"
    assert after == start or after <= client.get("/api/v1/changes/latest/").json()["next_after"]
    listed = client.get("/api/v1/councils/", {"page_size": 500}).json()["results"]
    assert "Glasgow (slow transaction)" not in {row["name"] for row in listed}  # not committed yet

    release.set()
    slow.join(30)
    assert not failed and not slow.is_alive()

    results, _after = feed(client, after)
    copy = {(entry["type"], entry["id"]): entry for entry in results}
    glasgow = Council.objects.get(gss_code="S12000049")
    assert copy[("council", glasgow.pk)]["record"]["name"] == "Glasgow (slow transaction)"
    assert copy[("council", quick.pk)]["record"]["short_name"] == "Highland (quick)"
    assert timezone.now() - started_sync < datetime.timedelta(seconds=60)
