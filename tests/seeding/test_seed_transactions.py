"""`seed_demo` never holds one transaction for long, and the change feed still gets everything it loads (issue 22).

The feed serves an entry only once every transaction older than it has finished, on the whole server: the large
set loaded in one transaction (125 s) held every partner's feed that long. A sampler watches the seeding
backend's open transaction in pg_stat_activity while `seed_demo --scale small` runs over an earlier demo set
(its deletes and its inserts), and a partner who took a copy before the run and follows the feed after it ends
with exactly a fresh full read."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from core import services
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import PartnerOrganisation
from tests.conftest import DEMO_TODAY
from tests.partner_access.test_sync_property import Partner, grant_every_scope, what_the_partner_may_see

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_stat_activity"),
    pytest.mark.serial,
]


class TransactionWatcher(threading.Thread):
    """Samples, every 50 ms from a connection of its own, the open transaction of backend `pid`: how many
    distinct transactions it saw and the oldest age one reached."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stop, self.starts, self.longest = pid, threading.Event(), set(), 0.0

    def run(self):
        try:
            with connections["default"].cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute("SELECT xact_start, EXTRACT(EPOCH FROM now() - xact_start) FROM pg_stat_activity "
                                   "WHERE pid = %s AND xact_start IS NOT NULL", [self.pid])
                    row = cursor.fetchone()
                    if row:
                        self.starts.add(row[0])
                        self.longest = max(self.longest, float(row[1]))
                    time.sleep(0.05)
        finally:
            connections["default"].close()


def test_seed_demo_commits_in_short_transactions_and_the_feed_gets_all_of_it(transactional_db, reference_data):
    call_command("seed_demo", "--scale", "small", "--today", DEMO_TODAY.isoformat())  # an earlier demo set
    organisation = PartnerOrganisation.objects.get(slug="scottish-government")
    grant_every_scope(organisation.slug)
    _key, text = services.key_create(user=SYSTEM, partner=organisation, name="Warehouse", scopes=list(SCOPES),
                                     rate_limit="1000000/min")
    partner = Partner(Client(HTTP_AUTHORIZATION=f"Api-Key {text}"))
    while partner.pending:
        partner.read_list_page(sorted(partner.pending)[0], 500)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    watcher = TransactionWatcher(pid)
    watcher.start()
    started = time.monotonic()
    call_command("seed_demo", "--scale", "small", "--seed", "2", "--today", DEMO_TODAY.isoformat())
    took = time.monotonic() - started
    watcher.stop.set()
    watcher.join()
    # Many transactions, none of them a large share of the run (one transaction was the whole run before).
    assert len(watcher.starts) >= 10, watcher.starts
    assert watcher.longest < max(2.0, took / 4), (watcher.longest, took)
    while partner.read_feed_page(1000):
        pass
    truth = what_the_partner_may_see(partner.client)
    assert set(partner.copy) - set(truth) == set(), "extra rows"
    assert set(truth) - set(partner.copy) == set(), "missing rows"
    assert [key for key, row in truth.items() if partner.copy[key] != row] == [], "stale rows"
