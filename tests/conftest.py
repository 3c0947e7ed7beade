import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS
from django.test import TransactionTestCase

from seeding.demo import DEMO_PASSWORD, demo_seed
from seeding.reference_data import reference_data_load
from tests import snapshots
from tests.prepared import migrated_template

# make test runs the suite in two passes (Makefile): TEST_PASS=parallel, under pytest-xdist, leaves out the tests
# marked serial; TEST_PASS=serial runs only them, in one process. Unset, pytest runs everything.
TEST_PASSES = {"parallel", "serial"}


def _select_test_pass(config, items):
    test_pass = os.environ.get("TEST_PASS", "")
    if not test_pass:
        return
    if test_pass not in TEST_PASSES:
        raise pytest.UsageError(f"TEST_PASS={test_pass!r}: use one of {sorted(TEST_PASSES)} or leave it unset")
    keep, leave = [], []
    for item in items:
        serial = item.get_closest_marker("serial") is not None
        (keep if serial == (test_pass == "serial") else leave).append(item)
    if leave:
        config.hook.pytest_deselected(items=leave)
        items[:] = keep


# Demo data in tests is built around today, as the pages measure "open" and "overdue" against today.
DEMO_TODAY = datetime.date.today()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL each process's test database is a copy of the run's migrated template (tests.prepared),
    made in a second, instead of migrating from empty (about 30 s a process)."""
    from django.db import connections

    template = migrated_template(os.environ.get("DATABASE_URL", ""))
    if template and connections["default"].vendor == "postgresql":
        connections["default"].settings_dict.setdefault("TEST", {})["TEMPLATE"] = template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped reference data (32 councils, partners, strategy). On PostgreSQL
    that state and the same with the small demo set are kept as snapshots (tests.snapshots), which put either back
    in a fraction of a second where seeding took seconds."""
    from django.conf import settings

    if "test-media" in Path(settings.MEDIA_ROOT).parts:  # this process's own test files: only this run's kept
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    with django_db_blocker.unblock():
        counts = reference_data_load()
        _snapshots["reference"] = snapshots.take(counts)
        if _snapshots["reference"] is not None:
            _snapshots["demo"] = snapshots.take(demo_seed(scale="small", seed=1, today=DEMO_TODAY))
            snapshots.restore(_snapshots["reference"])
    _committed.update(reference=True, demo=None)


# What the test database holds between tests, outside every test's transaction: the reference data (loaded at set-up,
# removed by a transactional test's flush) and the small demo set (seeded once, committed, for the tests that use
# it; its counts here). Each test that is not transactional runs in a transaction rolled back at its end, so it
# finds this state as it was committed.
_committed = {"reference": False, "demo": None}
_snapshots = {"reference": None, "demo": None}  # tests.snapshots.Snapshot of each state, on PostgreSQL


_flush_after_transactional_test = TransactionTestCase._fixture_teardown


def _empty_after_transactional_test(self):
    """After a transactional test: every row deleted (tests.snapshots.empty, a tenth of a second) where the next
    test puts its state back from a snapshot; Django's flush (TRUNCATE, about a second) where there are none."""
    if _snapshots["reference"] is None or self._databases_names(include_mirrors=False) != [DEFAULT_DB_ALIAS]:
        return _flush_after_transactional_test(self)
    snapshots.empty()


TransactionTestCase._fixture_teardown = _empty_after_transactional_test


def committed_reference_data() -> dict:
    """Commit the reference data alone (outside a test's transaction); its counts."""
    if _snapshots["reference"] is not None:
        return snapshots.restore(_snapshots["reference"])
    call_command("flush", interactive=False, verbosity=0)
    return reference_data_load()


def committed_demo_data() -> dict:
    """Commit the reference data and the small demo set (outside a test's transaction: for transactional tests and
    the shared state); the demo set's counts."""
    if _snapshots["demo"] is not None:
        return snapshots.restore(_snapshots["demo"])
    return demo_seed(scale="small", seed=1, today=DEMO_TODAY)


def _uses_demo_data(request_or_item) -> bool:
    return "demo_data" in getattr(request_or_item, "fixturenames", ())


def _is_transactional(request_or_item) -> bool:
    names = getattr(request_or_item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = request_or_item.node.get_closest_marker("django_db") if hasattr(request_or_item, "node") else (
        request_or_item.get_closest_marker("django_db"))
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))


@pytest.fixture
def _committed_data(request, django_db_setup, django_db_blocker):
    """Before a test's transaction starts: commit the state it needs. A test of demo_data finds the small demo set
    (seeded once, then kept until a test needs it gone); any other test finds the reference data alone, as before
    (a transactional test's flush is followed by the reference data again, for the tests after it)."""
    transactional = _is_transactional(request)
    wants_demo = _uses_demo_data(request) and not transactional
    with django_db_blocker.unblock():
        if wants_demo and _committed["demo"] is None:
            if not _committed["reference"] and _snapshots["demo"] is None:
                reference_data_load()
            _committed["demo"] = committed_demo_data()
        elif not wants_demo and (_committed["demo"] is not None or not _committed["reference"]):
            # Back to the reference data alone, as set-up left it (the demo's history and feed entries too).
            committed_reference_data()
            _committed["demo"] = None
        _committed["reference"] = True
    yield
    if transactional:  # its flush emptied every table
        _committed.update(reference=False, demo=None)


@pytest.fixture
def _django_db_helper(_committed_data, _django_db_helper):
    """pytest-django's per-test database access (a transaction, or a flush at the end for transactional tests),
    opened once _committed_data has committed what the test needs."""
    return _django_db_helper


@pytest.fixture
def reference_data(db):
    """The reference data's counts. Every test finds the reference data committed (a transactional test's too:
    _committed_data puts it back after the flush of the one before)."""
    if _snapshots["reference"] is not None:
        return dict(_snapshots["reference"].counts)
    return reference_data_load()


@pytest.fixture
def demo_data(db):
    """The small demo set (seed 1, built around DEMO_TODAY): its counts, as seeding.demo.demo_seed returns them.
    Seeded once per session and committed; each test's changes roll back with its transaction. A transactional
    test (transactional_db, live_server) seeds it itself in the data it commits, as browser_data does."""
    if _committed["demo"] is None:  # a transactional test: nothing was committed for it
        return committed_demo_data()
    return dict(_committed["demo"])


def pytest_collection_modifyitems(config, items):
    """Only this pass's tests (TEST_PASS), the longest first: the browser journeys, then the other tests marked slow,
    then the rest, so that the two workers finish together instead of one running a minute-long journey alone at
    the end (pytest-xdist hands tests out in this order). Within each, after pytest-django's order (database tests,
    then transactional ones, then the rest), those that use demo_data come after those that do not, so the state
    committed between tests changes less often. Any order is correct: each test finds the state it needs put back
    (_committed_data)."""
    _select_test_pass(config, items)

    def order(item):
        length = 0 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("slow") else 2
        if _is_transactional(item):
            return length, 2
        if _uses_demo_data(item):
            return length, 1
        uses_db = item.get_closest_marker("django_db") is not None or "db" in getattr(item, "fixturenames", ())
        return length, 0 if uses_db else 3

    items.sort(key=order)


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


# Host names the tests' webhooks use, and what they resolve to (the machine has no DNS; see fake_dns).
TEST_DNS = {
    "hooks.example.org": ["93.184.215.14"],
    "partner.example.com": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "rebinding.example.org": ["93.184.215.14", "10.0.0.7"],
    "metadata.example.org": ["169.254.169.254"],
    "localhost": ["127.0.0.1"],
    "127.0.0.1": ["127.0.0.1"],
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    """Webhook addresses resolve through TEST_DNS; a name not in it is not found. Returns the look-ups made."""
    import socket

    from partner_access import webhook_addresses

    lookups = []

    def resolve(host, port):
        lookups.append(host)
        if host not in TEST_DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(TEST_DNS[host])

    monkeypatch.setattr(webhook_addresses, "resolve", resolve)
    return lookups


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used two-factor codes live in the caches: each test starts without them. (On Redis
    both caches share one database, which one clear empties; in memory the API's rates are a cache of their own.)"""
    from django.core.cache import caches

    caches["default"].clear()
    caches["api"].clear()
    yield


def signed_in_with_two_factor(user):
    """A Digital Office user as a session that used two-factor authentication presents them to the services
    (core.middleware.SecondFactorMiddleware sets this on request.user)."""
    user.second_factor_verified = True
    return user


def mark_second_factor_used(client, user):
    """What allauth's two-factor step leaves in the session (core.second_factor), for tests that force_login."""
    from core.second_factor import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session.save()


@pytest.fixture
def login_as(client, demo_data):
    """Log the test client in as one of the demo accounts, by email. Digital Office staff have used their second
    factor in this session, as after a real sign-in, unless `second_factor=False`."""

    def _login(email, *, second_factor=True):
        from core.models import User

        user = User.objects.get(email=email)
        client.force_login(user)
        if second_factor:
            mark_second_factor_used(client, user)
        return client

    return _login


@pytest.fixture
def make_key(db):
    """make_key(scopes, partner="scottish-government", **fields) -> (PartnerAPIKey, full key text); every scope
    unless told."""
    from core import services
    from core.policies import SYSTEM
    from core.scopes import SCOPES
    from councils.models import PartnerOrganisation

    def _make(scopes=None, partner="scottish-government", **fields):
        scopes = SCOPES if scopes is None else scopes
        organisation = PartnerOrganisation.objects.get(slug=partner)
        return services.key_create(user=SYSTEM, partner=organisation, name="Test key", scopes=list(scopes), **fields)

    return _make


@pytest.fixture
def key_client():
    """key_client(text) -> a test client that sends `Authorization: Api-Key <text>`."""

    from tests.api_client import keyed_client

    return keyed_client


@pytest.fixture
def make_key_text(make_key):
    """make_key_text(scopes) -> the full text of a new Scottish Government key with those scopes."""
    return lambda scopes: make_key(scopes)[1]


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in as a superuser whose session used the second factor (the admin
    is closed to a superuser without it)."""
    client.force_login(admin_user)
    mark_second_factor_used(client, admin_user)
    return client
