import datetime

import pytest

from seeding.demo import DEMO_PASSWORD, demo_seed
from seeding.reference_data import reference_data_load

# Demo data in tests is built around today, as the pages measure "open" and "overdue" against today.
DEMO_TODAY = datetime.date.today()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped reference data (32 councils, partners, strategy)."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(db):
    """For transactional tests, whose flush removes the data loaded at set-up."""
    return reference_data_load()


@pytest.fixture
def demo_data(db):
    return demo_seed(scale="small", seed=1, today=DEMO_TODAY)


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

    from partner_api import webhook_addresses

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
def make_key_text(db):
    """make_key_text(scopes) -> the full text of a new Scottish Government key with those scopes."""

    def _make(scopes):
        from core import services
        from core.policies import SYSTEM
        from councils.models import PartnerOrganisation

        partner = PartnerOrganisation.objects.get(slug="scottish-government")
        return services.key_create(user=SYSTEM, partner=partner, name="Test key", scopes=list(scopes))[1]

    return _make


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in as a superuser whose session used the second factor (the admin
    is closed to a superuser without it)."""
    client.force_login(admin_user)
    mark_second_factor_used(client, admin_user)
    return client
